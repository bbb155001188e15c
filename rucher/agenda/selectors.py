"""Reads of the agenda: a community's calendar, a person's agenda, RSVPs. Windows are bounded
(MAX_WINDOW, MAX_EVENTS) so no list grows with history."""

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from rucher.accounts.models import User
from rucher.agenda import recurrence
from rucher.agenda.access import readable_events, tab_on_q
from rucher.agenda.models import Event, Rsvp, RsvpAnswer
from rucher.communities.models import Community
from rucher.content.access import member_community_ids, viewer_scope

MAX_WINDOW = timedelta(days=400)
MAX_EVENTS = 500


def window(
    start: datetime | None, end: datetime | None, *, days: int = 31
) -> tuple[datetime, datetime]:
    """[start, end) defaulting to the next `days` days; never longer than MAX_WINDOW."""
    start = start or timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    end = end or start + timedelta(days=days)
    if timezone.is_naive(end):
        end = timezone.make_aware(end)
    if end < start:
        end = start
    return start, min(end, start + MAX_WINDOW)


def _overlapping(events: QuerySet[Event], start: datetime, end: datetime) -> QuerySet[Event]:
    """Single events overlapping [start, end), and series with an occurrence that may."""
    series = Q(recurrence__gt="") & (Q(last_ends_at__isnull=True) | Q(last_ends_at__gt=start))
    return events.filter(Q(ends_at__gt=start) | series, starts_at__lt=end).order_by(
        "starts_at", "id"
    )


def expand(events: list[Event], start: datetime, end: datetime) -> list[Event]:
    """Each event as its occurrences overlapping [start, end), in time order, at most
    MAX_EVENTS: a recurring event gives one copy per occurrence (same id, that occurrence's
    `starts_at` and `ends_at`); no query."""
    out: list[Event] = []
    for event in events:
        if not event.is_recurring:
            out.append(event)
            continue
        for occurrence in recurrence.occurrences(event, start, end, limit=MAX_EVENTS):
            shown = copy.copy(event)
            shown.starts_at, shown.ends_at = occurrence.starts_at, occurrence.ends_at
            out.append(shown)
    out.sort(key=lambda e: (e.starts_at, e.pk))
    return out[:MAX_EVENTS]


def with_my_rsvp(events: list[Event], viewer: User) -> list[Event]:
    """Sets `my_rsvp` on each event (one query)."""
    answers = dict(
        Rsvp.objects.filter(event__in=[e.pk for e in events], person=viewer.pk).values_list(
            "event_id", "answer"
        )
    )
    for event in events:
        event.my_rsvp = answers.get(event.pk)  # type: ignore[attr-defined]
    return events


def community_events(
    viewer: User, community: Community, start: datetime, end: datetime, *, occurrences: bool = True
) -> list[Event]:
    """The community's events overlapping [start, end) (the community was loaded through
    access_community_tab, so it is readable): each occurrence of a recurring event, or with
    `occurrences=False` each series once (for iCalendar, which carries the RRULE)."""
    events = _overlapping(
        Event.objects.filter(community=community).select_related("community"), start, end
    )
    found = with_my_rsvp(list(events[:MAX_EVENTS]), viewer)
    return expand(found, start, end) if occurrences else found


def _agenda(viewer: User) -> QuerySet[Event]:
    """The events of the viewer's agenda (any time): those of the communities they belong to,
    and those they answered yes or maybe to elsewhere; only what they may read."""
    mine = Rsvp.objects.filter(person=viewer.pk, answer__in=(RsvpAnswer.YES, RsvpAnswer.MAYBE))
    return readable_events(viewer).filter(
        Q(community_id__in=member_community_ids(viewer)) | Q(pk__in=mine.values("event_id"))
    )


def agenda_events(
    viewer: User, start: datetime, end: datetime, *, occurrences: bool = True
) -> list[Event]:
    """The viewer's agenda over [start, end): recurring events as their occurrences, or with
    `occurrences=False` each series once."""
    events = _overlapping(_agenda(viewer).select_related("community"), start, end)
    found = with_my_rsvp(list(events[:MAX_EVENTS]), viewer)
    return expand(found, start, end) if occurrences else found


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """What iCalendar says of an event, read as plain values (a subscription feed lists
    thousands: model instances cost more than the rest of the page)."""

    pk: int
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    location: str
    online_url: str
    recurrence: str
    recurrence_until: date | None
    recurrence_count: int | None
    sequence: int
    cancelled_at: datetime | None
    updated_at: datetime | None

    @property
    def is_recurring(self) -> bool:
        return bool(self.recurrence)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


FEED_FIELDS = tuple(FeedEvent.__dataclass_fields__)


def agenda_feed_fingerprint(viewer: User, start: datetime, end: datetime) -> str:
    """Changes whenever the feed's content may: the viewer's links to communities, and the
    count, ids and last change of the events it lists (one aggregate query). Events are never
    updated without `updated_at` moving (auto_now)."""
    scope = viewer_scope(viewer)
    row = _overlapping(_agenda(viewer), start, end).aggregate(
        n=Count("pk"), ids=Sum("pk"), changed=Max("updated_at")
    )
    changed = row["changed"].isoformat() if row["changed"] else "-"
    return f"{hash(scope)}:{row['n']}:{row['ids']}:{changed}"


def agenda_feed(viewer: User, start: datetime, end: datetime, *, limit: int) -> list[FeedEvent]:
    """The viewer's agenda over [start, end) for their subscription feed: each series once
    (iCalendar carries the RRULE), at most `limit` events, in one query."""
    rows = _overlapping(_agenda(viewer), start, end).values_list(*FEED_FIELDS)[:limit]
    return [FeedEvent(*row) for row in rows]


def upcoming_in_communities(
    community_ids: Sequence[int], start: datetime, end: datetime
) -> list[Event]:
    """Occurrences starting in [start, end) of the events (not cancelled) of these communities
    whose Events tab is on, in time order: one query for any number of communities, for a
    caller that already knows who reads which community (the digests' batches)."""
    if not community_ids:
        return []
    events = Event.objects.filter(
        tab_on_q(), community_id__in=sorted(set(community_ids)), cancelled_at__isnull=True
    ).select_related("community")
    found = expand(list(_overlapping(events, start, end)[:MAX_EVENTS]), start, end)
    return [event for event in found if event.starts_at >= start]


@dataclass
class Attendees:
    yes: list[User]
    maybe: list[User]


def attendees(event: Event, *, limit: int = 200) -> Attendees:
    rows = (
        Rsvp.objects.filter(event=event, answer__in=(RsvpAnswer.YES, RsvpAnswer.MAYBE))
        .select_related("person")
        .order_by("answer", "updated_at", "id")[:limit]
    )
    out = Attendees([], [])
    for row in rows:
        (out.yes if row.answer == RsvpAnswer.YES else out.maybe).append(row.person)
    return out


def my_rsvp(event: Event, viewer: User) -> str | None:
    return (
        Rsvp.objects.filter(event=event, person=viewer.pk).values_list("answer", flat=True).first()
    )
