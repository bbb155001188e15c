"""Template tags of public thanks: the "A thanks B — value" line of a kudos post, and the latest
thanks a person received (only those the viewer may read)."""

from typing import Any

from django import template

from rucher.accounts.models import User
from rucher.content.models import Post
from rucher.recognition.kudos import kudos_received_readable
from rucher.recognition.models import Kudos

register = template.Library()

PROFILE_KUDOS_SHOWN = 5


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


@register.simple_tag(takes_context=True)
def profile_kudos(context: template.Context, person: User) -> list[Kudos]:
    """{% profile_kudos person as received %}: the latest thanks the person received that the
    viewer may read (one query)."""
    viewer = context.get("user")
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return []
    return kudos_received_readable(viewer, person, limit=PROFILE_KUDOS_SHOWN)
