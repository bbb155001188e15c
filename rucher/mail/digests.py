"""Digests (F-DIGEST): one email per person and period with the news of their communities, the
questions for their skills, their pending notifications and the week's top 3. The rules (who,
what, when, and the query budget) are in docs/digests.md.
"""

import heapq
import html
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import Truncator

from rucher.accounts.models import DeclaredSkill, User
from rucher.agenda.models import Event
from rucher.agenda.selectors import upcoming_in_communities
from rucher.communities.models import Community, Membership
from rucher.content.access import ViewerScope, readable_through
from rucher.content.models import Post, PostCommunity
from rucher.life.models import ServiceCategory
from rucher.life.selectors import services_published_between
from rucher.mail import outbox, preferences
from rucher.mail.models import Delivery, DigestPeriod, DigestRun, EmailPreference, OutboxMessage
from rucher.notifications.messages import notification_message, notification_url
from rucher.notifications.models import Notification
from rucher.qa.models import Question
from rucher.recognition.models import SkillReputation, WeeklyTop
from rucher.toolbox.selectors import AcceptedIdea, ideas_accepted_between

logger = logging.getLogger(__name__)

DAILY = DigestPeriod.DAILY
WEEKLY = DigestPeriod.WEEKLY
PERIODS = (DAILY, WEEKLY)
PERIOD_LENGTH = {DAILY: timedelta(days=1), WEEKLY: timedelta(days=7)}
# After a gap (the worker was down, the person paused their digest), look back at most this
# many periods: a digest is news, not an archive.
MAX_LOOKBACK_PERIODS = 2

# People per background task: small enough for a task to finish in seconds, large enough for
# the per-batch reads to pay off.
BATCH_SIZE = 200
LIKED_LIMIT = 3
NEWEST_LIMIT = 5
QUESTIONS_LIMIT = 5
NOTICES_LIMIT = 20
EXCERPT_LENGTH = 200
TITLE_LENGTH = 90
# Rows read per community and ranking: a few more than shown, so that a person's own posts
# (left out) rarely leave a hole.
PER_COMMUNITY = LIKED_LIMIT + NEWEST_LIMIT
# Unanswered questions read per batch (most urgent first), whatever the number of people.
QUESTIONS_SCAN = 500
DECLARED_SKILLS = 50
# At most this many people of the top 3 (ties share a rank).
TOP3_SHOWN = 10
EARNED_SKILLS = 20


# --- the schedule -------------------------------------------------------------------------------


def organisation_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def digest_hour() -> int:
    hour = int(getattr(settings, "RUCHER_DIGEST_HOUR", 7))
    if not 0 <= hour <= 23:
        raise ImproperlyConfigured("RUCHER_DIGEST_HOUR must be an hour from 0 to 23")
    return hour


def digest_weekday() -> int:
    weekday = int(getattr(settings, "RUCHER_DIGEST_WEEKDAY", 1))
    if not 1 <= weekday <= 7:
        raise ImproperlyConfigured("RUCHER_DIGEST_WEEKDAY must be an ISO weekday (1 = Monday)")
    return weekday


def _check_period(period: str) -> str:
    if period not in PERIODS:
        raise ValueError(f"unknown digest period {period!r}")
    return str(period)


def period_start_for(period: str, now: datetime) -> date:
    """The first local day of the period holding `now`: the day, or the Monday of the week."""
    today = timezone.localtime(now, organisation_tz()).date()
    if _check_period(period) == DAILY:
        return today
    return today - timedelta(days=today.weekday())


def period_due_at(period: str, period_start: date) -> datetime:
    """When the period's digest falls due: its day (the configured weekday of the week) at the
    configured local hour. Built from the local wall clock, so 07:00 stays 07:00 in summer."""
    day = period_start
    if _check_period(period) == WEEKLY:
        day = period_start + timedelta(days=digest_weekday() - 1)
    return datetime.combine(day, time(digest_hour()), tzinfo=organisation_tz())


def due_period_start(period: str, now: datetime) -> date | None:
    """The start of the period whose digest is due at `now`, or None before its hour."""
    start = period_start_for(period, now)
    return start if now >= period_due_at(period, start) else None


# --- what a digest holds ------------------------------------------------------------------------


@dataclass
class DigestPost:
    post_id: int
    title: str
    excerpt: str
    url: str
    community: str
    author: str
    like_count: int
    comment_count: int
    created_at: datetime


@dataclass
class DigestQuestion:
    post_id: int
    title: str
    url: str
    community: str
    tags: list[str]
    asked_at: datetime
    due_at: datetime | None


@dataclass
class DigestTopEntry:
    rank: int
    name: str
    points: int
    url: str


@dataclass
class DigestEvent:
    """An upcoming event, for the F-EVENTS hook (see `upcoming_events`)."""

    title: str
    starts_at: datetime
    url: str
    place: str = ""
    # Announced since the person's last digest: only new events make a digest worth sending.
    is_new: bool = True


@dataclass
class DigestService:
    """A new offer or request between colleagues at the person's site (F-SERVICES)."""

    title: str
    category: Any
    site: str
    url: str


@dataclass
class DigestIdea:
    """An idea accepted in one of the person's communities (weekly digest, F-IDEAS)."""

    post_id: int
    title: str
    url: str
    community: str
    answer: str


@dataclass
class DigestNotice:
    notification_id: int
    kind: str
    message: str
    url: str
    created_at: datetime


@dataclass
class Digest:
    person: User
    period: str
    period_start: date
    since: datetime
    until: datetime
    # The content part (most liked, newest, questions, events, top 3) is there only when the
    # person's "digest" delivery is this period; notices come with their kinds' deliveries.
    with_content: bool = False
    liked: list[DigestPost] = field(default_factory=list)
    newest: list[DigestPost] = field(default_factory=list)
    questions: list[DigestQuestion] = field(default_factory=list)
    events: list[DigestEvent] = field(default_factory=list)
    top3: list[DigestTopEntry] = field(default_factory=list)
    top3_week: date | None = None
    ideas: list[DigestIdea] = field(default_factory=list)
    notices: list[DigestNotice] = field(default_factory=list)
    more_notices: int = 0
    # Weekly only: "new near you", the services published at the person's site.
    nearby: list[DigestService] = field(default_factory=list)

    @property
    def key(self) -> str:
        return digest_key(self.period, self.period_start, self.person.pk)

    @property
    def news_count(self) -> int:
        return (
            len(self.liked)
            + len(self.newest)
            + len(self.questions)
            + sum(1 for event in self.events if event.is_new)
            + len(self.ideas)
            + len(self.notices)
            + self.more_notices
            + len(self.nearby)
        )

    @property
    def has_news(self) -> bool:
        """Something new to say (the top 3 alone is not: it is on everyone's home page)."""
        return self.news_count > 0


def digest_key(period: str, period_start: date, person_id: int) -> str:
    return f"digest:{period}:{period_start.isoformat()}:{person_id}"


UPCOMING_EVENTS_LIMIT = 5


def upcoming_events(
    people: Sequence[User],
    *,
    communities: Mapping[int, Sequence[int]],
    since: Mapping[int, datetime],
    until: datetime,
    ahead: timedelta,
) -> dict[int, list[DigestEvent]]:
    """F-EVENTS: for each person (by id), the first few occurrences starting within `ahead` of
    `until` of the events of the communities they are a member of (which they read; the
    agenda's selector leaves out cancelled events and tabs turned off), with `is_new` for the
    events created after their `since`. One query for the whole batch."""
    ids = sorted({c for person in people for c in communities.get(person.pk, [])})
    occurrences = upcoming_in_communities(ids, until, until + ahead)
    by_community: dict[int, list[Event]] = defaultdict(list)
    for event in occurrences:
        by_community[event.community_id].append(event)
    found: dict[int, list[DigestEvent]] = {}
    for person in people:
        mine = heapq.nsmallest(
            UPCOMING_EVENTS_LIMIT,
            (e for c in communities.get(person.pk, []) for e in by_community.get(c, [])),
            key=lambda e: (e.starts_at, e.pk),
        )
        if not mine:
            continue
        person_since = since.get(person.pk, until)
        found[person.pk] = [
            DigestEvent(
                title=event.title,
                starts_at=event.starts_at,
                url=_absolute(reverse("event", args=[event.pk])),
                place=event.location,
                is_new=event.created_at > person_since,
            )
            for event in mine
        ]
    return found


# --- reading a batch ----------------------------------------------------------------------------


def _base_url() -> str:
    return str(settings.RUCHER_BASE_URL).rstrip("/")


def _absolute(path: str) -> str:
    return f"{_base_url()}{path}"


def _post_url(post_id: int) -> str:
    return _absolute(reverse("post", args=[post_id]))


def preferences_url() -> str:
    """Where the "change how often" link of every digest goes."""
    return _absolute(reverse("email_settings"))


def _plain(body_html: str, length: int) -> str:
    """Plain text of sanitised HTML (templates escape it again), on one line, truncated."""
    text = " ".join(html.unescape(strip_tags(body_html)).split())
    return Truncator(text).chars(length)


def _title(title: str, body_html: str) -> str:
    return Truncator(title).chars(TITLE_LENGTH) if title else _plain(body_html, TITLE_LENGTH)


@dataclass
class _Candidate:
    post_id: int
    author_id: int | None
    author: str
    title: str
    body_html: str
    like_count: int
    comment_count: int
    created_at: datetime
    community_id: int
    # Sort keys, computed once: most liked first, then newest first.
    liked_rank: tuple[int, float, int] = (0, 0.0, 0)
    newest_rank: tuple[float, int] = (0.0, 0)

    def __post_init__(self) -> None:
        stamp = self.created_at.timestamp()
        self.liked_rank = (-self.like_count, -stamp, -self.post_id)
        self.newest_rank = (-stamp, -self.post_id)


@dataclass
class _QuestionRow:
    post_id: int
    author_id: int | None
    title: str
    body_html: str
    asked_at: datetime
    due_at: datetime | None
    tags: list[str] = field(default_factory=list)
    communities: list[tuple[int, str, str]] = field(default_factory=list)  # id, name, visibility

    @property
    def shown_title(self) -> str:
        return _title(self.title, self.body_html)

    @property
    def url(self) -> str:
        return _post_url(self.post_id)


@dataclass
class _Batch:
    period: str
    period_start: date
    until: datetime
    since: dict[int, datetime]
    deliveries: dict[int, dict[str, str]]
    communities: dict[int, list[int]]  # person id → member communities, by name
    removed: dict[int, list[int]]  # person id → communities a manager removed them from
    community_names: dict[int, str]
    posts: dict[tuple[datetime, int], list[_Candidate]]  # (since, community) → candidates
    skills: dict[int, list[str]]
    questions: list[_QuestionRow]
    questions_by_tag: dict[str, list[int]]  # tag slug → positions in `questions`
    top3: list[DigestTopEntry]
    top3_week: date | None
    top3_frozen_at: datetime | None
    notifications: dict[int, list[Notification]]
    notification_places: dict[int, list[tuple[int, str]]]  # post id → (community, visibility)
    events: dict[int, list[DigestEvent]]
    # Site name (casefolded) → (published at, author id, service) of the period, newest first.
    nearby: dict[str, list[tuple[datetime, int, DigestService]]] = field(default_factory=dict)
    ideas: list[AcceptedIdea] = field(default_factory=list)
    # Posts as shown, by (post, community): built once, shared by every reader of the batch.
    shown_posts: dict[tuple[int, int], DigestPost] = field(default_factory=dict)
    # Each person's access scope, built on first use from `communities` and `removed`.
    scopes: dict[int, ViewerScope] = field(default_factory=dict)


def _since_for(period: str, until: datetime, last_until: datetime | None) -> datetime:
    length = PERIOD_LENGTH[DigestPeriod(period)]
    if last_until is None or last_until < until - MAX_LOOKBACK_PERIODS * length:
        return until - length
    return min(last_until, until)


def _deliveries(person_ids: list[int]) -> dict[int, dict[str, str]]:
    defaults = {kind: preferences.default_delivery(kind) for kind in preferences.preference_kinds()}
    result = {pk: dict(defaults) for pk in person_ids}
    rows = EmailPreference.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "kind", "delivery"
    )
    for person_id, kind, delivery in rows:
        if kind in defaults:
            result[person_id][kind] = delivery
    return result


def _memberships(
    person_ids: list[int],
) -> tuple[dict[int, list[int]], dict[int, list[int]], dict[int, str]]:
    """Per person, the communities they are a member of (by name) and those a manager removed
    them from; the names of the former. One query."""
    by_person: dict[int, list[int]] = defaultdict(list)
    removed: dict[int, list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    rows = (
        Membership.objects.filter(
            person_id__in=person_ids,
            status__in=(Membership.Status.MEMBER, Membership.Status.REMOVED),
        )
        .order_by("community__sort_name", "community_id")
        .values_list("person_id", "community_id", "community__name", "status")
    )
    for person_id, community_id, name, status in rows:
        if status == Membership.Status.REMOVED:
            removed[person_id].append(community_id)
            continue
        by_person[person_id].append(community_id)
        names[community_id] = name
    return by_person, removed, names


def _ranked(qs: QuerySet[PostCommunity], *order: Any) -> QuerySet[PostCommunity]:
    return qs.annotate(
        rank=Window(RowNumber(), partition_by=[F("community_id")], order_by=list(order))
    ).filter(rank__lte=PER_COMMUNITY)


def _posts(
    since: datetime, until: datetime, community_ids: Iterable[int]
) -> dict[int, list[_Candidate]]:
    """The most liked and the newest visible posts of each community published in (since,
    until]: two window-function queries for any number of communities."""
    ids = sorted(set(community_ids))
    found: dict[int, dict[int, _Candidate]] = defaultdict(dict)
    if not ids:
        return {}
    base = PostCommunity.objects.filter(
        community_id__in=ids,
        created_at__gt=since,
        created_at__lte=until,
        post__hidden_at__isnull=True,
    )
    fields = (
        "community_id",
        "post_id",
        "post__author_id",
        "post__author__display_name",
        "post__title",
        "post__body_html",
        "post__like_count",
        "post__comment_count",
        "post__created_at",
    )
    liked = _ranked(
        base.filter(post__like_count__gt=0),
        F("post__like_count").desc(),
        F("created_at").desc(),
        F("post_id").desc(),
    )
    newest = _ranked(base, F("created_at").desc(), F("post_id").desc())
    for qs in (liked, newest):
        for row in qs.values_list(*fields):
            community_id, post_id = row[0], row[1]
            found[community_id][post_id] = _Candidate(
                post_id=post_id,
                author_id=row[2],
                author=row[3] or "",
                title=row[4],
                body_html=row[5],
                like_count=row[6],
                comment_count=row[7],
                created_at=row[8],
                community_id=community_id,
            )
    return {community_id: list(posts.values()) for community_id, posts in found.items()}


def _skills(person_ids: list[int]) -> dict[int, list[str]]:
    """Declared skills, then the best earned ones (reputation > 0), per person: two queries."""
    skills: dict[int, list[str]] = defaultdict(list)
    declared = (
        DeclaredSkill.objects.filter(person_id__in=person_ids)
        .order_by("person_id", "position", "id")
        .values_list("person_id", "slug")
    )
    for person_id, slug in declared:
        if len(skills[person_id]) < DECLARED_SKILLS:
            skills[person_id].append(slug)
    earned_count: dict[int, int] = defaultdict(int)
    earned = (
        SkillReputation.objects.filter(person_id__in=person_ids, reputation__gt=0)
        .order_by("person_id", "-reputation", "tag__slug")
        .values_list("person_id", "tag__slug")
    )
    for person_id, slug in earned:
        if earned_count[person_id] < EARNED_SKILLS:
            earned_count[person_id] += 1
            if slug not in skills[person_id]:
                skills[person_id].append(slug)
    return skills


def _questions(person_ids: list[int], since: datetime, until: datetime) -> list[_QuestionRow]:
    """Unanswered, visible questions asked in (since, until] with a tag that one of the people
    declares or has earned: three queries (questions, their tags, their communities)."""
    tagged = Post.tags.through.objects.filter(post_id=OuterRef("post_id")).filter(
        Q(tag__slug__in=DeclaredSkill.objects.filter(person_id__in=person_ids).values("slug"))
        | Q(
            tag__in=SkillReputation.objects.filter(
                person_id__in=person_ids, reputation__gt=0
            ).values("tag")
        )
    )
    rows = list(
        Question.objects.filter(
            first_answer_at__isnull=True,
            asked_at__gt=since,
            asked_at__lte=until,
            post__hidden_at__isnull=True,
        )
        .filter(Exists(tagged))
        .order_by(F("due_at").asc(nulls_last=True), "-asked_at", "-post_id")
        .values_list(
            "post_id", "post__author_id", "post__title", "post__body_html", "asked_at", "due_at"
        )[:QUESTIONS_SCAN]
    )
    questions = {
        row[0]: _QuestionRow(
            post_id=row[0],
            author_id=row[1],
            title=row[2],
            body_html=row[3],
            asked_at=row[4],
            due_at=row[5],
        )
        for row in rows
    }
    if not questions:
        return []
    for post_id, slug in (
        Post.tags.through.objects.filter(post_id__in=list(questions))
        .order_by("tag__slug")
        .values_list("post_id", "tag__slug")
    ):
        questions[post_id].tags.append(slug)
    for post_id, community_id, name, visibility in (
        PostCommunity.objects.filter(post_id__in=list(questions))
        .order_by("community__sort_name", "community_id")
        .values_list("post_id", "community_id", "community__name", "community__visibility")
    ):
        questions[post_id].communities.append((community_id, name, visibility))
    return list(questions.values())


def _top3(until: datetime) -> tuple[list[DigestTopEntry], date | None, datetime | None]:
    """The last week's top 3 frozen by `until` (ties share a rank; people who left are not
    shown, as on the home page, rucher.recognition.leaderboard.top3_current): one query."""
    latest = (
        WeeklyTop.objects.filter(frozen_at__lte=until)
        .order_by("-week_start")
        .values("week_start")[:1]
    )
    rows = list(
        WeeklyTop.objects.filter(week_start__in=latest, person__is_active=True)
        .select_related("person")
        .order_by("rank", "person__sort_name", "person_id")[:TOP3_SHOWN]
    )
    if not rows:
        return [], None, None
    entries = [
        DigestTopEntry(
            rank=row.rank,
            name=row.person.display_name or row.person.username,
            points=row.points,
            url=_absolute(reverse("profile", args=[row.person.username])),
        )
        for row in rows
    ]
    return entries, rows[0].week_start, max(row.frozen_at for row in rows)


def _notifications(
    person_ids: list[int], *, kinds: set[str], since: datetime, until: datetime
) -> tuple[dict[int, list[Notification]], dict[int, list[tuple[int, str]]]]:
    """Unread notifications created in (since, until] that no email carried yet, newest first,
    with the communities of their posts (two queries); filtered per person afterwards."""
    by_person: dict[int, list[Notification]] = defaultdict(list)
    places: dict[int, list[tuple[int, str]]] = defaultdict(list)
    emailed = OutboxMessage.objects.filter(notification=OuterRef("pk"))
    rows = list(
        Notification.objects.filter(
            recipient_id__in=person_ids,
            kind__in=sorted(kinds),
            read_at__isnull=True,
            created_at__gt=since,
            created_at__lte=until,
        )
        .exclude(Exists(emailed))
        .select_related("actor", "community", "post", "comment")
        .order_by("recipient_id", "-created_at", "-id")
    )
    for notification in rows:
        by_person[notification.recipient_id].append(notification)
    post_ids = {n.post_id for n in rows if n.post_id is not None}
    if post_ids:
        for post_id, community_id, visibility in PostCommunity.objects.filter(
            post_id__in=post_ids
        ).values_list("post_id", "community_id", "community__visibility"):
            places[post_id].append((community_id, visibility))
    return by_person, places


def _prepare(people: Sequence[User], *, period: str, period_start: date, until: datetime) -> _Batch:
    """Everything the batch's digests need, in a constant number of queries."""
    ids = [person.pk for person in people]
    last = dict(
        DigestRun.objects.filter(person_id__in=ids, period=period, period_start__lt=period_start)
        .values("person_id")
        .annotate(last=Max("until"))
        .values_list("person_id", "last")
    )
    since = {pk: _since_for(period, until, last.get(pk)) for pk in ids}
    deliveries = _deliveries(ids)
    communities, removed, names = _memberships(ids)
    posts: dict[tuple[datetime, int], list[_Candidate]] = {}
    # People share their `since` (their last digests were built by the same hourly run), so
    # this is one pair of queries per batch in practice, at most one per person.
    with_content = [pk for pk in ids if deliveries[pk][preferences.DIGEST] == period]
    groups: dict[datetime, set[int]] = defaultdict(set)
    for pk in with_content:
        groups[since[pk]].update(communities.get(pk, []))
    for group_since, community_ids in groups.items():
        for community_id, candidates in _posts(group_since, until, community_ids).items():
            posts[(group_since, community_id)] = candidates
    skills = _skills(with_content) if with_content else {}
    earliest = min((since[pk] for pk in with_content), default=until)
    skilled = [pk for pk in with_content if skills.get(pk)]
    questions = _questions(skilled, earliest, until) if skilled else []
    questions_by_tag: dict[str, list[int]] = defaultdict(list)
    for position, row in enumerate(questions):
        for slug in row.tags:
            questions_by_tag[slug].append(position)
    top3, top3_week, top3_frozen_at = _top3(until) if with_content else ([], None, None)
    notice_kinds = {
        pk: {k for k, d in deliveries[pk].items() if d == period and k != preferences.DIGEST}
        if deliveries[pk][preferences.DIGEST] != Delivery.NEVER
        else set()
        for pk in ids
    }
    noticed = [pk for pk in ids if notice_kinds[pk]]
    notifications: dict[int, list[Notification]] = {}
    places: dict[int, list[tuple[int, str]]] = {}
    if noticed:
        notifications, places = _notifications(
            noticed,
            kinds=set().union(*(notice_kinds[pk] for pk in noticed)),
            since=min(since[pk] for pk in noticed),
            until=until,
        )
    content_people = [person for person in people if person.pk in set(with_content)]
    return _Batch(
        period=period,
        period_start=period_start,
        until=until,
        since=since,
        deliveries=deliveries,
        communities=communities,
        removed=removed,
        community_names=names,
        posts=posts,
        skills=skills,
        questions=questions,
        questions_by_tag=questions_by_tag,
        top3=top3,
        top3_week=top3_week,
        top3_frozen_at=top3_frozen_at,
        notifications=notifications,
        notification_places=places,
        events=upcoming_events(
            content_people,
            communities=communities,
            since=since,
            until=until,
            ahead=PERIOD_LENGTH[DigestPeriod(period)],
        )
        if content_people
        else {},
        # Only people with a site on their profile can have services "near" them.
        nearby=_nearby(earliest, until)
        if period == WEEKLY and any(person.site for person in content_people)
        else {},
        # The idea box's week: ideas accepted in the readers' communities (weekly digest only).
        ideas=ideas_accepted_between(
            sorted({c for pk in with_content for c in communities.get(pk, [])}), earliest, until
        )
        if with_content and period == DigestPeriod.WEEKLY
        else [],
    )


NEARBY_SHOWN = 5


def _nearby(
    since: datetime, until: datetime
) -> dict[str, list[tuple[datetime, int, DigestService]]]:
    """One query for the whole batch: the open services of the period, grouped by site."""
    grouped: dict[str, list[tuple[datetime, int, DigestService]]] = defaultdict(list)
    for service in services_published_between(since=since, until=until):
        site = service.site.name if service.site else ""
        grouped[site.casefold()].append(
            (
                service.created_at,
                service.author_id,
                DigestService(
                    title=service.title,
                    # Lazy: rendered in each reader's language.
                    category=ServiceCategory(service.category).label,
                    site=site,
                    url=_absolute(reverse("service", args=[service.pk])),
                ),
            )
        )
    return grouped


# --- building one person's digest (no query) ----------------------------------------------------


def _digest_post(batch: _Batch, candidate: _Candidate) -> DigestPost:
    """The post as shown (title, excerpt, link): computed once per batch, shared by readers."""
    key = (candidate.post_id, candidate.community_id)
    shown = batch.shown_posts.get(key)
    if shown is None:
        excerpt = _plain(candidate.body_html, EXCERPT_LENGTH)
        if not candidate.title and len(excerpt) <= TITLE_LENGTH:
            excerpt = ""  # the whole text is already the title
        shown = batch.shown_posts[key] = DigestPost(
            post_id=candidate.post_id,
            title=_title(candidate.title, candidate.body_html),
            excerpt=excerpt,
            url=_post_url(candidate.post_id),
            community=batch.community_names.get(candidate.community_id, ""),
            author=candidate.author,
            like_count=candidate.like_count,
            comment_count=candidate.comment_count,
            created_at=candidate.created_at,
        )
    return shown


def _person_posts(
    batch: _Batch, person: User, since: datetime, skip: set[int]
) -> tuple[list[DigestPost], list[DigestPost]]:
    seen: dict[int, _Candidate] = {}
    person_id = person.pk
    for community_id in batch.communities.get(person_id, []):
        for candidate in batch.posts.get((since, community_id), []):
            if candidate.author_id == person_id or candidate.post_id in skip:
                continue
            # A cross-post shows under the first of the person's communities (by name).
            seen.setdefault(candidate.post_id, candidate)
    candidates = seen.values()
    liked = heapq.nsmallest(
        LIKED_LIMIT, (c for c in candidates if c.like_count > 0), key=lambda c: c.liked_rank
    )
    liked_ids = {c.post_id for c in liked}
    newest = heapq.nsmallest(
        NEWEST_LIMIT,
        (c for c in candidates if c.post_id not in liked_ids),
        key=lambda c: c.newest_rank,
    )
    return [_digest_post(batch, c) for c in liked], [_digest_post(batch, c) for c in newest]


def _scope(batch: _Batch, person: User) -> ViewerScope:
    """The person's links to communities as rucher.content.access reads them, from the batch."""
    scope = batch.scopes.get(person.pk)
    if scope is None:
        scope = batch.scopes[person.pk] = ViewerScope(
            member=tuple(batch.communities.get(person.pk, [])),
            moderated=(),
            removed=tuple(batch.removed.get(person.pk, [])),
            administrator=person.is_administrator,
        )
    return scope


def _person_questions(batch: _Batch, person: User, since: datetime) -> list[DigestQuestion]:
    skills = set(batch.skills.get(person.pk, []))
    if not skills:
        return []
    scope = _scope(batch, person)
    found = []
    # Only the questions with one of the person's tags, most urgent first (the batch order).
    positions = sorted({i for slug in skills for i in batch.questions_by_tag.get(slug, ())})
    person_id = person.pk
    for position in positions:
        question = batch.questions[position]
        if question.asked_at <= since or question.author_id == person_id:
            continue
        names = {community_id: name for community_id, name, _ in question.communities}
        readable = [
            names[community_id]
            for community_id in readable_through(
                scope, ((c, visibility) for c, _, visibility in question.communities)
            )
        ]
        if not readable:
            continue
        found.append(
            DigestQuestion(
                post_id=question.post_id,
                title=question.shown_title,
                url=question.url,
                community=readable[0],
                tags=[slug for slug in question.tags if slug in skills],
                asked_at=question.asked_at,
                due_at=question.due_at,
            )
        )
        if len(found) == QUESTIONS_LIMIT:
            break
    return found


def _visible_notice(batch: _Batch, person: User, notification: Notification) -> bool:
    """The rule of rucher.notifications.selectors.visible_notifications, on prefetched rows."""
    scope = _scope(batch, person)
    member_of = scope.member
    if notification.post_id is not None:
        post = notification.post
        if post is None or post.hidden_at is not None:
            return False
        places = batch.notification_places.get(notification.post_id, [])
        if not readable_through(scope, places):
            return False
    if notification.comment_id is not None:
        comment = notification.comment
        if comment is None or comment.hidden_at is not None:
            return False
    if notification.post_id is None and notification.community is not None:
        community = notification.community
        if community.visibility == Community.Visibility.SECRET and community.pk not in member_of:
            return False
    return True


def _person_notices(batch: _Batch, person: User, since: datetime) -> tuple[list[DigestNotice], int]:
    deliveries = batch.deliveries[person.pk]
    notices: list[DigestNotice] = []
    more = 0
    for notification in batch.notifications.get(person.pk, []):
        if notification.created_at <= since:
            continue
        if deliveries.get(notification.kind) != batch.period:
            continue
        if not _visible_notice(batch, person, notification):
            continue
        if len(notices) == NOTICES_LIMIT:
            more += 1
            continue
        notices.append(
            DigestNotice(
                notification_id=notification.pk,
                kind=notification.kind,
                message=notification_message(notification, gender=person.grammatical_gender),
                url=_absolute(notification_url(notification)),
                created_at=notification.created_at,
            )
        )
    return notices, more


def person_language(person: User) -> str:
    return person.language or settings.LANGUAGE_CODE


MAX_DIGEST_IDEAS = 5


def _person_ideas(batch: _Batch, person: User, since: datetime) -> list[DigestIdea]:
    """Ideas accepted since the person's last digest in their communities, each once."""
    mine = set(batch.communities.get(person.pk, []))
    scope = _scope(batch, person)
    found: list[DigestIdea] = []
    seen: set[int] = set()
    for idea in batch.ideas:
        if len(found) >= MAX_DIGEST_IDEAS:
            break
        if idea.post_id in seen or idea.community_id not in mine:
            continue
        if idea.accepted_at <= since or not readable_through(
            scope, [(idea.community_id, idea.visibility)]
        ):
            continue
        seen.add(idea.post_id)
        found.append(
            DigestIdea(
                post_id=idea.post_id,
                title=idea.title,
                url=_post_url(idea.post_id),
                community=batch.community_names.get(idea.community_id, ""),
                answer=_plain(idea.answer_html, 200),
            )
        )
    return found


def _build(batch: _Batch, person: User) -> Digest:
    since = batch.since[person.pk]
    choice = batch.deliveries[person.pk][preferences.DIGEST]
    digest = Digest(
        person=person,
        period=batch.period,
        period_start=batch.period_start,
        since=since,
        until=batch.until,
        with_content=choice == batch.period,
    )
    if choice == Delivery.NEVER:
        return digest
    # Notification sentences are written in the reader's language.
    with translation.override(person_language(person)):
        digest.notices, digest.more_notices = _person_notices(batch, person, since)
    if not digest.with_content:
        return digest
    digest.questions = _person_questions(batch, person, since)
    digest.liked, digest.newest = _person_posts(
        batch, person, since, skip={q.post_id for q in digest.questions}
    )
    digest.events = batch.events.get(person.pk, [])
    if person.site:
        digest.nearby = [
            shown
            for created_at, author_id, shown in batch.nearby.get(person.site.casefold(), [])
            if created_at >= since and author_id != person.pk
        ][:NEARBY_SHOWN]
    digest.ideas = _person_ideas(batch, person, since)
    if batch.top3_frozen_at is not None and since < batch.top3_frozen_at <= batch.until:
        digest.top3, digest.top3_week = batch.top3, batch.top3_week
    return digest


def digest_build_for(person: User, period: str, now: datetime | None = None) -> Digest:
    """One person's digest for the period holding `now` (nothing is written): a constant
    number of queries whatever the number of posts, communities or notifications."""
    now = now or timezone.now()
    period = _check_period(period)
    batch = _prepare([person], period=period, period_start=period_start_for(period, now), until=now)
    return _build(batch, person)


# --- sending ------------------------------------------------------------------------------------


def digest_context(digest: Digest) -> dict[str, Any]:
    return {
        "digest": digest,
        "person": digest.person,
        "period": digest.period,
        "daily": digest.period == DAILY,
        "base_url": _base_url(),
        "preferences_url": preferences_url(),
    }


def _people(person_ids: Iterable[int]) -> QuerySet[User]:
    return User.objects.filter(pk__in=list(person_ids), is_active=True).exclude(email="")


def _lacking_run(people: QuerySet[User], period: str, period_start: date) -> QuerySet[User]:
    done = DigestRun.objects.filter(person=OuterRef("pk"), period=period, period_start=period_start)
    return people.exclude(Exists(done))


def _write(digest: Digest) -> bool:
    """Records the run and queues the email in one transaction; False when another worker
    (or an earlier try of this batch) already did this person's period."""
    try:
        with transaction.atomic():
            run = DigestRun.objects.create(
                person=digest.person,
                period=digest.period,
                period_start=digest.period_start,
                since=digest.since,
                until=digest.until,
                sent=digest.has_news,
            )
            if not digest.has_news:
                return True
            message = outbox.outbox_put(
                key=digest.key,
                recipient=digest.person,
                kind=f"digest_{digest.period}",
                template="digest",
                context=digest_context(digest),
            )
            if message is None:
                # Not queued (e.g. a paused address): the period is done all the same.
                DigestRun.objects.filter(pk=run.pk).update(sent=False)
    except IntegrityError:
        return False
    return True


class DigestBatchError(Exception):
    """Some digests of a batch failed: raised after the others were queued, so that the task
    is retried (the people done meanwhile are skipped by the retry)."""


def digests_send_batch(
    *, period: str, period_start: date, now: datetime, person_ids: Iterable[int]
) -> int:
    """Builds and queues the digests of these people for this period; returns how many were
    queued. Safe to run twice or concurrently: people with a run for the period are skipped,
    and the unique run makes a concurrent duplicate roll back. One person's failure does not
    hold back the others: it is logged, and DigestBatchError is raised at the end."""
    period = _check_period(period)
    people = list(_lacking_run(_people(person_ids), period, period_start).order_by("pk"))
    if not people:
        return 0
    batch = _prepare(people, period=period, period_start=period_start, until=now)
    sent = failed = 0
    for person in people:
        try:
            digest = _build(batch, person)
            if _write(digest) and digest.has_news:
                sent += 1
        except Exception:
            failed += 1
            logger.exception("digest %s %s failed for person %s", period, period_start, person.pk)
    logger.info(
        "digest %s %s: %d people, %d sent, %d failed",
        period,
        period_start.isoformat(),
        len(people),
        sent,
        failed,
    )
    if failed:
        raise DigestBatchError(f"{failed} of {len(people)} digests failed")
    return sent


def digest_candidates(period: str) -> QuerySet[User]:
    """People who may get this period's digest: active, with an address, not "digest: never",
    and the period is their "digest" delivery or some notification kind's (one lazy query)."""
    period = _check_period(period)
    digest = preferences.DIGEST
    people = User.objects.filter(is_active=True).exclude(email="")
    never = EmailPreference.objects.filter(person=OuterRef("pk"), kind=digest)
    if preferences.default_delivery(digest) == Delivery.NEVER:
        people = people.filter(Exists(never.exclude(delivery=Delivery.NEVER)))
    else:
        people = people.exclude(Exists(never.filter(delivery=Delivery.NEVER)))
    kinds = preferences.preference_kinds()
    if any(preferences.default_delivery(kind) == period for kind in kinds):
        return people
    chosen = EmailPreference.objects.filter(person=OuterRef("pk"), kind__in=kinds, delivery=period)
    return people.filter(Exists(chosen))


def digests_enqueue(*, period: str, now: datetime | None = None) -> int:
    """The hourly job: when the period's digest is due (local time), one background task per
    batch of people who still lack their run for it. Returns how many people were enqueued.

    Running it again before the batches ran enqueues the same people again; their batches
    then find the runs and send nothing twice."""
    from rucher.mail.tasks import digest_batch_task  # the tasks module imports this one

    now = now or timezone.now()
    period = _check_period(period)
    period_start = due_period_start(period, now)
    if period_start is None:
        return 0
    ids = list(
        _lacking_run(digest_candidates(period), period, period_start)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH_SIZE):
        digest_batch_task.enqueue(
            period, period_start.isoformat(), now.isoformat(), ids[start : start + BATCH_SIZE]
        )
    return len(ids)
