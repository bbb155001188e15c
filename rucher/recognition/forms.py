"""Web forms of recognition (the services validate again, whichever face calls)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rucher.accounts.lookup import people_picker_attrs
from rucher.communities.models import Community
from rucher.recognition.kudos import MAX_MESSAGE_LENGTH
from rucher.recognition.models import OrganisationValue


class KudosForm(forms.Form):
    """Thank a colleague: the community among the giver's own, the colleague's username, one of
    the organisation's active values and a message."""

    community = forms.ChoiceField(
        label=_("Community"), help_text=_("Where the thanks is published: one of yours.")
    )
    to = forms.CharField(
        label=_("Colleague"),
        max_length=150,
        help_text=_("Type their name, then pick them from the suggestions."),
        widget=forms.TextInput(attrs=people_picker_attrs("kudos-to-suggestions")),
    )
    value = forms.ChoiceField(label=_("Value"), required=False)
    message = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why you thank them (Markdown)."),
    )

    def __init__(
        self,
        *args: Any,
        communities: list[Community],
        values: list[OrganisationValue],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        community = self.fields["community"]
        assert isinstance(community, forms.ChoiceField)
        community.choices = [(c.slug, c.name) for c in communities]
        value = self.fields["value"]
        assert isinstance(value, forms.ChoiceField)
        if values:
            value.required = True
            value.choices = [("", "—"), *((str(v.pk), v.name) for v in values)]
        else:
            del self.fields["value"]
