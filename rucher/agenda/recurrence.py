"""Recurring events (RFC 5545 RRULE, FREQ=WEEKLY or MONTHLY, with an optional UNTIL or COUNT):
a series is one Event row whose `starts_at`/`ends_at` are its first occurrence; the others are
computed here with python-dateutil's rrule, never stored.

Occurrences are computed in the organisation's time zone (TIME_ZONE) on wall-clock times, so a
weekly 10:00 meeting stays at 10:00 across daylight-saving changes, as calendar clients do with
a DTSTART carrying its TZID.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from dateutil import rrule
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rucher.agenda.models import Event, Recurrence

# Bounds of a series: at most this many occurrences, and an end date at most this far ahead.
MAX_COUNT = 260
MAX_UNTIL = timedelta(days=5 * 366)

FREQ = {Recurrence.WEEKLY: rrule.WEEKLY, Recurrence.MONTHLY: rrule.MONTHLY}
# The longest an occurrence may last, so that it ends before the next one starts.
MAX_OCCURRENCE = {Recurrence.WEEKLY: timedelta(days=7), Recurrence.MONTHLY: timedelta(days=28)}


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime
    ends_at: datetime


def zone() -> tzinfo:
    return timezone.get_default_timezone()


def _local(instant: datetime) -> datetime:
    """Naive wall-clock time in the organisation's zone."""
    return timezone.localtime(instant, zone()).replace(tzinfo=None)


def _aware(wall: datetime) -> datetime:
    return timezone.make_aware(wall, zone())


def _rule(event: Event) -> rrule.rrule:
    until = None
    if event.recurrence_until is not None:
        until = datetime.combine(event.recurrence_until, time.max).replace(microsecond=0)
    return rrule.rrule(
        FREQ[Recurrence(event.recurrence)],
        dtstart=_local(event.starts_at),
        until=until,
        count=event.recurrence_count,
    )


def _length(event: Event) -> timedelta:
    """The wall-clock length of each occurrence (an all-day event keeps whole days)."""
    return _local(event.ends_at) - _local(event.starts_at)


def _occurrence(wall_start: datetime, length: timedelta) -> Occurrence:
    return Occurrence(_aware(wall_start), _aware(wall_start + length))


def is_bounded(event: Event) -> bool:
    return event.recurrence_until is not None or event.recurrence_count is not None


def occurrences(
    event: Event, start: datetime, end: datetime, *, limit: int = 500
) -> list[Occurrence]:
    """The event's occurrences overlapping [start, end), in order, at most `limit`."""
    if not event.is_recurring:
        if event.starts_at < end and event.ends_at > start:
            return [Occurrence(event.starts_at, event.ends_at)]
        return []
    length = _length(event)
    found: list[Occurrence] = []
    for wall in _rule(event).xafter(_local(start) - length - timedelta(days=1), inc=True):
        occurrence = _occurrence(wall, length)
        if occurrence.starts_at >= end or len(found) >= limit:
            break
        if occurrence.ends_at > start:
            found.append(occurrence)
    return found


def last_end(event: Event) -> datetime | None:
    """The end of the series' last occurrence; None when it repeats without end."""
    if not event.is_recurring:
        return event.ends_at
    if not is_bounded(event):
        return None
    last = _rule(event).before(datetime.max, inc=True)
    if last is None:
        return event.ends_at
    return _occurrence(last, _length(event)).ends_at


def next_end_after(event: Event, instant: datetime) -> datetime | None:
    """The end of the first occurrence ending after `instant` (None: none is left)."""
    if not event.is_recurring:
        return event.ends_at if event.ends_at > instant else None
    length = _length(event)
    for wall in _rule(event).xafter(_local(instant) - length - timedelta(days=1), inc=True):
        occurrence = _occurrence(wall, length)
        if occurrence.ends_at > instant:
            return occurrence.ends_at
    return None


def ended_between(event: Event, after: datetime, until: datetime) -> list[Occurrence]:
    """The occurrences ending in [after, until] (at most MAX_COUNT; for granting points)."""
    if not event.is_recurring:
        return (
            [Occurrence(event.starts_at, event.ends_at)] if after <= event.ends_at <= until else []
        )
    length = _length(event)
    found: list[Occurrence] = []
    for wall in _rule(event).xafter(_local(after) - length - timedelta(days=1), inc=True):
        occurrence = _occurrence(wall, length)
        if occurrence.ends_at > until or len(found) >= MAX_COUNT:
            break
        if occurrence.ends_at >= after:
            found.append(occurrence)
    return found


def occurrence_key(event: Event, occurrence: Occurrence) -> str:
    """Names one occurrence (its local start day): a single event is its own occurrence."""
    if not event.is_recurring:
        return f"event:{event.pk}"
    return f"event:{event.pk}:{_local(occurrence.starts_at):%Y%m%d}"


def local_start_day(event: Event) -> date:
    return _local(event.starts_at).date()


def upcoming(event: Event, after: datetime, *, count: int = 5) -> list[Occurrence]:
    """The next occurrences of a recurring event not yet over (none for a single event)."""
    if not event.is_recurring or event.is_cancelled:
        return []
    length = _length(event)
    found: list[Occurrence] = []
    for wall in _rule(event).xafter(_local(after) - length - timedelta(days=1), inc=True):
        occurrence = _occurrence(wall, length)
        if occurrence.ends_at > after:
            found.append(occurrence)
        if len(found) >= count:
            break
    return found


def describe(event: Event) -> str:
    """ "Every week, until 30 June 2026" in the reader's language ("" for a single event)."""
    if not event.is_recurring:
        return ""
    every = Recurrence(event.recurrence).label
    if event.recurrence_until is not None:
        return _("%(every)s, until %(date)s") % {
            "every": every,
            "date": formats.date_format(event.recurrence_until, "DATE_FORMAT"),
        }
    if event.recurrence_count is not None:
        return ngettext(
            "%(every)s, %(count)d time", "%(every)s, %(count)d times", event.recurrence_count
        ) % {"every": every, "count": event.recurrence_count}
    return str(every)
