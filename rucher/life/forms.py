"""Web forms of everyday life: they parse; the services decide (one set of rules for both
faces)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rucher.life.models import (
    MAX_DESCRIPTION_LENGTH,
    MAX_REPLY_LENGTH,
    MAX_TITLE_LENGTH,
    ServiceCategory,
    ServiceKind,
    Site,
)

WEEKDAYS = [
    ("", _("Every day")),
    ("0", _("Every Monday")),
    ("1", _("Every Tuesday")),
    ("2", _("Every Wednesday")),
    ("3", _("Every Thursday")),
    ("4", _("Every Friday")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)  # type: ignore[arg-type]


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ServiceKind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=ServiceCategory.choices)
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=MAX_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.order_by("name"), required=False
    )
    starts_on = forms.DateField(label=_("From (or on)"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    from_place = forms.CharField(label=_("Carpool: leaving from"), required=False, max_length=100)
    to_place = forms.CharField(label=_("Carpool: going to"), required=False, max_length=100)
    seats = forms.IntegerField(label=_("Carpool: free seats"), required=False)
    target_amount = forms.IntegerField(label=_("Gift pool: target (€)"), required=False)
    private_replies = forms.BooleanField(
        label=_("Replies are private (only you and the person who replies see them)"),
        required=False,
        initial=True,
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=MAX_REPLY_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    pledge = forms.IntegerField(label=_("Your pledge (€)"), required=False)


class DeskOfferForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("To"), widget=DateInput())
    weekday = forms.TypedChoiceField(
        label=_("Days"), choices=WEEKDAYS, required=False, coerce=int, empty_value=None
    )


class CoffeeForm(forms.Form):
    suggested_at = forms.DateTimeField(
        label=_("Suggested time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    message = forms.CharField(label=_("Message"), required=False, max_length=500)


class DeskImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: site,floor,label,owner (owner is a username, may be empty)."),
    )


class FloorPlanForm(forms.Form):
    # Checked by the service (rucher.core.images: the pixel budget), not by ImageField.
    plan = forms.FileField(label=_("Floor plan"))
