"""What the dashboard, the API, the public numbers and the weekly report read: rollups and
facts only, never the content tables (docs/analytics.md defines every figure).

Definitions:
- active people: people with an activity fact (a page seen, or a contribution) on a day;
  in a community scope, the members of those communities among them.
  `day` is the average number of active people per day over the period, `week` and `month`
  the distinct active people in the 7 and 30 days ending on the period's last day; the
  "stickiness" ratio is day / month.
- the 90-9-1 funnel over a period, three tiers that do not overlap: creators posted at least
  once; contributors commented or liked but did not post; readers were active and did neither.
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum

from rucher.accounts.models import User
from rucher.analytics.access import Scope
from rucher.analytics.facts import day_bounds
from rucher.analytics.models import ActivityDay, CommunityDay, ContributionDay
from rucher.analytics.periods import Period
from rucher.communities.models import Community, Membership

METRICS = ("active", "posts", "comments", "likes", "questions")
INTERVALS = ("day", "week")
COUNTED = ("posts", "comments", "likes", "questions", "answers", "answered", "promised")
TOP_LIMIT = 10
NEWCOMERS_LIMIT = 20
# Health: more than this share up on the previous period is growing, this share down is
# falling asleep; in between is steady.
GROWING = 0.10
FALLING = -0.30


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def change(current: float | None, previous: float | None) -> float | None:
    """+/- share of change on the previous period (None when there is nothing to compare)."""
    if current is None or not previous:
        return None
    return round((current - previous) / previous, 4)


def _days(period: Period) -> dict[str, date]:
    return {"day__gte": period.since, "day__lte": period.until}


def _rollups(scope: Scope, period: Period) -> QuerySet[CommunityDay]:
    rows = CommunityDay.objects.filter(**_days(period))
    if scope.is_network:
        return rows.filter(community__isnull=True)
    return rows.filter(community_id__in=scope.ids)


def _facts(scope: Scope, since: date, until: date) -> QuerySet[ActivityDay]:
    facts = ActivityDay.objects.filter(day__gte=since, day__lte=until)
    if scope.is_network:
        return facts
    # An uncorrelated IN (subquery): both databases evaluate it once (SQLite builds an index
    # of it), where a correlated EXISTS ran once per fact.
    members = Membership.objects.filter(
        community_id__in=scope.ids, status=Membership.Status.MEMBER
    ).values("person_id")
    return facts.filter(person_id__in=members)


def _contributions(scope: Scope, period: Period) -> QuerySet[ContributionDay]:
    rows = ContributionDay.objects.filter(**_days(period))
    if not scope.is_network:
        rows = rows.filter(community_id__in=scope.ids)
    return rows


@dataclass
class Active:
    day: float
    week: int
    month: int

    @property
    def stickiness(self) -> float | None:
        return _share(round(self.day), self.month)


@dataclass
class Funnel:
    readers: int
    contributors: int
    creators: int

    @property
    def total(self) -> int:
        return self.readers + self.contributors + self.creators

    def share(self, tier: str) -> float | None:
        return _share(getattr(self, tier), self.total)


@dataclass
class Overview:
    period: Period
    active: Active
    funnel: Funnel
    posts: int
    comments: int
    likes: int
    questions: int
    answers: int
    answered: int
    answered_within_promise_share: float | None
    median_hours_to_first_answer: float | None

    @property
    def answer_rate(self) -> float | None:
        return _share(self.answered, self.questions)

    @property
    def contributions(self) -> int:
        return self.posts + self.comments + self.likes


def _median(lists: Iterable[list[float]]) -> float | None:
    hours = [h for one in lists for h in one]
    return round(statistics.median(hours), 1) if hours else None


def overview(scope: Scope, period: Period) -> Overview:
    """Eight queries, whatever the period's length or the network's size."""
    sums = _rollups(scope, period).aggregate(
        **{name: Sum(name) for name in COUNTED}, within=Sum("answered_within_promise")
    )
    sums = {k: v or 0 for k, v in sums.items()}
    hours = _rollups(scope, period).filter(answered__gt=0).values_list("answer_hours", flat=True)
    median = _median(hours)
    facts = _facts(scope, period.since, period.until)
    active_days = facts.count()
    week = (
        _facts(scope, period.until - timedelta(days=6), period.until)
        .values("person_id")
        .distinct()
        .count()
    )
    month = (
        _facts(scope, period.until - timedelta(days=29), period.until)
        .values("person_id")
        .distinct()
        .count()
    )
    active_ids = set(facts.values_list("person_id", flat=True).distinct())
    contributions = _contributions(scope, period)
    creators = set(contributions.filter(posts__gt=0).values_list("person_id", flat=True).distinct())
    engaged = set(
        contributions.filter(Q(comments__gt=0) | Q(likes__gt=0))
        .values_list("person_id", flat=True)
        .distinct()
    )
    contributors = engaged - creators
    readers = active_ids - creators - contributors
    return Overview(
        period=period,
        active=Active(day=round(active_days / period.days, 1), week=week, month=month),
        funnel=Funnel(readers=len(readers), contributors=len(contributors), creators=len(creators)),
        posts=sums["posts"],
        comments=sums["comments"],
        likes=sums["likes"],
        questions=sums["questions"],
        answers=sums["answers"],
        answered=sums["answered"],
        answered_within_promise_share=_share(sums["within"], sums["promised"]),
        median_hours_to_first_answer=median,
    )


@dataclass(frozen=True)
class Point:
    at: date
    value: int


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _buckets(period: Period, interval: str) -> list[date]:
    if interval == "day":
        return [period.since + timedelta(days=n) for n in range(period.days)]
    first, buckets = _monday(period.since), []
    while first <= period.until:
        buckets.append(first)
        first += timedelta(days=7)
    return buckets


def timeseries(scope: Scope, period: Period, *, metric: str, interval: str = "day") -> list[Point]:
    """One point per day or per week (weeks start on Monday; the first and last may be
    partial). `active` per week counts distinct people. One query."""
    if metric not in METRICS or interval not in INTERVALS:
        raise ValueError(f"unknown metric or interval: {metric!r}, {interval!r}")
    values: dict[date, int] = defaultdict(int)
    row: Any
    if metric == "active":
        facts = _facts(scope, period.since, period.until)
        if interval == "day":
            for row in facts.values("day").annotate(n=Count("id")):
                values[row["day"]] = row["n"]
        else:
            for row in facts.values("week").annotate(n=Count("person_id", distinct=True)):
                values[row["week"]] = row["n"]
    else:
        for row in _rollups(scope, period).values("day").annotate(n=Sum(metric)):
            key = row["day"] if interval == "day" else _monday(row["day"])
            values[key] += row["n"] or 0
    return [Point(at, values.get(at, 0)) for at in _buckets(period, interval)]


@dataclass
class Health:
    community: Community
    members: int
    activity: int
    previous_activity: int
    active_members: float
    questions: int
    answered: int
    within_promise_share: float | None
    median_hours_to_first_answer: float | None

    @property
    def trend(self) -> float | None:
        return change(self.activity, self.previous_activity)

    @property
    def answer_rate(self) -> float | None:
        return _share(self.answered, self.questions)

    @property
    def status(self) -> str:
        """growing / steady / asleep (falling asleep): the activity against the period before."""
        if self.activity == 0:
            return "asleep"
        if not self.previous_activity:
            return "growing"
        trend = self.trend or 0.0
        if trend > GROWING:
            return "growing"
        if trend < FALLING:
            return "asleep"
        return "steady"


def _scope_communities(scope: Scope) -> list[Community]:
    if not scope.is_network:
        return list(scope.communities)
    return list(Community.objects.order_by("sort_name", "id"))


def community_health(scope: Scope, period: Period) -> list[Health]:
    """One row per community of the scope, most active first. Four queries."""
    communities = _scope_communities(scope)
    ids = [c.pk for c in communities]
    by_community = Scope(tuple(ids), communities)
    fields = {
        "activity_sum": Sum("posts") + Sum("comments") + Sum("likes"),
        "q": Sum("questions"),
        "a": Sum("answered"),
        "p": Sum("promised"),
        "w": Sum("answered_within_promise"),
        "active": Sum("active_members"),
    }
    current = {
        r["community_id"]: r
        for r in _rollups(by_community, period).values("community_id").annotate(**fields)
    }
    previous = {
        r["community_id"]: r["activity_sum"] or 0
        for r in _rollups(by_community, period.previous())
        .values("community_id")
        .annotate(activity_sum=fields["activity_sum"])
    }
    hours: dict[int, list[list[float]]] = defaultdict(list)
    for community_id, answer_hours in (
        _rollups(by_community, period)
        .filter(answered__gt=0)
        .values_list("community_id", "answer_hours")
    ):
        hours[community_id].append(answer_hours)
    rows = []
    for community in communities:
        row: dict[str, Any] = dict(current.get(community.pk, {}))
        rows.append(
            Health(
                community=community,
                members=community.member_count,
                activity=row.get("activity_sum") or 0,
                previous_activity=previous.get(community.pk, 0),
                active_members=round((row.get("active") or 0) / period.days, 1),
                questions=row.get("q") or 0,
                answered=row.get("a") or 0,
                within_promise_share=_share(row.get("w") or 0, row.get("p") or 0),
                median_hours_to_first_answer=_median(hours.get(community.pk, [])),
            )
        )
    rows.sort(key=lambda h: (-h.activity, h.community.sort_name, h.community.pk))
    return rows


@dataclass
class Adoption:
    department: str
    site: str
    people: int
    active: int

    @property
    def share(self) -> float | None:
        return _share(self.active, self.people)


def _people(scope: Scope) -> QuerySet[User]:
    people = User.objects.filter(is_active=True)
    if scope.is_network:
        return people
    member = Membership.objects.filter(
        person=OuterRef("pk"), community_id__in=scope.ids, status=Membership.Status.MEMBER
    )
    return people.filter(Exists(member))


def adoption(scope: Scope, period: Period) -> list[Adoption]:
    """Share of people active per (department, site): the whole organisation for
    administrators, the members of their communities for managers. Two queries."""
    people = {
        (r["department"], r["site"]): r["n"]
        for r in _people(scope).values("department", "site").annotate(n=Count("id"))
    }
    active = {
        (r["person__department"], r["person__site"]): r["n"]
        for r in _facts(scope, period.since, period.until)
        .filter(person__is_active=True)
        .values("person__department", "person__site")
        .annotate(n=Count("person_id", distinct=True))
    }
    rows = [
        Adoption(department=d, site=s, people=n, active=active.get((d, s), 0))
        for (d, s), n in people.items()
    ]
    rows.sort(key=lambda a: (a.department.casefold(), a.site.casefold()))
    return rows


def adoption_by(rows: list[Adoption], key: str) -> list[Adoption]:
    """The (department, site) rows summed by department or by site."""
    merged: dict[str, Adoption] = {}
    for row in rows:
        name = getattr(row, key)
        if name not in merged:
            merged[name] = Adoption(
                department=name if key == "department" else "",
                site=name if key == "site" else "",
                people=0,
                active=0,
            )
        merged[name].people += row.people
        merged[name].active += row.active
    return sorted(merged.values(), key=lambda a: -(a.share or 0))


@dataclass
class Contributor:
    person: User
    posts: int
    comments: int
    likes: int
    answers: int

    @property
    def total(self) -> int:
        return self.posts + self.comments + self.likes


def top_contributors(scope: Scope, period: Period, *, limit: int = TOP_LIMIT) -> list[Contributor]:
    """Most contributions (posts + comments + likes) in the scope over the period. Two queries."""
    rows = list(
        _contributions(scope, period)
        .filter(person__is_active=True)
        .values("person_id")
        .annotate(
            p=Sum("posts"),
            c=Sum("comments"),
            lk=Sum("likes"),
            a=Sum("answers"),
            total=Sum("posts") + Sum("comments") + Sum("likes"),
        )
        .order_by("-total", "person_id")[:limit]
    )
    people = User.objects.in_bulk([r["person_id"] for r in rows])
    return [
        Contributor(people[r["person_id"]], r["p"], r["c"], r["lk"], r["a"])
        for r in rows
        if r["person_id"] in people
    ]


@dataclass
class Newcomer:
    person: User
    arrived: date
    first_contribution: date | None = None


def newcomers(scope: Scope, period: Period, *, limit: int = NEWCOMERS_LIMIT) -> list[Newcomer]:
    """People who arrived in the period (joined the network, or the scope's communities), with
    the day of their first contribution (in the scope). Two queries."""
    start, _ = day_bounds(period.since)
    _, end = day_bounds(period.until)
    found: dict[int, Newcomer] = {}
    if scope.is_network:
        for person in User.objects.filter(
            is_active=True, date_joined__gte=start, date_joined__lt=end
        ).order_by("-date_joined", "-id")[:limit]:
            found[person.pk] = Newcomer(person, person.date_joined.date())
    else:
        memberships = (
            Membership.objects.filter(
                community_id__in=scope.ids,
                status=Membership.Status.MEMBER,
                created_at__gte=start,
                created_at__lt=end,
                person__is_active=True,
            )
            .select_related("person")
            .order_by("-created_at", "-id")
        )
        for membership in memberships[: limit * 3]:
            if membership.person_id not in found and len(found) < limit:
                found[membership.person_id] = Newcomer(
                    membership.person, membership.created_at.date()
                )
    firsts = ContributionDay.objects.filter(person_id__in=list(found))
    if not scope.is_network:
        firsts = firsts.filter(community_id__in=scope.ids)
    for row in firsts.values("person_id").annotate(first=Min("day")):
        found[row["person_id"]].first_contribution = row["first"]
    return list(found.values())


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    current: Overview
    previous: Overview
    series: dict[str, list[Point]] = field(default_factory=dict)
    health: list[Health] = field(default_factory=list)
    adoption: list[Adoption] = field(default_factory=list)
    top: list[Contributor] = field(default_factory=list)
    newcomers: list[Newcomer] = field(default_factory=list)


def dashboard(scope: Scope, period: Period) -> Dashboard:
    """Everything the dashboard shows, in a fixed number of queries."""
    interval = "day" if period.days <= 31 else "week"
    return Dashboard(
        scope=scope,
        period=period,
        current=overview(scope, period),
        previous=overview(scope, period.previous()),
        series={m: timeseries(scope, period, metric=m, interval=interval) for m in METRICS},
        health=community_health(scope, period),
        adoption=adoption(scope, period),
        top=top_contributors(scope, period),
        newcomers=newcomers(scope, period),
    )


@dataclass
class PublicNumbers:
    period: Period
    active_month: int
    contributions_month: int
    month_start: date
    answered_within_promise_share: float | None
    top3: list[Any]
    communities: list[Health]


PUBLIC_COMMUNITIES = 5


def public_numbers(viewer: User, *, today: date | None = None) -> PublicNumbers:
    """The network's figures that are not personal, for every member (/stats/). Communities
    are ranked among those the viewer may read (content.access's rule), never others."""
    from rucher.analytics.facts import local_day
    from rucher.content.access import readable_community_q
    from rucher.recognition.leaderboard import top3_current

    today = today or local_day()
    yesterday = today - timedelta(days=1)
    period = Period(yesterday - timedelta(days=29), yesterday)
    network = Scope(None)
    month_start = today.replace(day=1)
    month = Period(month_start, max(yesterday, month_start))
    sums = _rollups(network, month).aggregate(p=Sum("posts"), c=Sum("comments"), lk=Sum("likes"))
    within = _rollups(network, period).aggregate(
        w=Sum("answered_within_promise"), p=Sum("promised")
    )
    activity = Sum("posts") + Sum("comments") + Sum("likes")
    ranked = list(
        CommunityDay.objects.filter(community__isnull=False, **_days(period))
        .filter(readable_community_q(viewer, "community"))
        .values("community_id")
        .annotate(activity=activity)
        .filter(activity__gt=0)
        .order_by("-activity", "community_id")[:PUBLIC_COMMUNITIES]
    )
    found = Community.objects.in_bulk([r["community_id"] for r in ranked])
    communities = [
        Health(
            found[r["community_id"]],
            found[r["community_id"]].member_count,
            r["activity"],
            0,
            0,
            0,
            0,
            None,
            None,
        )  # fmt: skip
        for r in ranked
        if r["community_id"] in found
    ]
    return PublicNumbers(
        period=period,
        active_month=_facts(network, period.since, period.until)
        .values("person_id")
        .distinct()
        .count(),
        contributions_month=sum(v or 0 for v in sums.values()),
        month_start=month_start,
        answered_within_promise_share=_share(within["w"] or 0, within["p"] or 0),
        top3=top3_current(limit=3).rows,
        communities=communities,
    )
