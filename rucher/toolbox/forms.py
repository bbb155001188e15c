"""Web forms of the community toolbox; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rucher.communities.models import Community
from rucher.content.models import MAX_BODY_LENGTH, MAX_TITLE_LENGTH
from rucher.toolbox.models import MAX_ANSWER_LENGTH, IdeaStatus


class TabsForm(forms.Form):
    tabs = forms.MultipleChoiceField(
        label=_("Tabs shown"),
        choices=Community.Tab.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A tab that is off disappears from the menu and its page answers 404."),
    )


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_LENGTH)
    cover = forms.FileField(
        label=_("Cover image"),
        required=False,
        help_text=_("JPEG, PNG, GIF or WebP; resized to 1600 × 900 at most."),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Markdown: ## headings make the table of contents of long articles."),
    )


class IdeaStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=IdeaStatus.choices)
    answer = forms.CharField(
        label=_("Public answer"),
        max_length=MAX_ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
