"""Writes of the agenda: one transaction each. Notifications are sent by the caller after
commit (rucher.actions.events) so a rolled-back write notifies nobody."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.agenda import recurrence
from rucher.agenda.access import access_event, can_edit_event
from rucher.agenda.models import (
    MAX_EVENT_DESCRIPTION,
    MAX_EVENT_TITLE,
    CalendarFeed,
    Event,
    Recurrence,
    Rsvp,
    RsvpAnswer,
    new_calendar_token,
)
from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.core.errors import Conflict, NotFound

MAX_CAPACITY = 100000
# An event lasts at most this long (a typo in a year would otherwise fill every agenda).
MAX_DURATION = timedelta(days=62)

EDITABLE = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "all_day",
    "location",
    "online_url",
    "capacity",
    "recurrence",
    "recurrence_until",
    "recurrence_count",
)


@dataclass
class EventData:
    title: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    all_day: bool = False
    location: str = ""
    online_url: str = ""
    capacity: int | None = None
    recurrence: str = ""
    recurrence_until: date | None = None
    recurrence_count: int | None = None


def _clean_recurrence(
    data: dict[str, Any], starts_at: Any, ends_at: Any, errors: dict[str, list[str]]
) -> tuple[str, date | None, int | None]:
    """The series rule: never, weekly or monthly; until a day or for a number of times."""
    freq = str(data.get("recurrence") or "")
    if freq not in Recurrence.values:
        errors["recurrence"] = [_("Repeat never, every week or every month.")]
        return "", None, None
    if not freq:
        return "", None, None
    until, count = data.get("recurrence_until"), data.get("recurrence_count")
    if isinstance(until, datetime):
        until = until.date()
    if count in ("", 0):
        count = None
    if until is not None and count is not None:
        errors["recurrence_until"] = [_("Repeat until a date or a number of times, not both.")]
    elif until is not None:
        if not isinstance(until, date):
            errors["recurrence_until"] = [_("Enter a date.")]
        elif isinstance(starts_at, datetime):
            first = timezone.localtime(starts_at, recurrence.zone()).date()
            if until < first:
                errors["recurrence_until"] = [_("The repetition must end after the event starts.")]
            elif until > first + recurrence.MAX_UNTIL:
                errors["recurrence_until"] = [
                    _("A repetition lasts at most %(years)d years.") % {"years": 5}
                ]
    elif count is not None and (
        not isinstance(count, int) or not 2 <= count <= recurrence.MAX_COUNT
    ):
        errors["recurrence_count"] = [
            _("Between 2 and %(max)d times.") % {"max": recurrence.MAX_COUNT}
        ]
    if (
        isinstance(starts_at, datetime)
        and isinstance(ends_at, datetime)
        and ends_at - starts_at > recurrence.MAX_OCCURRENCE[Recurrence(freq)]
    ):
        errors["ends_at"] = [_("A repeating event must end before it comes round again.")]
    return freq, until, count


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Checks every field at once; raises one ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = [_("An event needs a title.")]
    elif len(title) > MAX_EVENT_TITLE:
        errors["title"] = [_("At most %(max)d characters.") % {"max": MAX_EVENT_TITLE}]
    description = str(data.get("description") or "").strip()
    if len(description) > MAX_EVENT_DESCRIPTION:
        errors["description"] = [_("At most %(max)d characters.") % {"max": MAX_EVENT_DESCRIPTION}]
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    all_day = bool(data.get("all_day"))
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, datetime):
            errors[name] = [_("A date and time is required.")]
    if isinstance(starts_at, datetime) and isinstance(ends_at, datetime):
        if timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at)
        if timezone.is_naive(ends_at):
            ends_at = timezone.make_aware(ends_at)
        # Calendars count in whole seconds (iCalendar has no fractions).
        starts_at, ends_at = starts_at.replace(microsecond=0), ends_at.replace(microsecond=0)
        if all_day:
            # Whole local days: from the first day's midnight to the midnight after the last.
            local = timezone.get_current_timezone()
            first = starts_at.astimezone(local).date()
            last = ends_at.astimezone(local).date()
            starts_at = timezone.make_aware(datetime.combine(first, datetime.min.time()), local)
            ends_at = timezone.make_aware(
                datetime.combine(last + timedelta(days=1), datetime.min.time()), local
            )
        if ends_at < starts_at:
            errors["ends_at"] = [_("The event must end after it starts.")]
        elif ends_at - starts_at > MAX_DURATION:
            errors["ends_at"] = [
                _("An event lasts at most %(days)d days.") % {"days": MAX_DURATION.days}
            ]
    location = str(data.get("location") or "").strip()
    if len(location) > 200:
        errors["location"] = [_("At most %(max)d characters.") % {"max": 200}]
    online_url = str(data.get("online_url") or "").strip()
    if online_url:
        try:
            URLValidator(schemes=["https", "http"])(online_url)
        except ValidationError:
            errors["online_url"] = [_("Enter a web address starting with https://.")]
    capacity = data.get("capacity")
    if capacity is not None and capacity != "":
        if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
            errors["capacity"] = [
                _("A number of places between 1 and %(max)d.") % {"max": MAX_CAPACITY}
            ]
    else:
        capacity = None
    freq, until, count = _clean_recurrence(data, starts_at, ends_at, errors)
    if errors:
        raise ValidationError(errors)
    return {
        "recurrence": freq,
        "recurrence_until": until,
        "recurrence_count": count,
        "title": title,
        "description": description,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "all_day": all_day,
        "location": location,
        "online_url": online_url,
        "capacity": capacity,
    }


@transaction.atomic
def event_create(*, author: User, community: Community, data: dict[str, Any]) -> Event:
    """Members create events in their community (the caller loaded it through
    access_community_tab)."""
    community = community_access.refresh_viewer_membership(author, community)
    if not community_access.is_member(author, community):
        raise NotFound
    clean = _clean(data)
    event = Event(community=community, author=author, **clean)
    event.last_ends_at = recurrence.last_end(event) if event.is_recurring else None
    event.attendance_due_at = event.ends_at
    event.save()
    return event


@dataclass
class EventChange:
    event: Event
    notify_ids: list[int]


def _attendee_ids(event: Event) -> list[int]:
    return list(
        Rsvp.objects.filter(event=event, answer__in=(RsvpAnswer.YES, RsvpAnswer.MAYBE))
        .values_list("person_id", flat=True)
        .order_by("person_id")
    )


@transaction.atomic
def event_update(*, actor: User, event_id: int, data: dict[str, Any]) -> EventChange:
    """Changes the given fields (a PATCH); attendees are told if the time or place changed."""
    event = access_event(actor, event_id, for_write=True)
    if not can_edit_event(actor, event):
        raise NotFound
    if event.is_cancelled:
        raise Conflict(_("This event was cancelled."), code="event_cancelled")
    merged = {name: getattr(event, name) for name in EDITABLE}
    merged |= {k: v for k, v in data.items() if k in EDITABLE}
    clean = _clean(merged)
    if clean["capacity"] is not None and clean["capacity"] < event.yes_count:
        raise ValidationError(
            {"capacity": [_("%(count)d people already said yes.") % {"count": event.yes_count}]}
        )
    noticed = any(
        clean[k] != getattr(event, k)
        for k in (
            "starts_at",
            "ends_at",
            "location",
            "online_url",
            "recurrence",
            "recurrence_until",
            "recurrence_count",
        )
    )
    pending = event.attendance_due_at
    for name, value in clean.items():
        setattr(event, name, value)
    event.last_ends_at = recurrence.last_end(event) if event.is_recurring else None
    # Occurrences already granted stay granted; those still pending are granted when over.
    now = timezone.now()
    since = min(now, pending - timedelta(seconds=1)) if pending is not None else now
    event.attendance_due_at = recurrence.next_end_after(event, since)
    event.sequence += 1
    if noticed:
        event.reminded_at = None  # a new date deserves its own reminder
    event.save()
    return EventChange(event, _attendee_ids(event) if noticed else [])


@transaction.atomic
def event_cancel(*, actor: User, event_id: int) -> EventChange:
    """Cancels (kept, shown as cancelled, so attendees understand); idempotent."""
    event = access_event(actor, event_id, for_write=True)
    if not can_edit_event(actor, event):
        raise NotFound
    if event.is_cancelled:
        return EventChange(event, [])
    event.cancelled_at = timezone.now()
    event.sequence += 1
    event.save(update_fields=["cancelled_at", "sequence", "updated_at"])
    return EventChange(event, _attendee_ids(event))


def is_over(event: Event, now: datetime | None = None) -> bool:
    """The last occurrence has ended (an endless series never is)."""
    end = event.last_ends_at if event.is_recurring else event.ends_at
    return end is not None and end < (now or timezone.now())


@transaction.atomic
def rsvp_set(*, person: User, event_id: int, answer: str) -> Event:
    """Answers yes, maybe or no; for a recurring event, the answer is to the whole series (its
    capacity counts people, not people per occurrence). The event row is locked while its yes
    count is checked and changed, so two last-place answers cannot both get in (409
    event_full)."""
    if answer not in RsvpAnswer.values:
        raise ValidationError({"answer": [_("Answer yes, no or maybe.")]})
    event = access_event(person, event_id, for_write=True)
    if event.is_cancelled:
        raise Conflict(_("This event was cancelled."), code="event_cancelled")
    if is_over(event):
        raise Conflict(_("This event is over."), code="event_over")
    old = Rsvp.objects.filter(event=event, person=person).values_list("answer", flat=True).first()
    if old == answer:
        return event
    if answer == RsvpAnswer.YES and event.is_full:
        raise Conflict(_("This event is full."), code="event_full")
    Rsvp.objects.update_or_create(event=event, person=person, defaults={"answer": answer})
    delta = (answer == RsvpAnswer.YES) - (old == RsvpAnswer.YES)
    if delta:
        event.yes_count += delta
        event.save(update_fields=["yes_count"])
    return event


def calendar_token(person: User) -> str:
    feed, _created = CalendarFeed.objects.get_or_create(person=person)
    return feed.token


@transaction.atomic
def calendar_token_reset(person: User) -> str:
    """A new token: the old URL answers 404 at once."""
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(person=person)
    feed.token = new_calendar_token()
    feed.save(update_fields=["token", "created_at"])
    return feed.token


def person_for_calendar_token(token: str) -> User:
    """The active person whose feed this is (a reset or departed person: NotFound)."""
    if not token or len(token) > 64:
        raise NotFound
    feed = CalendarFeed.objects.select_related("person").filter(token=token).first()
    if feed is None or not feed.person.is_active:
        raise NotFound
    return feed.person


def reminders_due(now: datetime | None = None) -> list[int]:
    """Events starting within the next day, not cancelled, not yet reminded."""
    now = now or timezone.now()
    return list(
        Event.objects.filter(
            starts_at__gt=now,
            starts_at__lte=now + timedelta(days=1),
            cancelled_at__isnull=True,
            reminded_at__isnull=True,
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def reminder_mark(event_id: int) -> tuple[Event, list[int]] | None:
    """Marks the event reminded and returns who to remind; None when already done (so a
    retried or overlapping job reminds nobody twice)."""
    event = Event.objects.select_for_update().filter(pk=event_id).first()
    if event is None or event.reminded_at is not None or event.is_cancelled:
        return None
    event.reminded_at = timezone.now()
    event.save(update_fields=["reminded_at"])
    return event, _attendee_ids(event)
