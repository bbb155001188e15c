"""API: analytics (API.md, "Analytics"; F-ANALYTICS). Administrators read the whole network,
managers their communities (`community=` narrows to one: 404 unless they may see it, 403 when
they see it but do not manage it). Every operation answers CSV with `Accept: text/csv` or
`?format=csv` (UTF-8 with a BOM, comma-separated, formulas neutralised)."""

from datetime import date
from typing import Any, Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from rucher.analytics import exports, selectors
from rucher.analytics.access import Scope, access_analytics
from rucher.analytics.periods import Period, parse_period
from rucher.api.auth import AuthedRequest
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, QuerySchema
from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.core.pagination import keyset_page

router = Router(tags=["analytics"])


class AnalyticsFilters(QuerySchema):
    since: CleanStr | None = Field(
        default=None, max_length=10, description="First day (YYYY-MM-DD, organisation time zone)."
    )
    until: CleanStr | None = Field(
        default=None,
        max_length=10,
        description="Last day, included (YYYY-MM-DD); default yesterday. At most 366 days.",
    )
    community: CleanStr | None = Field(
        default=None,
        max_length=community_access.MAX_SLUG_LENGTH,
        description="A community's slug; absent: every community the caller may read figures of.",
    )
    format: Literal["json", "csv"] | None = None


class TimeseriesFilters(AnalyticsFilters):
    metric: Literal["active", "posts", "comments", "likes", "questions"] = "active"
    interval: Literal["day", "week"] = "day"


class CommunitiesFilters(AnalyticsFilters):
    cursor: CleanStr | None = Field(default=None, max_length=1000)
    limit: int = Field(default=20, ge=1, le=100)


class ActiveOut(Schema):
    day: float = Field(description="Average number of active people per day over the period.")
    week: int = Field(description="Distinct active people in the 7 days ending on `until`.")
    month: int = Field(description="Distinct active people in the 30 days ending on `until`.")


class FunnelOut(Schema):
    readers: int = Field(description="Active people who neither posted, commented nor liked.")
    contributors: int = Field(description="People who commented or liked, but did not post.")
    creators: int = Field(description="People who posted at least once.")


class OverviewOut(Schema):
    since: date
    until: date
    active: ActiveOut
    funnel: FunnelOut
    posts: int
    comments: int
    likes: int
    questions: int
    answered_within_promise_share: float | None
    median_hours_to_first_answer: float | None = Field(description="In working hours.")


class PointOut(Schema):
    at: date = Field(description="The day, or the Monday of the week.")
    value: int


class TimeseriesOut(Schema):
    points: list[PointOut]


class HealthOut(Schema):
    community: str = Field(description="The community's slug.")
    name: str
    members: int
    activity: int = Field(description="Posts, comments and likes over the period.")
    previous_activity: int
    trend: float | None = Field(description="Change on the previous period, as a share.")
    active_members_per_day: float
    questions: int
    answer_rate: float | None
    median_hours_to_first_answer: float | None
    answered_within_promise_share: float | None
    status: Literal["growing", "steady", "asleep"]


class HealthListOut(Schema):
    items: list[HealthOut]
    next: str | None


class AdoptionOut(Schema):
    department: str
    site: str
    people: int
    active: int
    share: float | None


class AdoptionListOut(Schema):
    items: list[AdoptionOut]
    next: str | None


def _wants_csv(request: AuthedRequest, filters: AnalyticsFilters) -> bool:
    if filters.format is not None:
        return filters.format == "csv"
    return "text/csv" in request.headers.get("Accept", "")


def _scope_period(request: AuthedRequest, filters: AnalyticsFilters) -> tuple[Scope, Period]:
    scope = access_analytics(request.auth, filters.community or None)
    _preset, period = parse_period(
        period="custom" if (filters.since or filters.until) else "",
        since=filters.since,
        until=filters.until,
    )
    return scope, period


def _csv(name: str, table: tuple[list[str], list[list[Any]]]) -> HttpResponse:
    return exports.csv_response(f"rucher-{name}.csv", *table, delimiter=",")


@router.get("/analytics/overview", response={200: OverviewOut, ERRORS: ErrorOut})
def analytics_overview(request: AuthedRequest, filters: Query[AnalyticsFilters]) -> Any:
    """Active people, the 90-9-1 funnel and the contributions over the period."""
    scope, period = _scope_period(request, filters)
    o = selectors.overview(scope, period)
    if _wants_csv(request, filters):
        return _csv("overview", exports.overview_table(o))
    return OverviewOut(
        since=period.since,
        until=period.until,
        active=ActiveOut(day=o.active.day, week=o.active.week, month=o.active.month),
        funnel=FunnelOut(
            readers=o.funnel.readers, contributors=o.funnel.contributors, creators=o.funnel.creators
        ),
        posts=o.posts,
        comments=o.comments,
        likes=o.likes,
        questions=o.questions,
        answered_within_promise_share=o.answered_within_promise_share,
        median_hours_to_first_answer=o.median_hours_to_first_answer,
    )


@router.get("/analytics/timeseries", response={200: TimeseriesOut, ERRORS: ErrorOut})
def analytics_timeseries(request: AuthedRequest, filters: Query[TimeseriesFilters]) -> Any:
    """One point per day or per week (Monday first; `active` per week counts distinct people)."""
    scope, period = _scope_period(request, filters)
    points = selectors.timeseries(scope, period, metric=filters.metric, interval=filters.interval)
    if _wants_csv(request, filters):
        return _csv(f"timeseries-{filters.metric}", exports.timeseries_table(points))
    return TimeseriesOut(points=[PointOut(at=p.at, value=p.value) for p in points])


@router.get("/analytics/communities", response={200: HealthListOut, ERRORS: ErrorOut})
def analytics_communities(request: AuthedRequest, filters: Query[CommunitiesFilters]) -> Any:
    """Health per community of the caller's scope, by name (keyset pages)."""
    scope, period = _scope_period(request, filters)
    communities = (
        Community.objects.all() if scope.is_network else Community.objects.filter(pk__in=scope.ids)
    )
    page = keyset_page(
        communities,
        keys=("sort_name", "id"),
        cursor=filters.cursor,
        limit=filters.limit,
        scope="analytics-communities",
    )
    found: list[Community] = page.items
    rows = selectors.community_health(Scope(tuple(c.pk for c in found), found), period)
    rows.sort(key=lambda h: (h.community.sort_name, h.community.pk))
    if _wants_csv(request, filters):
        return _csv("communities", exports.health_table(rows))
    return HealthListOut(
        items=[
            HealthOut(
                community=h.community.slug,
                name=h.community.name,
                members=h.members,
                activity=h.activity,
                previous_activity=h.previous_activity,
                trend=h.trend,
                active_members_per_day=h.active_members,
                questions=h.questions,
                answer_rate=h.answer_rate,
                median_hours_to_first_answer=h.median_hours_to_first_answer,
                answered_within_promise_share=h.within_promise_share,
                status=h.status,  # type: ignore[arg-type]
            )
            for h in rows
        ],
        next=page.next_cursor,
    )


@router.get("/analytics/departments", response={200: AdoptionListOut, ERRORS: ErrorOut})
def analytics_departments(request: AuthedRequest, filters: Query[AnalyticsFilters]) -> Any:
    """Share of people active per (department, site): the whole organisation for
    administrators, the members of their communities for managers. One page holds every
    pair (`next` is always null)."""
    scope, period = _scope_period(request, filters)
    rows = selectors.adoption(scope, period)
    if _wants_csv(request, filters):
        return _csv("departments", exports.adoption_table(rows))
    return AdoptionListOut(
        items=[
            AdoptionOut(
                department=a.department,
                site=a.site,
                people=a.people,
                active=a.active,
                share=a.share,
            )
            for a in rows
        ],
        next=None,
    )
