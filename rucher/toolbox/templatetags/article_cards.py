"""{% article_cards page.items %}: the Jinja-rendered cards of a blog (rucher.toolbox.cards)."""

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString

from rucher.toolbox import cards

register = template.Library()


@register.simple_tag
def article_cards(items: Sequence[Any], show_communities: bool = False) -> SafeString:
    return cards.article_cards(items, show_communities=show_communities)
