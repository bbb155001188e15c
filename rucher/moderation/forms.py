"""The report form (the service validates again, naming the field)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rucher.moderation.models import MAX_REASON_LENGTH


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should the moderators look at this?"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("At most %(max)d characters. Only the moderators see your report.")
        % {"max": MAX_REASON_LENGTH},
    )
