"""Booking a desk, with its effect above the life app: the booker's email with the .ics."""

from datetime import date

from django.db import transaction

from rucher.accounts.models import User
from rucher.life import services as life
from rucher.life.models import Desk, DeskBooking
from rucher.mail import tasks as mail_tasks


@transaction.atomic
def desk_book(*, actor: User, desk: Desk, day: date) -> DeskBooking:
    """The booking (life.services.desk_book: the owner's notification); after commit, the
    booker's confirmation email with the calendar file, in the background."""
    booking = life.desk_book(actor=actor, desk=desk, day=day)
    booking_id = booking.pk
    transaction.on_commit(lambda: mail_tasks.desk_booking_email_task.enqueue(booking_id))
    return booking
