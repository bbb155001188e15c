"""iCalendar (RFC 5545) of events, written by the icalendar library like rucher.life.ics:
one event's file and a person's subscription feed. Stable UIDs and a SEQUENCE raised by each
change let calendar clients replace their copy instead of adding one."""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as IcsEvent

from rucher.agenda import recurrence
from rucher.agenda.models import Event


def _domain() -> str:
    return getattr(settings, "RUCHER_MAIL_DOMAIN", "") or "rucher.invalid"


def _component(event: Event, base_url: str) -> IcsEvent:
    item = IcsEvent()
    item.add("uid", f"event-{event.pk}@{_domain()}")
    item.add("dtstamp", event.updated_at or timezone.now())
    item.add("sequence", event.sequence)
    if event.all_day:
        local = timezone.get_current_timezone()
        item.add("dtstart", event.starts_at.astimezone(local).date())
        item.add("dtend", event.ends_at.astimezone(local).date())
    elif event.is_recurring:
        # Local times with their TZID, so that occurrences keep their wall-clock time across
        # daylight-saving changes (the VTIMEZONE is added to the calendar).
        item.add("dtstart", event.starts_at.astimezone(recurrence.zone()))
        item.add("dtend", event.ends_at.astimezone(recurrence.zone()))
    else:
        item.add("dtstart", event.starts_at)
        item.add("dtend", event.ends_at)
    if event.is_recurring:
        item.add("rrule", _rrule(event))
    item.add("summary", event.title)
    if event.description:
        item.add("description", event.description)
    location = event.location or event.online_url
    if location:
        item.add("location", location)
    item.add("url", f"{base_url}/events/{event.pk}/")
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return item


def _rrule(event: Event) -> dict[str, object]:
    """RFC 5545 RRULE: FREQ and UNTIL or COUNT. UNTIL is a DATE for an all-day event, else the
    UTC instant ending the last local day (RFC 5545 3.3.10: UTC when DTSTART has a TZID)."""
    rule: dict[str, object] = {"freq": event.recurrence.upper()}
    if event.recurrence_until is not None:
        until: date | datetime = event.recurrence_until
        if not event.all_day:
            last = datetime.combine(event.recurrence_until, time(23, 59, 59))
            until = timezone.make_aware(last, recurrence.zone()).astimezone(UTC)
        rule["until"] = until
    elif event.recurrence_count is not None:
        rule["count"] = event.recurrence_count
    return rule


def events_ics(events: Iterable[Event], *, name: str = "") -> bytes:
    base_url = settings.RUCHER_BASE_URL
    calendar = Calendar()
    calendar.add("prodid", "-//Rucher//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    recurring = False
    for event in events:
        calendar.add_component(_component(event, base_url.rstrip("/")))
        recurring = recurring or (event.is_recurring and not event.all_day)
    if recurring:
        today = timezone.localdate()
        calendar.add_missing_timezones(
            first_date=today - timedelta(days=5 * 366), last_date=today + timedelta(days=6 * 366)
        )
    return calendar.to_ical()
