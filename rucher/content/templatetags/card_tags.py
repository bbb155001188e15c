"""{% feed_item post %}, {% comment_thread comment %} and {% like_form … %}: the Jinja-rendered
cards (rucher.content.cards) inside Django templates."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from rucher.content import cards

register = template.Library()


@register.simple_tag(takes_context=True)
def feed_item(
    context: template.Context,
    post: Any,
    id_prefix: str = "",
    in_community: bool = False,
    unread: bool = False,
) -> SafeString:
    """{% feed_item post id_prefix="post-" in_community=True unread=True %}"""
    return cards.feed_item(
        context["request"],
        context["user"],
        post,
        id_prefix=id_prefix,
        in_community=in_community,
        unread=unread,
    )


@register.simple_tag(takes_context=True)
def like_form(
    context: template.Context, url: str, count: int, own: bool, liked: bool = False
) -> SafeString:
    """{% like_form like_url post.like_count own=False liked=p.liked_by_me %}"""
    return cards.like_form(context.get("request"), url=url, count=count, own=own, liked=liked)


@register.simple_tag(takes_context=True)
def comment_thread(context: template.Context, comment: Any) -> SafeString:
    """{% comment_thread comment %} on the post page (needs `post`, `q`, `p` in the context)."""
    return cards.comment_thread(
        context["request"],
        context["user"],
        context["post"],
        comment,
        q=context.get("q"),
        p=context.get("p"),
    )
