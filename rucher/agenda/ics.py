"""iCalendar (RFC 5545) of events, written by the icalendar library like rucher.life.ics:
one event's file and a person's subscription feed. Stable UIDs and a SEQUENCE raised by each
change let calendar clients replace their copy instead of adding one."""

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as IcsEvent

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
    else:
        item.add("dtstart", event.starts_at)
        item.add("dtend", event.ends_at)
    item.add("summary", event.title)
    if event.description:
        item.add("description", event.description)
    location = event.location or event.online_url
    if location:
        item.add("location", location)
    item.add("url", f"{base_url}/events/{event.pk}/")
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return item


def events_ics(events: Iterable[Event], *, name: str = "") -> bytes:
    base_url = settings.RUCHER_BASE_URL
    calendar = Calendar()
    calendar.add("prodid", "-//Rucher//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_component(event, base_url.rstrip("/")))
    return calendar.to_ical()
