"""CSV exports of the dashboard's tables (web and API).

UTF-8 with a byte-order mark, so that Excel in French opens accents correctly, and ";" as the
separator Excel expects under a French locale (a comma under English). A text cell starting
with = + - @ (or a tab or carriage return) is a formula to a spreadsheet: it is prefixed with
an apostrophe, so the cell shows the text and never runs it (OWASP "CSV injection").
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from rucher.analytics import selectors

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TABLES = ("overview", "timeseries", "communities", "departments", "contributors", "newcomers")


def cell(value: Any) -> Any:
    """A safe cell: numbers stay numbers; text that a spreadsheet would run is escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str | None = None
) -> str:
    """The CSV text; the separator follows the active language unless given."""
    delimiter = delimiter or (";" if translation.get_language() == "fr" else ",")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return "\ufeff" + out.getvalue()


def csv_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    delimiter: str | None = None,
    status: int = 200,
) -> HttpResponse:
    response = HttpResponse(
        csv_text(header, rows, delimiter=delimiter),
        content_type="text/csv; charset=utf-8",
        status=status,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _pct(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def overview_table(o: selectors.Overview) -> tuple[list[str], list[list[Any]]]:
    rows: list[list[Any]] = [
        ["active_day", o.active.day],
        ["active_week", o.active.week],
        ["active_month", o.active.month],
        ["readers", o.funnel.readers],
        ["contributors", o.funnel.contributors],
        ["creators", o.funnel.creators],
        ["posts", o.posts],
        ["comments", o.comments],
        ["likes", o.likes],
        ["questions", o.questions],
        ["answered_within_promise_share", o.answered_within_promise_share],
        ["median_hours_to_first_answer", o.median_hours_to_first_answer],
    ]
    return [_("metric"), _("value")], rows


def timeseries_table(points: Sequence[selectors.Point]) -> tuple[list[str], list[list[Any]]]:
    return [_("at"), _("value")], [[p.at, p.value] for p in points]


def health_table(rows: Sequence[selectors.Health]) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("community"), _("slug"), _("members"), _("activity"), _("previous period"),
        _("trend (%)"), _("active members per day"), _("questions"), _("answer rate (%)"),
        _("median hours to first answer"), _("answered within the promise (%)"), _("health"),
    ]  # fmt: skip
    return header, [
        [
            h.community.name,
            h.community.slug,
            h.members,
            h.activity,
            h.previous_activity,
            _pct(h.trend),
            h.active_members,
            h.questions,
            _pct(h.answer_rate),
            h.median_hours_to_first_answer,
            _pct(h.within_promise_share),
            h.status,
        ]  # fmt: skip
        for h in rows
    ]


def adoption_table(rows: Sequence[selectors.Adoption]) -> tuple[list[str], list[list[Any]]]:
    header = [_("department"), _("site"), _("people"), _("active"), _("active (%)")]
    return header, [[a.department, a.site, a.people, a.active, _pct(a.share)] for a in rows]


def contributors_table(rows: Sequence[selectors.Contributor]) -> tuple[list[str], list[list[Any]]]:
    header = [_("person"), _("username"), _("posts"), _("comments"), _("likes"), _("answers")]
    return header, [
        [c.person.display_name, c.person.username, c.posts, c.comments, c.likes, c.answers]
        for c in rows
    ]


def newcomers_table(rows: Sequence[selectors.Newcomer]) -> tuple[list[str], list[list[Any]]]:
    header = [_("person"), _("username"), _("arrived"), _("first contribution")]
    return header, [
        [n.person.display_name, n.person.username, n.arrived, n.first_contribution] for n in rows
    ]
