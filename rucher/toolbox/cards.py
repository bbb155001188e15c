"""The article cards of the blogs, rendered by Jinja2 (rucher.core.jinja, docs/decisions.md): a
card cost 0.47 ms in Django's template engine, 9 ms for a page of 20."""

from collections.abc import Sequence
from typing import Any

from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import ngettext

from rucher.core import jinja


def reading_label(minutes: int) -> str:
    return ngettext("%(minutes)s min read", "%(minutes)s min read", minutes) % {"minutes": minutes}


def excerpt(body_html: str) -> str:
    """Django's `striptags|truncatewords:40` (the text is escaped by the template, as it was)."""
    return Truncator(strip_tags(body_html)).words(40, truncate=" …")


HELPERS = {"reading_label": reading_label, "excerpt": excerpt}


def article_cards(items: Sequence[Any], *, show_communities: bool = False) -> SafeString:
    """The `<li>` of each article (templates/toolbox/_article_cards.jinja)."""
    context = {"items": items, "show_communities": show_communities}
    return jinja.render("toolbox/_article_cards.jinja", None, context, **HELPERS)
