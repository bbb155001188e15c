"""The form to follow a feed (the service checks the address)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rucher.feeds.models import MAX_URL_LENGTH


class FeedForm(forms.Form):
    url = forms.CharField(
        label=_("Feed address (RSS or Atom)"),
        max_length=MAX_URL_LENGTH,
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )
