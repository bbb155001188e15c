"""Search pages: /search/ (works without JavaScript), the top bar's live suggestions and the
"has this been asked before?" list under a question's title (both htmx partials)."""

import logging
from datetime import date, datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rucher.content.access import readable_communities
from rucher.core import http
from rucher.core.pagination import BadCursor
from rucher.search import selectors, text
from rucher.search.selectors import Filters, SearchError

PAGE_SIZE = 20

logger = logging.getLogger(__name__)


def _type_choices() -> list[tuple[str, str]]:
    return [
        ("", _("Everything")),
        ("post", _("Posts")),
        ("question", _("Questions")),
        ("comment", _("Comments and answers")),
        ("person", _("People")),
        ("community", _("Communities")),
    ]


def _day(value: str, field: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        raise SearchError("invalid_date", _("Enter a valid date."), field=field) from None
    return timezone.make_aware(datetime.combine(day, time.min))


def _filters(request: HttpRequest) -> tuple[Filters, dict[str, str]]:
    """The filters of the query string, and their raw values for the form."""
    viewer = http.viewer(request)
    raw = {
        name: request.GET.get(name, "")[:200]
        for name in ("type", "community", "author", "since", "until")
    }
    since = _day(raw["since"], "since")
    until = _day(raw["until"], "until")
    if until is not None:
        until += timedelta(days=1)  # "until" a day includes that day
    filters = Filters(
        types=selectors.check_types([raw["type"]]),
        community=selectors.check_community(viewer, raw["community"]),
        author=selectors.check_author(raw["author"]),
        since=since,
        until=until,
    )
    return filters, raw


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    q = request.GET.get("q", "")
    context: dict[str, object] = {
        "q": text.clean(q)[: text.MAX_QUERY_LENGTH],
        "types": _type_choices(),
        "communities": readable_communities(viewer).order_by("sort_name").only("slug", "name"),
        "raw": {},
    }
    status = 200
    try:
        filters, context["raw"] = _filters(request)
        context["q"] = selectors.check_query(q)
        context["page"] = selectors.search(
            viewer,
            q=context["q"],  # type: ignore[arg-type]
            filters=filters,
            cursor=request.GET.get("cursor") or None,
            limit=PAGE_SIZE,
        )
    except SearchError as error:
        # An empty query just shows the form; other bad input says what is wrong.
        if error.code != "empty_query" or "q" in request.GET:
            context["error"] = error
            status = 400
    except BadCursor:
        context["error"] = SearchError("bad_cursor", _("This page link is no longer valid."))
        status = 400
    if getattr(request, "htmx", False) and request.GET.get("cursor") and status == 200:
        return render(request, "search/search.html#results-page", context)
    return render(request, "search/search.html", context, status=status)


@login_required
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """The top bar's suggestions: the first results for what is typed (nothing for too
    little or too much)."""
    viewer = http.viewer(request)
    try:
        q = selectors.check_query(request.GET.get("q", ""))
    except SearchError:
        return render(request, "search/_suggestions.html", {"hits": [], "q": ""})
    try:
        hits = selectors.search(viewer, q=q, limit=selectors.SUGGESTION_LIMIT).items
    except OperationalError:
        hits = _busy()
    return render(request, "search/_suggestions.html", {"hits": hits, "q": q})


@login_required
@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """Questions close to the title being typed, while the kind chosen is "question"."""
    viewer = http.viewer(request)
    title = request.GET.get("title", "")[: text.MAX_QUERY_LENGTH]
    kind = request.GET.get("kind", "question")
    try:
        hits = selectors.similar_questions(viewer, title=title) if kind == "question" else []
    except OperationalError:
        hits = _busy()
    return render(request, "search/_similar.html", {"hits": hits})


def _busy() -> list[selectors.Hit]:
    """Suggestions are fetched while typing, so one can land while the same person's form is
    being saved; on SQLite's shared in-memory database (the browser tests) that write locks
    the tables the suggestion reads. A suggestion is a hint: none this time, not an error."""
    logger.info("search suggestion skipped: database busy")
    return []
