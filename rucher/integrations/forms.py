"""Forms of the integrations pages (the services validate again, naming the field)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rucher.communities.models import Community
from rucher.integrations.events import EVENTS


class WebhookForm(forms.Form):
    url = forms.CharField(
        label=_("Receiver URL"),
        max_length=1000,
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
        help_text=_(
            "http:// or https://; private network addresses need the administrator's allow-list."
        ),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=list(EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.none(),
        required=False,
        to_field_name="slug",
        help_text=_(
            "Only this community's content is sent. Empty: what the whole organisation may read."
        ),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        required=False,
        max_length=200,
        help_text=_(
            "Signs every delivery (X-Rucher-Signature). Leave empty to have one generated."
        ),
    )

    def __init__(
        self, *args: Any, communities: QuerySet[Community], organisation: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = communities.order_by("sort_name", "id")
        field.empty_label = str(_("Whole organisation"))
        if not organisation:
            field.required = True
            field.empty_label = None
            field.help_text = _("Only this community's content is sent.")


class IncomingTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Integration name"),
        max_length=100,
        help_text=_("Its posts appear under this name, e.g. “Service desk” or “CI”."),
    )
