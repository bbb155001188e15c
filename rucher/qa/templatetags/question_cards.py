"""{% question_items page.items %}: the Jinja-rendered items of a question list
(rucher.qa.cards)."""

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString

from rucher.qa import cards

register = template.Library()


@register.simple_tag
def question_items(items: Sequence[Any]) -> SafeString:
    return cards.question_items(items)
