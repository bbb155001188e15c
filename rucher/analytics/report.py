"""The weekly success report (F-SUCCESS-REPORT): "success in numbers", every Monday morning
(organisation time zone), by email to administrators (the whole network) and to each
community's managers (their communities), in each recipient's language.

Idempotent per week: each email has the outbox key (week, person), so a second run queues
nothing; the run row is written last and makes the hourly job stop asking. Recipients who set
the "success_report" email preference to "never" (or unsubscribed) get nothing.

Charts in email: Outlook's Word engine draws neither SVG nor CSS layouts, and PNG rendering
would need an imaging stack; the week's bars are table cells with a width and a background
colour, which every client draws (docs/decisions.md).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from rucher.accounts.models import User
from rucher.analytics import selectors
from rucher.analytics.access import Scope
from rucher.analytics.facts import local_day, organisation_tz
from rucher.analytics.models import (
    CommunityDay,
    CommunityReportSetting,
    SuccessReportRun,
)
from rucher.analytics.periods import Period
from rucher.analytics.rollups import days_between, rollup_day
from rucher.communities.models import Community, Membership
from rucher.mail import preferences
from rucher.mail.models import Delivery
from rucher.mail.outbox import outbox_put

KIND = preferences.SUCCESS_REPORT
TOP = 5
BAR_WIDTH = 300  # pixels of the longest bar in the email


def post_setting(community: Community) -> bool:
    return CommunityReportSetting.objects.filter(
        community=community, post_weekly_report=True
    ).exists()


@transaction.atomic
def post_setting_set(*, community: Community, enabled: bool) -> None:
    CommunityReportSetting.objects.update_or_create(
        community=community, defaults={"post_weekly_report": enabled}
    )


def report_hour() -> int:
    return int(getattr(settings, "RUCHER_SUCCESS_REPORT_HOUR", 7))


def last_week(now: datetime | None = None) -> date:
    """The Monday of the last complete week (organisation time zone)."""
    today = local_day(now)
    return today - timedelta(days=today.weekday() + 7)


def success_report_due_week(now: datetime | None = None) -> date | None:
    """The week whose report is due now (Monday past the hour, not yet sent), else None."""
    now = now or timezone.now()
    week = last_week(now)
    monday = week + timedelta(days=7)
    due = datetime.combine(monday, time(report_hour()), tzinfo=organisation_tz())
    if now < due or SuccessReportRun.objects.filter(week_start=week).exists():
        return None
    return week


@dataclass
class Figure:
    label: str
    value: float | None
    previous: float | None
    unit: str = ""

    @property
    def change(self) -> float | None:
        return selectors.change(self.value, self.previous)

    @property
    def change_percent(self) -> int | None:
        change = self.change
        return None if change is None else round(100 * change)


@dataclass
class Bar:
    day: date
    value: int
    width: int


@dataclass
class Report:
    week: Period
    scope: Scope
    current: selectors.Overview
    previous: selectors.Overview
    bars: list[Bar]
    top: list[selectors.Contributor]
    dashboard_url: str

    def figures(self) -> list[Figure]:
        from django.utils.translation import gettext as _

        now, before = self.current, self.previous
        share = now.answered_within_promise_share
        share_before = before.answered_within_promise_share
        return [
            Figure(_("Active people"), now.active.week, before.active.week),
            Figure(_("Posts"), now.posts, before.posts),
            Figure(_("Comments"), now.comments, before.comments),
            Figure(_("Likes"), now.likes, before.likes),
            Figure(_("Questions"), now.questions, before.questions),
            Figure(
                _("Questions answered within the promise"),
                None if share is None else round(100 * share),
                None if share_before is None else round(100 * share_before),
                "\u00a0%",
            ),
        ]


def build_report(scope: Scope, week_start: date) -> Report:
    week = Period(week_start, week_start + timedelta(days=6))
    series = {
        m: selectors.timeseries(scope, week, metric=m) for m in ("posts", "comments", "likes")
    }
    totals = [sum(series[m][i].value for m in series) for i in range(7)]
    top = max(totals) or 1
    query = {"period": "custom", "since": week.since.isoformat(), "until": week.until.isoformat()}
    if scope.chosen is not None:
        query["community"] = scope.chosen.slug
    return Report(
        week=week,
        scope=scope,
        current=selectors.overview(scope, week),
        previous=selectors.overview(scope, week.previous()),
        bars=[
            Bar(week.since + timedelta(days=i), v, max(2, round(BAR_WIDTH * v / top)))
            for i, v in enumerate(totals)
        ],
        top=selectors.top_contributors(scope, week, limit=TOP),
        dashboard_url=f"{settings.RUCHER_BASE_URL}{reverse('analytics')}?{urlencode(query)}",
    )


def recipients() -> list[tuple[User, Scope]]:
    """Administrators (the network) and managers (their communities), active, with an
    address, whose preference is not "never"."""
    admins = User.objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)
    scopes: dict[int, tuple[User, Scope]] = {
        person.pk: (person, Scope(None)) for person in admins.exclude(email="")
    }
    managed: dict[int, list[Community]] = defaultdict(list)
    people: dict[int, User] = {}
    for membership in (
        Membership.objects.filter(
            status=Membership.Status.MEMBER,
            role__in=Membership.MANAGING_ROLES,
            person__is_active=True,
        )
        .exclude(person__email="")
        .select_related("person", "community")
        .order_by("community__sort_name", "community_id")
    ):
        managed[membership.person_id].append(membership.community)
        people[membership.person_id] = membership.person
    for person_id, communities in managed.items():
        if person_id not in scopes:
            scopes[person_id] = (
                people[person_id],
                Scope(tuple(c.pk for c in communities), communities),
            )
    deliveries = preferences.deliveries_among(scopes, KIND)
    return [scopes[pk] for pk in sorted(scopes) if deliveries[pk] != Delivery.NEVER]


def _ensure_rollups(week_start: date) -> None:
    """A report never reads a week whose rollups the nightly job has not built yet."""
    days = list(days_between(week_start - timedelta(days=7), week_start + timedelta(days=6)))
    built = set(
        CommunityDay.objects.filter(community__isnull=True, day__in=days).values_list(
            "day", flat=True
        )
    )
    for day in days:
        if day not in built and day < local_day():
            rollup_day(day=day)


def success_report_send(*, week_start: date) -> int:
    """Queues the week's email to every recipient (once: the outbox key is per week and
    person); returns how many were queued by this call."""
    _ensure_rollups(week_start)
    queued = 0
    for person, scope in recipients():
        report = build_report(scope, week_start)
        context: dict[str, Any] = {"report": report}
        if outbox_put(
            key=f"success-report:{week_start.isoformat()}:{person.pk}",
            recipient=person,
            kind=KIND,
            template="success_report",
            context=context,
        ):
            queued += 1
    return queued


def communities_to_post_in(week_start: date) -> list[Community]:
    """Opted-in communities whose report of the week is not posted yet."""
    from rucher.analytics.models import SuccessReportPost

    done = SuccessReportPost.objects.filter(week_start=week_start).values("community_id")
    return list(
        Community.objects.filter(report_setting__post_weekly_report=True)
        .exclude(pk__in=done)
        .order_by("pk")
    )


def success_report_finish(*, week_start: date, queued: int, posted: int) -> None:
    SuccessReportRun.objects.get_or_create(
        week_start=week_start, defaults={"recipients": queued, "posted": posted}
    )
