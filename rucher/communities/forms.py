"""Web forms about communities; validation rules live in the services, forms only carry input."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rucher.accounts.lookup import people_picker_attrs
from rucher.communities.models import MAX_ANSWER_PROMISE_HOURS, Community, Membership


class CommunityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown is allowed."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Community.Kind.choices)
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Community.Visibility.choices, widget=forms.RadioSelect
    )
    objectives = forms.CharField(
        label=_("Objectives"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rules = forms.CharField(
        label=_("Community rules"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    answer_promise_hours = forms.IntegerField(
        label=_("Answer-time promise (working hours)"),
        required=False,
        min_value=1,
        max_value=MAX_ANSWER_PROMISE_HOURS,
        help_text=_(
            "Every question answered within this many working hours. Leave empty for none."
        ),
    )

    def changes(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class CommunityCreateForm(CommunityForm):
    slug = forms.CharField(
        label=_("Address"),
        max_length=60,
        required=False,
        help_text=_(
            "/c/<address>/ — lower-case letters, digits and dashes; made from the name if empty."
        ),
    )

    field_order = ["name", "slug"]


class MemberAddForm(forms.Form):
    username = forms.CharField(
        label=_("Colleague"),
        max_length=150,
        help_text=_("Type their name, then pick them from the suggestions."),
        widget=forms.TextInput(attrs=people_picker_attrs("member-add-suggestions")),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )
    invite = forms.BooleanField(
        label=_("Invite (they accept by joining) instead of adding at once"), required=False
    )


class CoverForm(forms.Form):
    cover = forms.FileField(
        label=_("Cover image"),
        help_text=_("JPEG, PNG, GIF or WebP, at most 5 MB; cut to a 3:1 band."),
    )
