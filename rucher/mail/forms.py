"""The email preferences form: a preset, or one choice per kind (validation lives in the
services)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rucher.mail import preferences
from rucher.mail.models import Delivery


class EmailPreferencesForm(forms.Form):
    """A preset (radio buttons), and one choice per kind shown under "Customise"."""

    preset = forms.ChoiceField(
        label=_("How do you want to hear from Rucher by email?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        preset = self.fields["preset"]
        assert isinstance(preset, forms.ChoiceField)
        preset.choices = [
            *((value, label) for value, label, _help in preferences.PRESETS),
            (preferences.CUSTOM, _("Custom")),
        ]
        labels = dict(Delivery.choices)
        for kind in preferences.preference_kinds():
            self.fields[kind] = forms.ChoiceField(
                label=preferences.kind_label(kind),
                choices=[(d, labels[d]) for d in preferences.allowed_deliveries(kind)],
            )

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name != "preset"]

    def kind_choices(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k != "preset"}
