"""Web pages: the dashboard (/analytics/), its CSV downloads, and the public numbers (/stats/)."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rucher.accounts.models import User
from rucher.analytics import charts, exports, report, selectors
from rucher.analytics.access import Scope, access_analytics, can_read_analytics
from rucher.analytics.periods import PRESETS, Period, parse_period
from rucher.communities.access import access_community


def _scope_and_period(
    request: HttpRequest,
) -> tuple[Scope, str, Period | None, dict[str, list[str]]]:
    scope = access_analytics(request.user, request.GET.get("community", "").strip() or None)  # type: ignore[arg-type]
    try:
        preset, period = parse_period(
            period=request.GET.get("period"),
            since=request.GET.get("since"),
            until=request.GET.get("until"),
        )
    except ValidationError as exc:
        return scope, "custom", None, exc.message_dict
    return scope, preset, period, {}


def _label(day: Any) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


HEALTH_SHOWN = 30


def _percent(share: float | None) -> int | None:
    return None if share is None else round(100 * share)


def _kpis(data: selectors.Dashboard) -> list[dict[str, Any]]:
    now, before = data.current, data.previous
    rows = [
        (_("Active people per day"), now.active.day, before.active.day, ""),
        (_("Active people over 7 days"), now.active.week, before.active.week, ""),
        (_("Active people over 30 days"), now.active.month, before.active.month, ""),
        (_("Posts"), now.posts, before.posts, ""),
        (_("Comments"), now.comments, before.comments, ""),
        (_("Likes"), now.likes, before.likes, ""),
        (_("Questions"), now.questions, before.questions, ""),
        (
            _("Answered within the promise"),
            _percent(now.answered_within_promise_share),
            _percent(before.answered_within_promise_share),
            "\u00a0%",
        ),
    ]  # fmt: skip
    return [
        {
            "label": label,
            "value": value,
            "previous": previous,
            "unit": unit,
            "change": None if value is None else selectors.change(value, previous),
        }
        for label, value, previous, unit in rows
    ]


def _charts(data: selectors.Dashboard) -> dict[str, Any]:
    active = data.series["active"]
    labels = [_label(p.at) for p in active]
    weekly = data.period.days > 31
    funnel = data.current.funnel
    adoption = selectors.adoption_by(data.adoption, "department")[:12]
    return {
        "active": charts.line_chart(
            [(_("Active people"), [p.value for p in active])],
            labels,
            title=_("Active people per week") if weekly else _("Active people per day"),
        ),
        "contributions": charts.line_chart(
            [
                (_("Posts"), [p.value for p in data.series["posts"]]),
                (_("Comments"), [p.value for p in data.series["comments"]]),
                (_("Likes"), [p.value for p in data.series["likes"]]),
                (_("Questions"), [p.value for p in data.series["questions"]]),
            ],
            labels,
            title=_("Contributions per week") if weekly else _("Contributions per day"),
        ),
        "funnel": charts.funnel_chart(
            [
                (_("Readers"), funnel.readers),
                (_("Contributors"), funnel.contributors),
                (_("Creators"), funnel.creators),
            ],
            title=_("Readers, contributors and creators (90-9-1)"),
        ),
        "adoption": charts.bar_chart(
            [(a.department or _("(no department)"), round(100 * (a.share or 0))) for a in adoption],
            title=_("Share of people active, per department"),
            unit="\u00a0%",
        ),
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope, preset, period, errors = _scope_and_period(request)
    context: dict[str, Any] = {
        "scope": scope,
        "preset": preset,
        "presets": PRESETS,
        "errors": errors,
        "since": request.GET.get("since", ""),
        "until": request.GET.get("until", ""),
    }
    if period is None:
        return render(request, "analytics/dashboard.html", context, status=400)
    data = selectors.dashboard(scope, period)
    context.update(
        data=data,
        period=period,
        since=period.since.isoformat(),
        until=period.until.isoformat(),
        kpis=_kpis(data),
        charts=_charts(data),
        # The page shows the most active communities (500 rows would cost the page a second
        # of rendering); the CSV holds them all.
        health_shown=data.health[:HEALTH_SHOWN],
        by_department=selectors.adoption_by(data.adoption, "department"),
        by_site=selectors.adoption_by(data.adoption, "site"),
        query=request.GET.urlencode(),
        report_setting=report.post_setting(scope.chosen) if scope.chosen else None,
    )
    return render(request, "analytics/dashboard.html", context)


@login_required
@require_GET
def export(request: HttpRequest, table: str) -> HttpResponse:
    if table not in exports.TABLES:
        raise Http404
    scope, _preset, period, errors = _scope_and_period(request)
    if period is None:
        return exports.csv_response(
            "errors.csv",
            [_("field"), _("error")],
            [[f, m] for f, messages in errors.items() for m in messages],
            status=400,
        )
    header, rows = table_for(scope, period, table, request.GET.get("metric", "active"))
    name = f"rucher-{table}-{period.since}-{period.until}.csv"
    return exports.csv_response(name, header, rows)


def table_for(
    scope: Scope, period: Period, table: str, metric: str = "active"
) -> tuple[list[str], list[list[Any]]]:
    """The rows of one table, read by its own selector only."""
    if table == "overview":
        return exports.overview_table(selectors.overview(scope, period))
    if table == "timeseries":
        if metric not in selectors.METRICS:
            metric = "active"
        interval = "day" if period.days <= 31 else "week"
        return exports.timeseries_table(
            selectors.timeseries(scope, period, metric=metric, interval=interval)
        )
    if table == "communities":
        return exports.health_table(selectors.community_health(scope, period))
    if table == "departments":
        return exports.adoption_table(selectors.adoption(scope, period))
    if table == "contributors":
        return exports.contributors_table(selectors.top_contributors(scope, period))
    return exports.newcomers_table(selectors.newcomers(scope, period))


@login_required
@require_POST
def report_setting(request: HttpRequest, slug: str) -> HttpResponse:
    """A manager's opt-in (or out) to have the weekly report posted in the community."""
    community = access_community(request.user, slug, for_manage=True)  # type: ignore[arg-type]
    report.post_setting_set(
        community=community, enabled=request.POST.get("post_weekly_report") == "on"
    )
    return redirect(reverse("analytics") + "?" + urlencode({"community": community.slug}))


@login_required
@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    """The public numbers every member sees: figures that are not personal, and only the
    communities the viewer may read."""
    viewer: User = request.user  # type: ignore[assignment]
    numbers = selectors.public_numbers(viewer)
    chart = charts.bar_chart(
        [(h.community.name, h.activity) for h in numbers.communities],
        title=_("Most active communities over 30 days"),
    )
    return render(
        request,
        "analytics/stats.html",
        {
            "numbers": numbers,
            "chart": chart,
            "can_read_analytics": can_read_analytics(viewer),
        },
    )
