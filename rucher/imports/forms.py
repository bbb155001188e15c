"""The administrators' import form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rucher.imports.models import ImportRun


class ImportForm(forms.Form):
    format = forms.ChoiceField(label=_("What to import"), choices=ImportRun.Format.choices)
    file = forms.FileField(label=_("File"))
    dry_run = forms.BooleanField(
        label=_("Dry run: check and report, write nothing"), required=False
    )


class EraseForm(forms.Form):
    content = forms.ChoiceField(
        label=_("Their posts and comments"),
        choices=[
            ("keep", _("Keep them, shown as written by a “former member”")),
            ("delete", _("Delete them")),
        ],
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone"), required=True)
