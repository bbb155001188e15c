"""The items of the question lists, rendered by Jinja2 (rucher.core.jinja, docs/decisions.md):
an item cost 0.6 ms in Django's template engine, 12 ms for a page of 20."""

from collections.abc import Sequence
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import pgettext

from rucher.content.cards import comments_label
from rucher.core import jinja
from rucher.core.templatetags.fast import past

HELPERS = {"past": past, "comments_label": comments_label}


def question_items(items: Sequence[Any]) -> SafeString:
    """The `<li>` of each question (templates/qa/_question_items.jinja)."""
    # One question's state ("Répondue"), not the list filter's plural ("Répondues").
    answered = pgettext("state of one question", "Answered")
    context = {"items": items, "answered_label": answered}
    return jinja.render("qa/_question_items.jinja", None, context, **HELPERS)
