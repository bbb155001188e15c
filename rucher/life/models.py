"""Everyday life at work: desk sharing (sites, floors, desks, offers, bookings), services
between colleagues (offers and requests, replies, photos) and coffee proposals (F-MEET)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rucher.moderation.models import MAX_REASON_LENGTH, ReportStatus

MAX_TITLE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 5000
MAX_REPLY_LENGTH = 2000


class Site(models.Model):
    """A place of work. People's `site` (free text on their profile) is matched by name."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Floor(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="floors")
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    plan = models.ImageField(_("floor plan"), upload_to="floors/", blank=True)

    class Meta:
        verbose_name = _("floor")
        verbose_name_plural = _("floors")
        ordering = ["site", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="floor_name_per_site"),
        ]

    def __str__(self) -> str:
        return f"{self.site.name} — {self.name}"


class Desk(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="desks")
    floor = models.ForeignKey(
        Floor, null=True, blank=True, on_delete=models.SET_NULL, related_name="desks"
    )
    label = models.CharField(_("label"), max_length=50)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="desks",
    )

    class Meta:
        verbose_name = _("desk")
        verbose_name_plural = _("desks")
        constraints = [
            models.UniqueConstraint(fields=["site", "label"], name="desk_label_per_site"),
        ]

    def __str__(self) -> str:
        return f"{self.site.name} {self.label}"


class DeskOffer(models.Model):
    """The owner is away: the desk may be booked on the days from `starts_on` to `ends_on`
    (inclusive), or only on one weekday of that range ("every Friday")."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="offers")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    # 0 = Monday … 6 = Sunday (date.weekday()); null = every day of the range.
    weekday = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("desk offer")
        verbose_name_plural = _("desk offers")
        indexes = [models.Index(fields=["desk", "ends_on"], name="desk_offer_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="desk_offer_ordered"
            ),
            models.CheckConstraint(
                condition=Q(weekday__isnull=True) | Q(weekday__lte=6), name="desk_offer_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.desk} {self.starts_on}–{self.ends_on}"

    @property
    def weekday_label(self) -> str:
        labels = [
            _("Mondays only"),
            _("Tuesdays only"),
            _("Wednesdays only"),
            _("Thursdays only"),
            _("Fridays only"),
            _("Saturdays only"),
            _("Sundays only"),
        ]
        return str(labels[self.weekday]) if self.weekday is not None else ""

    def covers(self, day: date) -> bool:
        if not self.starts_on <= day <= self.ends_on:
            return False
        return self.weekday is None or day.weekday() == self.weekday


class DeskBooking(models.Model):
    """One person at one desk for one day. Both rules are database constraints: two bookings
    racing for the same desk (or the same person) cannot both commit."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="bookings")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_bookings"
    )
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("desk booking")
        verbose_name_plural = _("desk bookings")
        constraints = [
            models.UniqueConstraint(fields=["desk", "day"], name="desk_booking_once"),
            models.UniqueConstraint(fields=["person", "day"], name="desk_booking_one_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.desk} on {self.day} by {self.person_id}"


class ServiceKind(models.TextChoices):
    OFFER = "offer", _("Offer")
    REQUEST = "request", _("Request")


class ServiceCategory(models.TextChoices):
    CARPOOL = "carpool", _("Carpool")
    CHILDCARE = "childcare", _("Childcare")
    SPORT = "sport", _("Sport partner")
    MEAL = "meal", _("Shared meal")
    GIFT_POOL = "gift_pool", _("Gift money pool")
    GIVE_LEND = "give_lend", _("Give or lend")
    OTHER = "other", _("Other")


class ServiceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    EXPIRED = "expired", _("Expired")


class Service(models.Model):
    """An offer or a request between colleagues ("bons plans"). Visible to every member (the
    network is one organisation); replies may be private to the author and the replier."""

    Kind = ServiceKind
    Category = ServiceCategory
    Status = ServiceStatus

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="services"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    title = models.CharField(_("title"), max_length=MAX_TITLE_LENGTH)
    description = models.TextField(_("description"), max_length=MAX_DESCRIPTION_LENGTH, blank=True)
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    private_replies = models.BooleanField(_("private replies"), default=True)
    # Carpool.
    from_place = models.CharField(_("from"), max_length=100, blank=True)
    to_place = models.CharField(_("to"), max_length=100, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True)
    # Gift money pool: a target, in whole euros; the money itself stays outside Rucher.
    target_amount = models.PositiveIntegerField(_("target"), null=True, blank=True)
    pledged_amount = models.PositiveIntegerField(default=0, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reply_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Hidden by a moderator after a report: only its author and administrators still see it.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="services_newest"),
            models.Index(fields=["ends_on"], condition=Q(status="open"), name="services_to_expire"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="service_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == ServiceStatus.OPEN


class ServiceReply(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_replies"
    )
    body = models.TextField(_("reply"), max_length=MAX_REPLY_LENGTH)
    # Copied from the service when written: changing the service's choice later never
    # exposes what was written as private.
    is_private = models.BooleanField(default=True)
    # A gift pool's pledge, in whole euros.
    pledge = models.PositiveIntegerField(null=True, blank=True)
    # A carpool rider accepted by the author (takes one seat).
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service reply")
        verbose_name_plural = _("service replies")
        indexes = [models.Index(fields=["service", "id"], name="service_replies_order")]

    def __str__(self) -> str:
        return f"reply {self.pk} to {self.service_id}"


class ServiceReport(models.Model):
    """A person's report of a service, in the moderators' queue (rucher.moderation's statuses
    and reason rules; services belong to no community, so administrators moderate them)."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="reports")
    reason = models.TextField(_("reason"), max_length=MAX_REASON_LENGTH)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("service report")
        verbose_name_plural = _("service reports")
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "service"],
                condition=Q(status="open"),
                name="service_report_open_once",
            ),
        ]
        indexes = [
            models.Index(fields=["id"], condition=Q(status="open"), name="service_reports_open")
        ]

    def __str__(self) -> str:
        return f"report {self.pk} of service {self.service_id}"


class ServicePhoto(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="services/")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"photo {self.pk} of {self.service_id}"


class CoffeeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class CoffeeProposal(models.Model):
    """ "Propose a coffee" (F-MEET): a suggested time, accepted or declined by the colleague."""

    Status = CoffeeStatus

    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coffees_proposed"
    )
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coffees_received"
    )
    suggested_at = models.DateTimeField(_("suggested time"))
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("coffee proposal")
        verbose_name_plural = _("coffee proposals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(proposer=F("colleague")), name="coffee_not_with_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"coffee {self.proposer_id} → {self.colleague_id}"
