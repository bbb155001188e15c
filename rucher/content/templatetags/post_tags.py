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
