"""Web form of an event; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rucher.agenda.models import MAX_EVENT_DESCRIPTION, MAX_EVENT_TITLE, Recurrence

_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_EVENT_TITLE)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=_LOCAL)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=_LOCAL)
    all_day = forms.BooleanField(label=_("All day"), required=False)
    recurrence = forms.ChoiceField(
        label=_("Repeat"), choices=Recurrence.choices, required=False, initial=""
    )
    recurrence_until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The last day it may take place. Empty: no end."),
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_url = forms.URLField(
        label=_("Online link"), max_length=500, required=False, assume_scheme="https"
    )
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, required=False, help_text=_("Empty: no limit.")
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_EVENT_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
