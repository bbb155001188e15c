"""The email preferences form: one choice per kind (validation lives in the services)."""

from typing import Any

from django import forms

from rucher.mail import preferences
from rucher.mail.models import Delivery


class EmailPreferencesForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Delivery.choices)
        for kind in preferences.preference_kinds():
            self.fields[kind] = forms.ChoiceField(
                label=preferences.kind_label(kind),
                choices=[(d, labels[d]) for d in preferences.allowed_deliveries(kind)],
            )
