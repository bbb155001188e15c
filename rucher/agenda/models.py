"""Community events (F-EVENTS): a calendar per community, RSVPs, and each person's private
iCalendar subscription token.

An event belongs to one community and is readable exactly when that community's content is
(rucher.content.access) and its Events tab is on. `yes_count` is kept by the RSVP service under
a lock on the event row, so a capacity is enforced without a race (409 event_full).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rucher.communities.models import Community

MAX_EVENT_TITLE = 200
MAX_EVENT_DESCRIPTION = 10000


class Recurrence(models.TextChoices):
    """How an event repeats (RFC 5545 RRULE FREQ), on the weekday or day of the month of its
    first occurrence, at the same local time."""

    NEVER = "", _("Never")
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")


class Event(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=MAX_EVENT_TITLE)
    description = models.TextField(_("description"), max_length=MAX_EVENT_DESCRIPTION, blank=True)
    # Aware instants (stored UTC); an all-day event runs from the start of its first local day
    # to the start of the day after its last one.
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    all_day = models.BooleanField(_("all day"), default=False)
    location = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    # A recurring event is one series: `starts_at`/`ends_at` are its first occurrence, the
    # others follow the rule (rucher.agenda.recurrence), up to `recurrence_until` (the last
    # local day an occurrence may start) or `recurrence_count` occurrences, or without end.
    recurrence = models.CharField(
        _("repeat"), max_length=7, choices=Recurrence.choices, blank=True, default=""
    )
    recurrence_until = models.DateField(_("repeat until"), null=True, blank=True)
    recurrence_count = models.PositiveSmallIntegerField(_("occurrences"), null=True, blank=True)
    # The end of the last occurrence (`ends_at` for a single event; null for an endless
    # series): listings select the events overlapping a window with it.
    last_ends_at = models.DateTimeField(null=True, blank=True)
    # The end of the next occurrence whose attendees have not yet earned their points (null:
    # nothing left to grant): the periodic job's cursor (rucher.agenda.attendance).
    attendance_due_at = models.DateTimeField(null=True, blank=True)
    yes_count = models.PositiveIntegerField(default=0)
    # RFC 5545 SEQUENCE: raised by each change so calendar clients replace their copy.
    sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Set once the day-before reminder went out (the periodic job's idempotency marker).
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="event_order"),
        ]
        indexes = [
            models.Index(fields=["community", "starts_at", "id"], name="events_by_community"),
            models.Index(fields=["starts_at", "id"], name="events_by_start"),
            models.Index(
                fields=["attendance_due_at"],
                condition=Q(attendance_due_at__isnull=False),
                name="events_attendance_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_recurring(self) -> bool:
        return bool(self.recurrence)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.yes_count >= self.capacity


class RsvpAnswer(models.TextChoices):
    YES = "yes", _("Going")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("Not going")


class Rsvp(models.Model):
    Answer = RsvpAnswer

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=5, choices=RsvpAnswer.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="rsvp_unique"),
            models.CheckConstraint(condition=Q(answer__in=RsvpAnswer.values), name="rsvp_answer"),
        ]
        indexes = [models.Index(fields=["person", "answer"], name="rsvps_by_person")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.answer} {self.event_id}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private subscription URL (/calendar/<token>.ics): the token is the only
    credential, so it is long, random, unique, and replaced by a reset."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"calendar of {self.person_id}"
