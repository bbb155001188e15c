"""The iCalendar (.ics) file of a desk booking: an all-day event the booker adds to their
calendar (RFC 5545, written by the icalendar library)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from rucher.life.models import DeskBooking


def booking_ics(booking: DeskBooking, *, summary: str) -> str:
    desk = booking.desk
    calendar = Calendar()
    calendar.add("prodid", "-//Rucher//Desk sharing//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    domain = getattr(settings, "RUCHER_MAIL_DOMAIN", "") or "rucher.invalid"
    # Stable: sending the email again (a retry) gives the same event, not a second one.
    event.add("uid", f"desk-booking-{booking.pk}@{domain}")
    event.add("dtstamp", booking.created_at or timezone.now())
    event.add("dtstart", booking.day)
    event.add("dtend", booking.day + timedelta(days=1))
    event.add("summary", summary)
    floor = f", {desk.floor.name}" if desk.floor else ""
    event.add("location", f"{desk.site.name}{floor}, {desk.label}")
    event.add("transp", "TRANSPARENT")
    calendar.add_component(event)
    return calendar.to_ical().decode()
