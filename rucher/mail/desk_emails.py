"""The booker's confirmation email, with the booking's .ics file (F-DESKS)."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rucher.life.ics import booking_ics
from rucher.life.models import DeskBooking
from rucher.mail.models import OutboxMessage
from rucher.mail.outbox import outbox_put
from rucher.notifications.models import Notification


def booking_email_put(*, booking_id: int) -> OutboxMessage | None:
    """Queues the email once per booking (its key); nothing for a booking cancelled since."""
    booking = (
        DeskBooking.objects.filter(pk=booking_id)
        .select_related("desk__site", "desk__floor", "desk__owner", "person")
        .first()
    )
    if booking is None:
        return None
    person = booking.person
    with translation.override(person.language or settings.LANGUAGE_CODE):
        day = date_format(booking.day, "DATE_FORMAT")
        summary = _("Desk %(desk)s at %(site)s") % {
            "desk": booking.desk.label,
            "site": booking.desk.site.name,
        }
        message = _("Your desk %(desk)s at %(site)s is booked for %(day)s.") % {
            "desk": booking.desk.label,
            "site": booking.desk.site.name,
            "day": day,
        }
        ics = booking_ics(booking, summary=summary)
    url = f"{settings.RUCHER_BASE_URL.rstrip('/')}{reverse('desks')}"
    return outbox_put(
        key=f"desk_booking:{booking.pk}",
        recipient=person,
        kind=Notification.Kind.DESK_BOOKED,
        template="desk_booking",
        context={"message": message, "url": url, "booking": booking},
        attachments=[
            {
                "filename": f"bureau-{booking.day.isoformat()}.ics",
                "content_type": "text/calendar; charset=utf-8; method=PUBLISH",
                "content": ics,
            }
        ],
    )
