"""Web form of a poll; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rucher.polls.models import MAX_QUESTION_LENGTH


class PollForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=MAX_QUESTION_LENGTH)
    choices = forms.CharField(
        label=_("Choices"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line, 2 to 20."),
    )
    multiple = forms.BooleanField(label=_("Several answers allowed"), required=False)
    anonymous = forms.BooleanField(
        label=_("Anonymous"),
        required=False,
        help_text=_("Nobody, not even the managers, will see who voted for what."),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes on"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
