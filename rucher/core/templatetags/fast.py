"""Template helpers for the long lists (feeds, streams, comment threads).

`make bench` showed a post page with 50 comments spending most of its time in the template
engine: about 200 `{% url %}` and 100 pairs of date filters per page. These two helpers do the
same work with less machinery (docs/performance.md).
"""

from functools import cache
from urllib.parse import quote

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

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


@register.filter
def timetag(value: object) -> SafeString | str:
    """{{ post.created_at|timetag }}: <time datetime="ISO">short local date and time</time>."""
    if value is None:
        return ""
    local = timezone.localtime(value)  # type: ignore[arg-type]
    return format_html(
        '<time datetime="{}">{}</time>',
        local.isoformat(),
        formats.date_format(local, "SHORT_DATETIME_FORMAT"),
    )
