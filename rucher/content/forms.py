"""Web forms for posts and comments (the services validate again, whichever face calls)."""

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from rucher.content.models import MAX_BODY_LENGTH, MAX_COMMENT_LENGTH, MAX_TITLE_LENGTH, PostKind

# Text boxes with @-mention autocomplete (static/rucher/mentions.js asks this URL).
MENTIONS = {
    "data-mentions": reverse_lazy("mention_suggest"),
    "data-mentions-label": _("Colleagues to mention"),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class PostForm(forms.Form):
    communities = forms.MultipleChoiceField(
        label=_("Communities"),
        help_text=_("Publish in one or several of your communities."),
    )
    # Thanks have their own form (rucher.recognition).
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[c for c in PostKind.choices if c[0] not in (PostKind.KUDOS, PostKind.WATCH)],
        initial=PostKind.POST,
    )
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_LENGTH, required=False)
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, **MENTIONS}),
        help_text=_("Markdown; @name mentions a colleague, #word adds a tag."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=600,
        help_text=_("Separated by commas or spaces."),
    )
    must_read = forms.BooleanField(label=_("Must read"), required=False)
    upload = MultipleFileField(label=_("Files"))

    def __init__(self, *args: Any, community_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["communities"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = community_choices


class PostEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_LENGTH, required=False)
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10, **MENTIONS}),
    )
    tags = forms.CharField(label=_("Tags"), required=False, max_length=600)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, **MENTIONS}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    upload = MultipleFileField(label=_("Files"))
