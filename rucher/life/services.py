"""Every write of everyday life: sites and desks (administrators), desk offers and bookings,
services between colleagues and their replies, coffee proposals. One transaction each;
notifications are created after the commit."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.core.audit import audit_record
from rucher.core.images import ImageTooLarge, open_image_checked
from rucher.core.text import check_clean_text
from rucher.life.models import (
    MAX_DESCRIPTION_LENGTH,
    MAX_REPLY_LENGTH,
    MAX_TITLE_LENGTH,
    CoffeeProposal,
    Desk,
    DeskBooking,
    DeskOffer,
    Floor,
    Service,
    ServiceCategory,
    ServiceKind,
    ServicePhoto,
    ServiceReply,
    ServiceReport,
    ServiceStatus,
    Site,
)
from rucher.moderation.models import ReportStatus
from rucher.moderation.services import report_validate_reason
from rucher.notifications.models import Notification
from rucher.notifications.services import notify

# An offer further ahead than this is a typo, not a plan.
MAX_OFFER_DAYS = 366
MAX_BOOKING_AHEAD_DAYS = 366
MAX_SEATS = 50
MAX_AMOUNT = 1_000_000
MAX_PHOTOS = 4
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_CSV_ROWS = 5000
MAX_NAME_LENGTH = 100
MAX_LABEL_LENGTH = 50


class AlreadyBooked(Exception):
    """The desk is taken that day (409 `already_booked`): another booking won the race."""

    def __init__(self) -> None:
        super().__init__(_("This desk is already booked that day."))
        self.message = str(self.args[0])


def today() -> date:
    return timezone.localdate()


def _require_admin(actor: User) -> None:
    if not actor.is_administrator:
        raise PermissionDenied


def _clean_name(value: str, field: str, *, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [_("This field is required.")]})
    try:
        return check_clean_text(value, max_length=max_length)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


# --- sites, floors, desks (administrators) ---


@transaction.atomic
def site_create(*, actor: User, name: str, floors: Iterable[str] = ()) -> Site:
    _require_admin(actor)
    name = _clean_name(name, "name", max_length=MAX_NAME_LENGTH)
    if Site.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": [_("A site with this name already exists.")]})
    site = Site.objects.create(name=name)
    for position, floor in enumerate(dict.fromkeys(f.strip() for f in floors if f.strip())):
        Floor.objects.create(
            site=site,
            name=_clean_name(floor, "floors", max_length=MAX_NAME_LENGTH),
            position=position,
        )
    return site


def _floor_for(site: Site, name: str) -> Floor | None:
    name = (name or "").strip()
    if not name:
        return None
    name = _clean_name(name, "floor", max_length=MAX_NAME_LENGTH)
    floor, _created = Floor.objects.get_or_create(
        site=site, name=name, defaults={"position": site.floors.count()}
    )
    return floor


def _owner_for(username: str | None) -> User | None:
    if not username:
        return None
    owner = User.objects.filter(username=username, is_active=True).first()
    if owner is None:
        raise ValidationError({"owner": [_("No active person has this username.")]})
    return owner


@transaction.atomic
def desk_create(
    *, actor: User, site: Site, label: str, floor: str = "", owner: str | None = None
) -> Desk:
    _require_admin(actor)
    label = _clean_name(label, "label", max_length=MAX_LABEL_LENGTH)
    if Desk.objects.filter(site=site, label=label).exists():
        raise ValidationError({"label": [_("This site already has a desk with this label.")]})
    return Desk.objects.create(
        site=site, label=label, floor=_floor_for(site, floor), owner=_owner_for(owner)
    )


@dataclass
class ImportResult:
    sites: int
    desks: int
    updated: int


@transaction.atomic
def desks_import_csv(*, actor: User, data: str) -> ImportResult:
    """Columns `site,floor,label,owner` (a header row; owner is a username, may be empty).
    All or nothing: one bad line and nothing is written, with the line numbers in the error.
    An existing desk (same site and label) gets the new floor and owner."""
    _require_admin(actor)
    reader = csv.DictReader(io.StringIO(data))
    wanted = {"site", "label"}
    if not reader.fieldnames or not wanted <= {f.strip().lower() for f in reader.fieldnames}:
        raise ValidationError(
            {"file": [_("The first line must name the columns: site,floor,label,owner.")]}
        )
    errors: list[str] = []
    sites_before = Site.objects.count()
    created = updated = 0
    for number, raw in enumerate(reader, start=2):
        if number > MAX_CSV_ROWS + 1:
            errors.append(_("At most %(max)d lines.") % {"max": MAX_CSV_ROWS})
            break
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        try:
            site_name = _clean_name(row.get("site", ""), "site", max_length=MAX_NAME_LENGTH)
            label = _clean_name(row.get("label", ""), "label", max_length=MAX_LABEL_LENGTH)
            site = Site.objects.filter(name__iexact=site_name).first() or Site.objects.create(
                name=site_name
            )
            floor = _floor_for(site, row.get("floor", ""))
            owner = _owner_for(row.get("owner") or None)
        except ValidationError as exc:
            errors.append(
                _("Line %(line)d: %(error)s") % {"line": number, "error": " ".join(exc.messages)}
            )
            continue
        desk = Desk.objects.filter(site=site, label=label).first()
        if desk is None:
            Desk.objects.create(site=site, label=label, floor=floor, owner=owner)
            created += 1
        else:
            desk.floor, desk.owner = floor, owner
            desk.save(update_fields=["floor", "owner"])
            updated += 1
    if errors:
        raise ValidationError({"file": errors[:20]})
    return ImportResult(sites=Site.objects.count() - sites_before, desks=created, updated=updated)


def floor_plan_set(*, actor: User, floor: Floor, image: UploadedFile) -> Floor:
    _require_admin(actor)
    _check_image(image, "plan")
    with transaction.atomic():
        floor.plan.save(image.name or "plan.png", image, save=False)
        floor.save(update_fields=["plan"])
    return floor


# --- desk offers and bookings ---


def _check_range(starts_on: date, ends_on: date, *, from_field: str, to_field: str) -> None:
    errors: dict[str, list[str]] = {}
    if starts_on < today():
        errors[from_field] = [_("This date is in the past.")]
    if ends_on < starts_on:
        errors[to_field] = [_("The end date comes before the start date.")]
    elif (ends_on - starts_on).days > MAX_OFFER_DAYS:
        errors[to_field] = [_("At most one year at a time.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def desk_offer_create(
    *, actor: User, desk: Desk, starts_on: date, ends_on: date, weekday: int | None = None
) -> DeskOffer:
    """The owner is away: colleagues may book the desk on these days (or on one weekday)."""
    if desk.owner_id != actor.pk:
        raise PermissionDenied
    _check_range(starts_on, ends_on, from_field="from", to_field="to")
    if weekday is not None:
        if not 0 <= weekday <= 6:
            raise ValidationError({"weekday": [_("Give a day from 0 (Monday) to 6 (Sunday).")]})
        if not any(
            (starts_on + timedelta(days=i)).weekday() == weekday
            for i in range(min(7, (ends_on - starts_on).days + 1))
        ):
            raise ValidationError({"weekday": [_("This day of the week is not in the range.")]})
    return DeskOffer.objects.create(
        desk=desk, starts_on=starts_on, ends_on=ends_on, weekday=weekday
    )


@transaction.atomic
def desk_offer_withdraw(*, actor: User, offer: DeskOffer) -> None:
    """Bookings already made stay: the owner sees them and arranges with the colleague."""
    if offer.desk.owner_id != actor.pk:
        raise PermissionDenied
    offer.delete()


def desk_is_offered(desk: Desk, day: date) -> bool:
    return any(
        offer.covers(day) for offer in desk.offers.filter(starts_on__lte=day, ends_on__gte=day)
    )


def _desk_taken(desk: Desk, day: date) -> bool:
    """The early, friendly check; the constraint stays the judge (a race passes this check)."""
    return DeskBooking.objects.filter(desk=desk, day=day).exists()


@transaction.atomic
def desk_book(*, actor: User, desk: Desk, day: date) -> DeskBooking:
    """Books the desk for the day: 400 with the reason (past, not offered, already a desk
    that day), 409 (AlreadyBooked) when someone else holds it — decided by the database's
    unique constraint, so two simultaneous requests give exactly one booking."""
    if day < today():
        raise ValidationError({"date": [_("This date is in the past.")]})
    if (day - today()).days > MAX_BOOKING_AHEAD_DAYS:
        raise ValidationError({"date": [_("Bookings open at most one year ahead.")]})
    if desk.owner_id == actor.pk:
        raise ValidationError({"date": [_("This is your own desk: no booking needed.")]})
    if not desk_is_offered(desk, day):
        raise ValidationError({"date": [_("This desk is not offered that day.")]})
    if _desk_taken(desk, day):
        raise AlreadyBooked
    if DeskBooking.objects.filter(person=actor, day=day).exists():
        raise ValidationError({"date": [_("You already have a desk booked that day.")]})
    try:
        with transaction.atomic():
            booking = DeskBooking.objects.create(desk=desk, person=actor, day=day)
    except IntegrityError:
        # Lost a race: which rule refused it is read back (the other transaction committed).
        if DeskBooking.objects.filter(desk=desk, day=day).exists():
            raise AlreadyBooked from None
        raise ValidationError({"date": [_("You already have a desk booked that day.")]}) from None
    if desk.owner_id:
        owner_id, desk_id = desk.owner_id, desk.pk
        transaction.on_commit(
            lambda: notify(
                recipient_ids=[owner_id],
                kind=Notification.Kind.DESK_BOOKED,
                key=f"desk_booked:{booking.pk}",
                actor_id=actor.pk,
                data={"desk": desk.label, "day": day.isoformat(), "desk_id": desk_id},
            )
        )
    return booking


@transaction.atomic
def booking_cancel(*, actor: User, booking: DeskBooking) -> None:
    """The booker (or an administrator) cancels; a booking in the past is history."""
    if booking.person_id != actor.pk and not actor.is_administrator:
        raise PermissionDenied
    if booking.day < today():
        raise ValidationError({"date": [_("Bookings in the past cannot be changed.")]})
    booking.delete()


# --- services between colleagues ---

SERVICE_FIELDS = (
    "kind",
    "category",
    "title",
    "description",
    "site",
    "starts_on",
    "ends_on",
    "private_replies",
    "from_place",
    "to_place",
    "seats",
    "target_amount",
)


def _clean_service(
    values: dict[str, Any], *, creating: bool, current: Service | None
) -> dict[str, Any]:
    """Checks every field given; returns the clean values. Rules that tie fields together
    (dates, carpool, pool) are checked on the result of the change."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for field, value in values.items():
        if field not in SERVICE_FIELDS:
            errors[field] = [_("Unknown field.")]
            continue
        try:
            if field == "kind":
                if value not in ServiceKind.values:
                    raise ValidationError(_("Choose offer or request."))
            elif field == "category":
                if value not in ServiceCategory.values:
                    raise ValidationError(_("Choose a category from the list."))
            elif field == "title":
                value = (value or "").strip()
                if not value:
                    raise ValidationError(_("This field is required."))
                check_clean_text(value, max_length=MAX_TITLE_LENGTH)
            elif field == "description":
                check_clean_text(value or "", max_length=MAX_DESCRIPTION_LENGTH)
                value = value or ""
            elif field in ("from_place", "to_place"):
                value = (value or "").strip()
                check_clean_text(value, max_length=100)
            elif field == "seats" and value is not None:
                if not 1 <= value <= MAX_SEATS:
                    raise ValidationError(
                        _("Give between 1 and %(max)d seats.") % {"max": MAX_SEATS}
                    )
            elif field == "target_amount" and value is not None:
                if not 1 <= value <= MAX_AMOUNT:
                    raise ValidationError(_("Give a positive amount."))
            elif (
                field in ("starts_on", "ends_on")
                and value is not None
                and value < today()
                # A date already saved may have passed: keeping it is no error.
                and (current is None or value != getattr(current, field))
            ):
                raise ValidationError(_("This date is in the past."))
        except ValidationError as exc:
            errors[field] = exc.messages
            continue
        clean[field] = value
    if errors:
        raise ValidationError(errors)

    def final(field: str) -> Any:
        if field in clean:
            return clean[field]
        return getattr(current, field) if current is not None else None

    for required in ("kind", "category", "title") if creating else ():
        if not final(required):
            errors[required] = [_("This field is required.")]
    starts_on, ends_on = final("starts_on"), final("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The end date comes before the start date.")]
    if final("category") == ServiceCategory.CARPOOL:
        for field in ("from_place", "to_place"):
            if not final(field):
                errors[field] = [_("A carpool needs where it leaves from and where it goes.")]
        if not starts_on:
            errors["starts_on"] = [_("A carpool needs a date.")]
        if final("kind") == ServiceKind.OFFER and not final("seats"):
            errors["seats"] = [_("Give between 1 and %(max)d seats.") % {"max": MAX_SEATS}]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def service_create(*, author: User, photos: Iterable[UploadedFile] = (), **values: Any) -> Service:
    clean = _clean_service(values, creating=True, current=None)
    photos = list(photos)
    if photos:
        _check_photos(photos, category=clean["category"])
    service = Service.objects.create(author=author, **clean)
    for photo in photos:
        ServicePhoto.objects.create(service=service, image=photo)
    return service


@transaction.atomic
def service_update(*, actor: User, service: Service, changes: dict[str, Any]) -> Service:
    if service.author_id != actor.pk:
        raise PermissionDenied
    if not service.is_open:
        raise ValidationError(_("This offer or request is closed."))
    clean = _clean_service(changes, creating=False, current=service)
    for field, value in clean.items():
        setattr(service, field, value)
    if clean:
        service.save(update_fields=list(clean))
    return service


@transaction.atomic
def service_close(*, actor: User, service: Service) -> Service:
    if service.author_id != actor.pk and not actor.is_administrator:
        raise PermissionDenied
    updated = Service.objects.filter(pk=service.pk, status=ServiceStatus.OPEN).update(
        status=ServiceStatus.CLOSED, closed_at=timezone.now()
    )
    if updated:
        service.refresh_from_db(fields=["status", "closed_at"])
    return service


def services_expire(*, on: date | None = None) -> int:
    """The periodic job: open services whose end date has passed become expired. One UPDATE
    guarded by the status, so a job run twice (or by two workers) changes nothing twice."""
    day = on or today()
    return Service.objects.filter(status=ServiceStatus.OPEN, ends_on__lt=day).update(
        status=ServiceStatus.EXPIRED, closed_at=timezone.now()
    )


def _check_image(upload: UploadedFile, field: str) -> None:
    if (upload.size or 0) > MAX_PHOTO_BYTES:
        raise ValidationError({field: [_("The image is too large (at most 10 MB).")]})
    data = upload.read()
    upload.seek(0)
    try:
        image = open_image_checked(data)
        kind = image.format
        image.verify()
    except ImageTooLarge as exc:
        raise ValidationError({field: [exc.message]}) from exc
    except Exception as exc:  # Pillow raises many types for what is not an image
        raise ValidationError({field: [_("Upload a PNG, JPEG, GIF or WebP image.")]}) from exc
    if kind not in ("PNG", "JPEG", "GIF", "WEBP"):
        raise ValidationError({field: [_("Upload a PNG, JPEG, GIF or WebP image.")]})


def _check_photos(photos: list[UploadedFile], *, category: str) -> None:
    if category != ServiceCategory.GIVE_LEND:
        raise ValidationError({"photos": [_("Photos are for items to give or lend.")]})
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("At most %(max)d photos.") % {"max": MAX_PHOTOS}]})
    for photo in photos:
        _check_image(photo, "photos")


@transaction.atomic
def service_reply(
    *, actor: User, service: Service, body: str, pledge: int | None = None
) -> ServiceReply:
    """A reply (a gift pool's pledge too); private when the author chose private replies.
    The author is notified after the commit."""
    if not service.is_open:
        raise ValidationError(_("This offer or request is closed."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("This field is required.")]})
    try:
        check_clean_text(body, max_length=MAX_REPLY_LENGTH)
    except ValidationError as exc:
        raise ValidationError({"body": exc.messages}) from exc
    if pledge is not None:
        if service.category != ServiceCategory.GIFT_POOL:
            raise ValidationError({"pledge": [_("Pledges are for gift money pools.")]})
        if not 1 <= pledge <= MAX_AMOUNT:
            raise ValidationError({"pledge": [_("Give a positive amount.")]})
    reply = ServiceReply.objects.create(
        service=service, author=actor, body=body, is_private=service.private_replies, pledge=pledge
    )
    Service.objects.filter(pk=service.pk).update(
        reply_count=F("reply_count") + 1, pledged_amount=F("pledged_amount") + (pledge or 0)
    )
    service.refresh_from_db(fields=["reply_count", "pledged_amount"])
    author_id, service_id = service.author_id, service.pk
    transaction.on_commit(
        lambda: notify(
            recipient_ids=[author_id],
            kind=Notification.Kind.SERVICE_REPLY,
            key=f"service_reply:{reply.pk}",
            actor_id=actor.pk,
            data={"service_id": service_id, "title": service.title[:80]},
        )
    )
    return reply


@transaction.atomic
def service_reply_accept(*, actor: User, service: Service, reply: ServiceReply) -> Service:
    """The author of a carpool offer accepts a rider: one seat less; full closes it."""
    locked = Service.objects.select_for_update().get(pk=service.pk)
    if locked.author_id != actor.pk:
        raise PermissionDenied
    if locked.category != ServiceCategory.CARPOOL or locked.kind != ServiceKind.OFFER:
        raise ValidationError(_("Only a carpool offer accepts riders."))
    if reply.service_id != locked.pk or reply.author_id == actor.pk:
        raise ValidationError(_("This reply cannot be accepted."))
    if reply.accepted_at is not None:
        return locked
    if not locked.is_open or not locked.seats:
        raise ValidationError(_("This carpool is full or closed."))
    now = timezone.now()
    ServiceReply.objects.filter(pk=reply.pk).update(accepted_at=now)
    reply.accepted_at = now
    locked.seats -= 1
    fields = ["seats"]
    if locked.seats == 0:
        locked.status, locked.closed_at = ServiceStatus.CLOSED, now
        fields += ["status", "closed_at"]
    locked.save(update_fields=fields)
    rider_id = reply.author_id
    transaction.on_commit(
        lambda: notify(
            recipient_ids=[rider_id],
            kind=Notification.Kind.SERVICE_ACCEPTED,
            key=f"service_accepted:{reply.pk}",
            actor_id=actor.pk,
            data={"service_id": locked.pk, "title": locked.title[:80]},
        )
    )
    return locked


# --- coffee proposals (F-MEET) ---


@transaction.atomic
def coffee_propose(
    *, proposer: User, colleague: User, suggested_at: datetime, message: str = ""
) -> CoffeeProposal:
    if colleague.pk == proposer.pk:
        raise ValidationError({"colleague": [_("Propose a coffee to someone else.")]})
    if not colleague.is_active:
        raise ValidationError({"colleague": [_("No active person has this username.")]})
    if timezone.is_naive(suggested_at):
        suggested_at = timezone.make_aware(suggested_at)
    if suggested_at <= timezone.now():
        raise ValidationError({"suggested_at": [_("Suggest a time in the future.")]})
    if suggested_at > timezone.now() + timedelta(days=90):
        raise ValidationError({"suggested_at": [_("Suggest a time within three months.")]})
    message = (message or "").strip()
    try:
        check_clean_text(message, max_length=500)
    except ValidationError as exc:
        raise ValidationError({"message": exc.messages}) from exc
    if CoffeeProposal.objects.filter(
        proposer=proposer, colleague=colleague, status=CoffeeProposal.Status.PENDING
    ).exists():
        raise ValidationError(
            {"colleague": [_("You already proposed a coffee to this colleague.")]}
        )
    proposal = CoffeeProposal.objects.create(
        proposer=proposer, colleague=colleague, suggested_at=suggested_at, message=message
    )
    transaction.on_commit(
        lambda: notify(
            recipient_ids=[colleague.pk],
            kind=Notification.Kind.COFFEE,
            key=f"coffee:{proposal.pk}",
            actor_id=proposer.pk,
            data={"at": suggested_at.isoformat()},
        )
    )
    return proposal


@transaction.atomic
def coffee_answer(*, actor: User, proposal: CoffeeProposal, accept: bool) -> CoffeeProposal:
    if proposal.colleague_id != actor.pk:
        raise PermissionDenied
    status = CoffeeProposal.Status.ACCEPTED if accept else CoffeeProposal.Status.DECLINED
    updated = CoffeeProposal.objects.filter(
        pk=proposal.pk, status=CoffeeProposal.Status.PENDING
    ).update(status=status, answered_at=timezone.now())
    if not updated:
        raise ValidationError(_("This proposal was already answered."))
    proposal.refresh_from_db(fields=["status", "answered_at"])
    transaction.on_commit(
        lambda: notify(
            recipient_ids=[proposal.proposer_id],
            kind=Notification.Kind.COFFEE_ANSWER,
            key=f"coffee_answer:{proposal.pk}",
            actor_id=actor.pk,
            data={"accepted": accept, "at": proposal.suggested_at.isoformat()},
        )
    )
    return proposal


# --- reports and moderation (rucher.moderation's rules, administrators moderate) ---


@transaction.atomic
def service_report_create(
    *, reporter: User, service: Service, reason: object
) -> tuple[ServiceReport, bool]:
    """(report, created): one open report per person and service; reporting again while it
    is open returns the same report."""
    reason = report_validate_reason(reason)
    existing = ServiceReport.objects.filter(
        reporter=reporter, service=service, status=ReportStatus.OPEN
    ).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            report = ServiceReport.objects.create(reporter=reporter, service=service, reason=reason)
    except IntegrityError:
        return ServiceReport.objects.get(
            reporter=reporter, service=service, status=ReportStatus.OPEN
        ), False
    return report, True


def _resolve_service_reports(*, actor: User, service: Service, status: str) -> int:
    return ServiceReport.objects.filter(service=service, status=ReportStatus.OPEN).update(
        status=status, resolved_at=timezone.now(), resolved_by=actor
    )


@transaction.atomic
def service_hide(*, actor: User, service: Service, request: HttpRequest | None = None) -> Service:
    _require_admin(actor)
    if service.hidden_at is None:
        service.hidden_at = timezone.now()
        service.save(update_fields=["hidden_at"])
    resolved = _resolve_service_reports(actor=actor, service=service, status=ReportStatus.HIDDEN)
    audit_record(
        action="service.hide",
        actor=actor,
        target=f"service:{service.pk}",
        data={"reports": resolved},
        request=request,
    )
    return service


@transaction.atomic
def service_restore(
    *, actor: User, service: Service, request: HttpRequest | None = None
) -> Service:
    _require_admin(actor)
    service.hidden_at = None
    service.save(update_fields=["hidden_at"])
    audit_record(
        action="service.restore", actor=actor, target=f"service:{service.pk}", request=request
    )
    return service


@transaction.atomic
def service_report_dismiss(
    *, actor: User, report: ServiceReport, request: HttpRequest | None = None
) -> ServiceReport:
    _require_admin(actor)
    if report.status == ReportStatus.OPEN:
        report.status, report.resolved_at, report.resolved_by = (
            ReportStatus.DISMISSED,
            timezone.now(),
            actor,
        )
        report.save(update_fields=["status", "resolved_at", "resolved_by"])
        audit_record(
            action="service_report.dismiss",
            actor=actor,
            target=f"service:{report.service_id}",
            data={"report": report.pk},
            request=request,
        )
    return report
