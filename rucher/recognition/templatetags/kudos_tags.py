"""Template tag of public thanks: the "A thanks B — value" line of a kudos post."""

from typing import Any

from django import template

from rucher.content.models import Post
from rucher.recognition.models import Kudos

register = template.Library()


def kudos_of(post: Post) -> Kudos | None:
    """The post's Kudos row: from the selectors' select_related when they joined it (no query),
    else one query with its people and value."""
    if Post.kudos.is_cached(post):
        return post._state.fields_cache.get("kudos")
    return Kudos.objects.select_related("giver", "receiver", "value").filter(post=post.pk).first()


@register.inclusion_tag("recognition/kudos_line.html")
def kudos_line(post: Post) -> dict[str, Any]:
    """{% kudos_line post %}: "Alice thanks Bob — Entraide" above a kudos post's message."""
    return {"kudos": kudos_of(post) if post.kind == Post.Kind.KUDOS else None}
