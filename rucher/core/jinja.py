"""Jinja2 for the few templates a page renders dozens of times (feed cards, comments).

Django's template engine interprets its node tree at every render: a feed card cost about
0.5 ms, a comment 0.3 ms, 10–15 ms of a list page's CPU (docs/performance.md, issue 23). Jinja2
compiles a template to Python once per process. Everything else stays in Django's engine; a
Django template renders one of these cards through a template tag of the owning app
(`{% feed_item post %}`), which calls `render()` below.

The Jinja templates live beside the Django ones, named `*.jinja`, and translate their strings
with `_("…")` only, which `makemessages -e html,txt,py,jinja` extracts (plural and contextual
strings come from Python helpers of the owning app, where makemessages finds them too).
"""

from functools import cache
from typing import Any

import jinja2
from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from rucher.core.templatetags.fast import avatar, timetag, url_for


def truncatechars(value: str, length: int) -> str:
    """Django's `truncatechars` filter (a title cut to a list's width)."""
    return Truncator(value).chars(length)


def _django(name: str, request: HttpRequest | None = None, **context: Any) -> SafeString:
    """A Django template from inside a Jinja one, for a rare part (a must-read's receipt, a
    kudos line) that other Django templates share."""
    return mark_safe(render_to_string(name, context, request))  # noqa: S308 (rendered, escaped)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(settings.BASE_DIR / "templates"),
        autoescape=True,
        # Compiled once per process in production; edits show at once while developing.
        auto_reload=settings.DEBUG,
        keep_trailing_newline=False,
        undefined=jinja2.Undefined,
    )
    env.globals.update(
        _=gettext, href=url_for, avatar=avatar, django=_django, truncatechars=truncatechars
    )
    env.filters.update(timetag=timetag, filesizeformat=filesizeformat)
    return env


def _csrf_input(request: HttpRequest) -> SafeString:
    """The forms' hidden CSRF field, masked once per request: `get_token()` draws a new mask at
    each call (32 random characters), which cost more than the rest of a card."""
    field: SafeString | None = getattr(request, "_rucher_csrf_input", None)
    if field is None:
        field = mark_safe(  # noqa: S308 (the masked token is alphanumeric)
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
        )
        request._rucher_csrf_input = field  # type: ignore[attr-defined]
    return field


def render(
    name: str, request: HttpRequest | None, context: dict[str, Any], **helpers: Any
) -> SafeString:
    """Renders the Jinja template `name` with `context`; with a request, `csrf_input` (the
    hidden field of the forms) and `request` are in the context, as in Django templates.
    `helpers` are the owning app's functions and filters the template calls."""
    template = environment().get_template(name, globals=helpers or None)
    if request is not None:
        context = {**context, "request": request, "csrf_input": _csrf_input(request)}
    return mark_safe(template.render(context))  # noqa: S308 (Jinja escaped it: autoescape on)
