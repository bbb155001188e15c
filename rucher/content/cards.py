"""The feed card and the like button, rendered by Jinja2 (rucher.core.jinja, docs/decisions.md):
a home or community page renders 20–25 cards, each 0.5 ms in Django's template engine."""

from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import ngettext, pgettext

from rucher.content.templatetags.post_tags import is_long, tags_beyond_body
from rucher.core import jinja
from rucher.core.templatetags.fast import url_for


def comments_label(count: int) -> str:
    return ngettext("%(counter)s comment", "%(counter)s comments", count) % {"counter": count}


HELPERS = {
    "is_long": is_long,
    "tags_beyond_body": tags_beyond_body,
    "comments_label": comments_label,
}


def feed_item(
    request: HttpRequest,
    user: Any,
    post: Any,
    *,
    id_prefix: str = "",
    in_community: bool = False,
    unread: bool = False,
) -> SafeString:
    """One post card (templates/content/_feed_item.jinja) for `user` reading `request`."""
    context = {
        "post": post,
        "user": user,
        "id_prefix": id_prefix,
        "in_community": in_community,
        "unread": unread,
        "in_label": pgettext("feed: a post in these communities", "in"),
    }
    return jinja.render("content/_feed_item.jinja", request, context, **HELPERS)


def like_form(
    request: HttpRequest | None,
    *,
    url: str,
    count: int,
    own: bool,
    liked: bool = False,
    next_url: str = "",
) -> SafeString:
    """The like button of a post or a comment (templates/content/_like.jinja)."""
    context = {"url": url, "count": count, "own": own, "liked": liked, "next": next_url}
    return jinja.render("content/_like.jinja", request, context)


def comment_thread(
    request: HttpRequest, user: Any, post: Any, comment: Any, *, q: Any, p: Any
) -> SafeString:
    """A comment of the post page with its shown replies and its reply form
    (templates/content/_thread.jinja); `q` the post's question or None, `p` the viewer's
    permissions on the post (rucher.content.access)."""
    context = {
        "thread": comment,
        "post": post,
        "user": user,
        "q": q,
        "p": p,
        "comment_new_url": url_for("comment_new", post.pk),
        "mention_url": url_for("mention_suggest"),
    }
    return jinja.render("content/_thread.jinja", request, context)
