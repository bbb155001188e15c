"""Web forms about people; validation rules live in the services, forms only carry input."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from rucher.accounts.lookup import people_picker_attrs
from rucher.accounts.models import User


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=150)
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    site = forms.CharField(label=_("Site"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    bio = forms.CharField(
        label=_("About me"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    expertise = forms.CharField(
        label=_("Expertise"),
        required=False,
        max_length=1200,
        help_text=_("Comma-separated, e.g. Python, purchasing, lean management."),
    )
    interests = forms.CharField(
        label=_("Interests"), required=False, max_length=1200, help_text=_("Comma-separated.")
    )
    offers = forms.CharField(
        label=_("What I can offer / help with"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reading = forms.CharField(
        label=_("What I read"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    manager = forms.CharField(
        label=_("Reports to"),
        max_length=150,
        required=False,
        help_text=_("Your manager’s name or username."),
        widget=forms.TextInput(attrs=people_picker_attrs("manager-suggestions")),
    )

    def changes(self) -> dict[str, object]:
        data = dict(self.cleaned_data)
        for field in ("expertise", "interests"):
            data[field] = [part for part in data[field].split(",") if part.strip()]
        return data


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"))


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices, required=False)
    grammatical_gender = forms.ChoiceField(
        label=_("How should French text address you?"),
        choices=User.GrammaticalGender.choices,
        required=False,
        help_text=_(
            "For the agreement of words that address you, e.g. « vous a remerciée » or "
            "« vous a remercié »; neutral wording otherwise."
        ),
    )
    meet_opt_out = forms.BooleanField(
        label=_("Do not suggest me in “meet a colleague”"), required=False
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


class CharterPublishForm(forms.Form):
    text_fr = forms.CharField(
        label=_("Text (French)"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        max_length=20000,
    )
    text_en = forms.CharField(
        label=_("Text (English)"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        max_length=20000,
    )


class PersonAdminForm(forms.Form):
    """What an administrator sets on a colleague's profile."""

    is_ambassador = forms.BooleanField(
        label=_("Network ambassador"),
        required=False,
        help_text=_(
            "Welcomes newcomers and answers for the communities that have no leader of their own."
        ),
    )
    manager = forms.CharField(
        label=_("Reports to"),
        max_length=150,
        required=False,
        help_text=_("Their manager’s name or username."),
        widget=forms.TextInput(attrs=people_picker_attrs("admin-manager-suggestions")),
    )
