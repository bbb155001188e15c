"""Template filters for post cards."""

from collections.abc import Iterable
from typing import Any

from django import template

from rucher.content.mentions import find_hashtags

register = template.Library()


@register.filter
def tags_beyond_body(tags: Iterable[Any], body: str) -> list[Any]:
    """The tags a card lists below its text: those the text does not already show as #links
    (each tag once per card, one tab stop; tags given in the Tags field still appear)."""
    in_body = set(find_hashtags(body or ""))
    return [t for t in tags if t.slug not in in_body]


# A card shows the start of a longer text, clamped, with « Read more ».
EXCERPT_CHARACTERS = 420
EXCERPT_LINES = 6


@register.filter
def is_long(body: str) -> bool:
    """Whether a post's text is longer than a card shows in full (its excerpt is clamped)."""
    text = body or ""
    return len(text) > EXCERPT_CHARACTERS or text.count("\n") >= EXCERPT_LINES
