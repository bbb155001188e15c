"""Template helpers for the long lists (feeds, streams, comment threads).

`make bench` showed a post page with 50 comments spending most of its time in the template
engine: about 200 `{% url %}` and 100 pairs of date filters per page. These two helpers do the
same work with less machinery (docs/performance.md).
"""

from datetime import datetime, timedelta
from functools import cache
from urllib.parse import quote

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from rucher.core.text import markdown_plain

register = template.Library()

# Characters `reverse()` leaves unquoted in a path, minus "/": one argument stays one segment.
_SAFE = "!$&'()*+,;=~:@"


@cache
def _url_pattern(name: str, kinds: tuple[type, ...], prefix: str) -> tuple[str, ...]:
    """The reversed URL of `name` cut around its arguments, computed once per process (and
    script prefix) by reversing it with recognisable placeholders."""
    markers = [
        str(9_000_000_000_000 + i) if kind is int else f"zz{i}placeholderzz"
        for i, kind in enumerate(kinds)
    ]
    url = reverse(name, args=markers)
    parts: list[str] = []
    for marker in markers:
        head, _, url = url.partition(marker)
        parts.append(head)
    parts.append(url)
    return tuple(parts)


def url_for(name: str, *args: int | str) -> str:
    """`reverse(name, args=args)` for URLs whose arguments are ints, slugs or usernames."""
    kinds = tuple(int if isinstance(arg, int) else str for arg in args)
    parts = _url_pattern(name, kinds, get_script_prefix())
    out = [parts[0]]
    for arg, part in zip(args, parts[1:], strict=True):
        out.append(str(arg) if isinstance(arg, int) else quote(str(arg), safe=_SAFE))
        out.append(part)
    return "".join(out)


@register.simple_tag
def href(name: str, *args: int | str) -> str:
    """{% href 'profile' person.username %}: like {% url %}, for the URLs of long lists."""
    return url_for(name, *args)


def relative_when(moment: datetime, now: datetime) -> str | None:
    """ "il y a 9 minutes", "il y a 3 heures", "hier à 14:02" for the last two days; None
    beyond (the short date then). Both arguments are aware; the calendar day is the local one."""
    seconds = (now - moment).total_seconds()
    if seconds < 0:
        return None
    if seconds < 60:
        return gettext("just now")
    if seconds < 3600:
        minutes = int(seconds // 60)
        return ngettext("%(minutes)s minute ago", "%(minutes)s minutes ago", minutes) % {
            "minutes": minutes
        }
    local, today = timezone.localtime(moment), timezone.localtime(now).date()
    if local.date() == today:
        hours = int(seconds // 3600)
        return ngettext("%(hours)s hour ago", "%(hours)s hours ago", hours) % {"hours": hours}
    if local.date() == today - timedelta(days=1):
        return gettext("yesterday at %(time)s") % {
            "time": formats.time_format(local, "TIME_FORMAT")
        }
    return None


# Django's date format characters that strftime renders the same, locale-independent digits.
_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "H": "%H", "i": "%M", "s": "%S"}


@cache
def _strftime_pattern(django_format: str) -> str | None:
    """The strftime equivalent of a Django date format made only of numeric fields (French's
    "d/m/Y H:i"), else None (English's "m/d/Y P" names "a.m."/"noon": Django formats it).
    `DateFormat` costs 13 µs per date, strftime 2 µs; a thread page shows 50 dates."""
    out = []
    for char in django_format:
        if char in _STRFTIME:
            out.append(_STRFTIME[char])
        elif char.isalpha() or char == "\\":
            return None
        else:
            out.append(char.replace("%", "%%"))
    return "".join(out)


def _short_datetime(local: datetime) -> str:
    pattern = _strftime_pattern(str(formats.get_format("SHORT_DATETIME_FORMAT")))
    if pattern is None:
        return formats.date_format(local, "SHORT_DATETIME_FORMAT")
    return local.strftime(pattern)


@register.filter
def timetag(value: object) -> SafeString | str:
    """{{ post.created_at|timetag }}: <time datetime="ISO" title="exact">relative or short
    local date and time</time> ("il y a 9 minutes", "hier à 14:02"; the exact date on hover)."""
    if value is None:
        return ""
    local = timezone.localtime(value)  # type: ignore[arg-type]
    exact = _short_datetime(local)
    shown = relative_when(local, timezone.now()) or exact
    return format_html('<time datetime="{}" title="{}">{}</time>', local.isoformat(), exact, shown)


# Avatar colours: light backgrounds that all keep dark initials above 7:1 (the CSP allows no
# inline style attribute, hence classes .avatar-c0 … .avatar-c7 in rucher.css).
AVATAR_COLOURS = 8


@register.filter
def initials(name: object) -> str:
    """ "Camille Martin" → "CM", "Élodie" → "É": the first letters of the first and last words."""
    words = [w for w in str(name or "").replace("-", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


@register.simple_tag
def avatar(person: object, size: str = "") -> SafeString:
    """{% avatar person "small" %}: the person's photo, else their initials on a colour derived
    from them (the same colour on every page), hidden from screen readers (the name follows)."""
    if person is None:
        return format_html(
            '<span class="avatar placeholder avatar-c0 {}" aria-hidden="true">?</span>', size
        )
    pixels = {"small": 32, "big": 128}.get(size, 48)
    if getattr(person, "photo", None):
        return format_html(
            '<img class="avatar {}" src="{}" alt="" width="{}" height="{}"{}>',
            size,
            url_for("profile_photo", person.username),  # type: ignore[attr-defined]
            pixels,
            pixels,
            # Long lists load their small photos as they scroll into view.
            mark_safe(' loading="lazy"') if size == "small" else "",
        )
    colour = (getattr(person, "pk", 0) or 0) % AVATAR_COLOURS
    return format_html(
        '<span class="avatar placeholder avatar-c{} {}" aria-hidden="true">{}</span>',
        colour,
        size,
        initials(getattr(person, "display_name", "") or getattr(person, "username", "")),
    )


@register.filter
def past(value: object) -> bool:
    """{% if q.due_at|past %}: whether a moment has passed (an overdue question's badge)."""
    return isinstance(value, datetime) and value < timezone.now()


@register.filter
def plain_excerpt(value: object) -> str:
    """{{ community.description|plain_excerpt|truncatechars:200 }}: Markdown without its marks."""
    return markdown_plain(str(value or ""))
