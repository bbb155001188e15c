"""`{{ text|typo }}`: French typography for text assembled in templates — a no-break space
instead of the plain one before : ; ? ! and %, and inside « guillemets ». It only turns existing
plain spaces into no-break ones, so URLs, times (14:02) and entities (&amp;) are never touched;
HTML tags of safe input are left alone, and unsafe input is escaped first. And
`{{ hours|working_hours }}`: "1,5 heure ouvrée"."""

import re

from django import template
from django.utils.formats import number_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language, ngettext

register = template.Library()

NBSP = "\u00a0"
_BEFORE = re.compile(r" (?=[:;?!%»])")
_AFTER = re.compile(r"(?<=«) ")
_TAG = re.compile(r"(<[^>]*>)")


def french_spaces(text: str) -> str:
    """The plain spaces French typography wants unbreakable, made so (plain text)."""
    return _AFTER.sub(NBSP, _BEFORE.sub(NBSP, text))


@register.filter(needs_autoescape=True)
def typo(value: object, autoescape: bool = True) -> SafeString:
    if isinstance(value, SafeData):
        html = str(value)
    else:
        html = str(conditional_escape(str(value)) if autoescape else value)
    # Text between tags only: an attribute or a tag name is never rewritten.
    parts = _TAG.split(html)
    return mark_safe(  # noqa: S308 (escaped above or safe already; only spaces change)
        "".join(part if part.startswith("<") else french_spaces(part) for part in parts)
    )


def _plural_count(value: float) -> int:
    """The count to choose a plural form by: French says "1,5 heure" (singular below 2),
    English "1.5 hours" (singular for exactly 1 only)."""
    if (get_language() or "").startswith("fr"):
        return 1 if abs(value) < 2 else 2
    return 1 if value == 1 else 2


@register.filter
def working_hours(value: float | int | None) -> str:
    """{{ 1.5|working_hours }}: "1,5 heure ouvrée" / "1.5 working hours" (localised decimal,
    at most one digit after it; the plural as the language wants it)."""
    if value is None:
        return ""
    rounded = round(float(value), 1)
    shown = number_format(rounded, decimal_pos=0 if rounded.is_integer() else 1)
    return ngettext("%(hours)s working hour", "%(hours)s working hours", _plural_count(rounded)) % {
        "hours": shown
    }
