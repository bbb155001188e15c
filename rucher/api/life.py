"""Everyday life: services between colleagues, desk sharing, coffee proposals (API.md,
"Everyday life")."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import BeforeValidator, StrictBool, StrictInt

from rucher.accounts.access import access_person
from rucher.actions import desks as desk_actions
from rucher.api.auth import AuthedRequest
from rucher.api.content import PageFilters
from rucher.api.errors import ApiError
from rucher.api.moderation import ReportCreatedOut, ReportIn
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, IdPath, InputSchema, UsernamePath
from rucher.core.errors import NotFound
from rucher.life import access, selectors, services
from rucher.life.models import (
    MAX_DESCRIPTION_LENGTH,
    MAX_REPLY_LENGTH,
    MAX_TITLE_LENGTH,
    CoffeeProposal,
    Desk,
    DeskBooking,
    Service,
    ServiceReply,
    Site,
)
from rucher.life.services import AlreadyBooked

router = Router(tags=["everyday life"])

# Fields named `date` (API.md) would shadow the type inside their schema's body.
DateType = date

KindIn = Literal["offer", "request"]
CategoryIn = Literal["carpool", "childcare", "sport", "meal", "gift_pool", "give_lend", "other"]


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


class PersonRefOut(Schema):
    username: str
    display_name: str


def _person(person: Any) -> PersonRefOut | None:
    if person is None:
        return None
    return PersonRefOut(username=person.username, display_name=person.display_name)


# --- services ---


class ServiceFilters(PageFilters):
    category: Annotated[CategoryIn | None, BeforeValidator(_blank_is_none)] = None
    kind: Annotated[KindIn | None, BeforeValidator(_blank_is_none)] = None
    site: Annotated[int | None, BeforeValidator(_blank_is_none)] = Field(
        default=None, ge=1, le=2**63 - 1, description="A site's id."
    )
    open: bool | None = Field(default=None, description="true: open only; false: closed only.")
    near_me: bool = Field(default=False, description="The caller's site first.")


class ServiceIn(InputSchema):
    kind: KindIn
    category: CategoryIn
    title: CleanStr = Field(max_length=MAX_TITLE_LENGTH)
    description: CleanStr = Field(default="", max_length=MAX_DESCRIPTION_LENGTH)
    site: StrictInt | None = Field(default=None, ge=1, description="A site's id.")
    starts_on: date | None = None
    ends_on: date | None = None
    private_replies: StrictBool = True
    from_place: CleanStr = Field(default="", max_length=100, description="Carpool: from.")
    to_place: CleanStr = Field(default="", max_length=100, description="Carpool: to.")
    seats: StrictInt | None = Field(default=None, description="Carpool offer: seats (1–50).")
    target_amount: StrictInt | None = Field(default=None, description="Gift pool: target, €.")


class ServicePatchIn(InputSchema):
    kind: KindIn | None = None
    category: CategoryIn | None = None
    title: CleanStr | None = Field(default=None, max_length=MAX_TITLE_LENGTH)
    description: CleanStr | None = Field(default=None, max_length=MAX_DESCRIPTION_LENGTH)
    site: StrictInt | None = Field(default=None, ge=1)
    starts_on: date | None = None
    ends_on: date | None = None
    private_replies: StrictBool | None = None
    from_place: CleanStr | None = Field(default=None, max_length=100)
    to_place: CleanStr | None = Field(default=None, max_length=100)
    seats: StrictInt | None = None
    target_amount: StrictInt | None = None


class SiteRefOut(Schema):
    id: int
    name: str


class ServiceOut(Schema):
    id: int
    kind: str
    category: str
    title: str
    description: str
    site: SiteRefOut | None
    starts_on: date | None
    ends_on: date | None
    private_replies: bool
    from_place: str
    to_place: str
    seats: int | None
    target_amount: int | None
    pledged_amount: int
    status: Literal["open", "closed", "expired"]
    open: bool
    author: PersonRefOut | None
    reply_count: int = Field(description="All replies, private ones included.")
    photos: list[str]
    created_at: datetime
    closed_at: datetime | None
    url: str


class ServicePageOut(Schema):
    items: list[ServiceOut]
    next: str | None


class ReplyIn(InputSchema):
    body: CleanStr = Field(max_length=MAX_REPLY_LENGTH)
    pledge: StrictInt | None = Field(default=None, description="Gift pool: a pledge, €.")


class ReplyOut(Schema):
    id: int
    author: PersonRefOut | None
    body: str
    private: bool
    pledge: int | None
    accepted: bool
    created_at: datetime


class ReplyPageOut(Schema):
    items: list[ReplyOut]
    next: str | None


class ServiceDetailOut(ServiceOut):
    replies: list[ReplyOut] = Field(description="The first page of replies the caller may see.")
    replies_next: str | None


def _service_out(service: Service, *, photos: list[str] | None = None) -> ServiceOut:
    return ServiceOut(
        id=service.pk,
        kind=service.kind,
        category=service.category,
        title=service.title,
        description=service.description,
        site=SiteRefOut(id=service.site.pk, name=service.site.name) if service.site else None,
        starts_on=service.starts_on,
        ends_on=service.ends_on,
        private_replies=service.private_replies,
        from_place=service.from_place,
        to_place=service.to_place,
        seats=service.seats,
        target_amount=service.target_amount,
        pledged_amount=service.pledged_amount,
        status=service.status,  # type: ignore[arg-type]
        open=service.is_open,
        author=_person(service.author),
        reply_count=service.reply_count,
        photos=photos or [],
        created_at=service.created_at,
        closed_at=service.closed_at,
        url=reverse("service", args=[service.pk]),
    )


def _reply_out(reply: ServiceReply) -> ReplyOut:
    return ReplyOut(
        id=reply.pk,
        author=_person(reply.author),
        body=reply.body,
        private=reply.is_private,
        pledge=reply.pledge,
        accepted=reply.accepted_at is not None,
        created_at=reply.created_at,
    )


def _site(request: AuthedRequest, site_id: int | None) -> Site | None:
    if site_id is None:
        return None
    try:
        return access.access_site(request.auth, site_id)
    except NotFound as exc:
        raise ApiError(400, "invalid", _("No site has this id.")) from exc


def _detail(request: AuthedRequest, service: Service) -> ServiceDetailOut:
    service = selectors.service_detail(service)
    photos = [p.image.url for p in service.photo_list]  # type: ignore[attr-defined]
    page = selectors.replies_page(request.auth, service, cursor=None, limit=20)
    return ServiceDetailOut(
        **_service_out(service, photos=photos).model_dump(),
        replies=[_reply_out(r) for r in page.items],
        replies_next=page.next_cursor,
    )


@router.get("/services", response={200: ServicePageOut, ERRORS: ErrorOut})
def services_list(request: AuthedRequest, filters: Query[ServiceFilters]) -> ServicePageOut:
    """Newest first; services of every site are visible (one organisation)."""
    site = access.access_site(request.auth, filters.site) if filters.site else None
    page = selectors.services_page(
        request.auth,
        category=filters.category or "",
        kind=filters.kind or "",
        site=site,
        open_only=filters.open,
        near_me=filters.near_me,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return ServicePageOut(items=[_service_out(s) for s in page.items], next=page.next_cursor)


@router.post("/services", response={201: ServiceDetailOut, ERRORS: ErrorOut})
def services_create(request: AuthedRequest, payload: ServiceIn) -> Status[ServiceDetailOut]:
    values = payload.model_dump()
    values["site"] = _site(request, values["site"])
    service = services.service_create(author=request.auth, **values)
    return Status(201, _detail(request, access.access_service(request.auth, service.pk)))


@router.get("/services/{service_id}", response={200: ServiceDetailOut, ERRORS: ErrorOut})
def services_get(request: AuthedRequest, service_id: IdPath) -> ServiceDetailOut:
    return _detail(request, access.access_service(request.auth, service_id))


@router.patch("/services/{service_id}", response={200: ServiceDetailOut, ERRORS: ErrorOut})
def services_patch(
    request: AuthedRequest, service_id: IdPath, payload: ServicePatchIn
) -> ServiceDetailOut:
    """Its author changes it while it is open (403 for others)."""
    service = access.access_service(request.auth, service_id)
    changes = payload.model_dump(exclude_unset=True)
    if "site" in changes:
        changes["site"] = _site(request, changes["site"])
    services.service_update(actor=request.auth, service=service, changes=changes)
    return _detail(request, access.access_service(request.auth, service_id))


@router.post("/services/{service_id}/close", response={200: ServiceOut, ERRORS: ErrorOut})
def services_close(request: AuthedRequest, service_id: IdPath) -> ServiceOut:
    service = access.access_service(request.auth, service_id)
    return _service_out(services.service_close(actor=request.auth, service=service))


@router.get("/services/{service_id}/replies", response={200: ReplyPageOut, ERRORS: ErrorOut})
def services_replies(
    request: AuthedRequest, service_id: IdPath, filters: Query[PageFilters]
) -> ReplyPageOut:
    """Oldest first; a private reply is seen only by its author and the service's author."""
    service = access.access_service(request.auth, service_id)
    page = selectors.replies_page(request.auth, service, cursor=filters.cursor, limit=filters.limit)
    return ReplyPageOut(items=[_reply_out(r) for r in page.items], next=page.next_cursor)


@router.post("/services/{service_id}/replies", response={201: ReplyOut, ERRORS: ErrorOut})
def services_reply(
    request: AuthedRequest, service_id: IdPath, payload: ReplyIn
) -> Status[ReplyOut]:
    service = access.access_service(request.auth, service_id)
    reply = services.service_reply(
        actor=request.auth, service=service, body=payload.body, pledge=payload.pledge
    )
    return Status(201, _reply_out(reply))


@router.post(
    "/services/{service_id}/replies/{reply_id}/accept",
    response={200: ServiceOut, ERRORS: ErrorOut},
)
def services_reply_accept(
    request: AuthedRequest, service_id: IdPath, reply_id: IdPath
) -> ServiceOut:
    """The author of a carpool offer accepts a rider: one seat less, closed when full."""
    service = access.access_service(request.auth, service_id)
    reply = access.access_service_reply(request.auth, service, reply_id)
    updated = services.service_reply_accept(actor=request.auth, service=service, reply=reply)
    return _service_out(access.access_service(request.auth, updated.pk))


# --- sites and desks ---


class SiteIn(InputSchema):
    name: CleanStr = Field(max_length=100)
    floors: list[Annotated[CleanStr, Field(max_length=100)]] = Field(default=[], max_length=100)


class FloorOut(Schema):
    id: int
    name: str
    plan_url: str | None


class SiteOut(Schema):
    id: int
    name: str
    floors: list[FloorOut]


class SitePageOut(Schema):
    items: list[SiteOut]
    next: str | None


class DeskIn(InputSchema):
    label: CleanStr = Field(max_length=50)
    floor: CleanStr = Field(default="", max_length=100, description="A floor's name.")
    owner: CleanStr | None = Field(default=None, max_length=150, description="A username.")


class DeskOut(Schema):
    id: int
    label: str
    floor: str | None
    owner: PersonRefOut | None
    available: bool = Field(description="Offered by its owner that day and not booked.")
    booked_by: PersonRefOut | None


class DeskPageOut(Schema):
    items: list[DeskOut]
    next: str | None


class DeskFilters(PageFilters):
    date: DateType | None = Field(default=None, description="Default: today.")
    free: bool = Field(default=False, description="Only desks free that day.")
    floor: int | None = Field(default=None, ge=1, le=2**63 - 1, description="A floor's id.")


class AvailabilityIn(InputSchema):
    from_: date = Field(alias="from")
    to: date
    weekday: StrictInt | None = Field(
        default=None, description="Only this day of the week: 0 = Monday … 6 = Sunday."
    )


class AvailabilityOut(Schema):
    id: int
    desk: int
    from_: date = Field(alias="from")
    to: date
    weekday: int | None


class BookingIn(InputSchema):
    date: DateType


class BookingOut(Schema):
    id: int
    date: DateType
    desk: int
    desk_label: str
    site: SiteRefOut
    person: PersonRefOut


class BookingPageOut(Schema):
    items: list[BookingOut]
    next: str | None


class BookingFilters(PageFilters):
    past: bool = Field(default=False, description="Past bookings, latest first.")


def _site_out(site: Site) -> SiteOut:
    return SiteOut(
        id=site.pk,
        name=site.name,
        floors=[
            FloorOut(id=f.pk, name=f.name, plan_url=f.plan.url if f.plan else None)
            for f in site.floors.all()
        ],
    )


def _desk_out(desk: Desk) -> DeskOut:
    booking = getattr(desk, "day_booking", None)
    return DeskOut(
        id=desk.pk,
        label=desk.label,
        floor=desk.floor.name if desk.floor else None,
        owner=_person(desk.owner),
        available=bool(getattr(desk, "available", False)),
        booked_by=_person(booking.person) if booking else None,
    )


def _booking_out(booking: DeskBooking) -> BookingOut:
    return BookingOut(
        id=booking.pk,
        date=booking.day,
        desk=booking.desk_id,
        desk_label=booking.desk.label,
        site=SiteRefOut(id=booking.desk.site.pk, name=booking.desk.site.name),
        person=PersonRefOut(
            username=booking.person.username, display_name=booking.person.display_name
        ),
    )


@router.get("/sites", response={200: SitePageOut, ERRORS: ErrorOut})
def sites_list(request: AuthedRequest, filters: Query[PageFilters]) -> SitePageOut:
    page = selectors.sites_page(cursor=filters.cursor, limit=filters.limit)
    return SitePageOut(items=[_site_out(s) for s in page.items], next=page.next_cursor)


@router.post("/sites", response={201: SiteOut, ERRORS: ErrorOut})
def sites_create(request: AuthedRequest, payload: SiteIn) -> Status[SiteOut]:
    """Administrators only (403 for others)."""
    site = services.site_create(actor=request.auth, name=payload.name, floors=payload.floors)
    return Status(201, _site_out(site))


@router.get("/sites/{site_id}/desks", response={200: DeskPageOut, ERRORS: ErrorOut})
def sites_desks(
    request: AuthedRequest, site_id: IdPath, filters: Query[DeskFilters]
) -> DeskPageOut:
    """The site's desks by label, each with its state on `date` (default today)."""
    site = access.access_site(request.auth, site_id)
    floor = None
    if filters.floor is not None:
        floor = access.access_floor(request.auth, filters.floor)
        if floor.site_id != site.pk:
            raise ApiError(400, "invalid", _("This floor is not on this site."))
    page = selectors.desks_page(
        site,
        day=filters.date or services.today(),
        floor=floor,
        free_only=filters.free,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return DeskPageOut(items=[_desk_out(d) for d in page.items], next=page.next_cursor)


@router.post("/sites/{site_id}/desks", response={201: DeskOut, ERRORS: ErrorOut})
def sites_desks_create(request: AuthedRequest, site_id: IdPath, payload: DeskIn) -> Status[DeskOut]:
    """Administrators only (403 for others)."""
    site = access.access_site(request.auth, site_id)
    desk = services.desk_create(
        actor=request.auth, site=site, label=payload.label, floor=payload.floor, owner=payload.owner
    )
    return Status(201, _desk_out(access.access_desk(request.auth, desk.pk)))


@router.post("/desks/{desk_id}/availability", response={201: AvailabilityOut, ERRORS: ErrorOut})
def desks_availability(
    request: AuthedRequest, desk_id: IdPath, payload: AvailabilityIn
) -> Status[AvailabilityOut]:
    """The desk's owner offers it from `from` to `to` (inclusive), every day or one weekday."""
    desk = access.access_desk(request.auth, desk_id)
    offer = services.desk_offer_create(
        actor=request.auth,
        desk=desk,
        starts_on=payload.from_,
        ends_on=payload.to,
        weekday=payload.weekday,
    )
    return Status(
        201,
        AvailabilityOut.model_validate(
            {
                "id": offer.pk,
                "desk": desk.pk,
                "from": offer.starts_on,
                "to": offer.ends_on,
                "weekday": offer.weekday,
            }
        ),
    )


@router.delete("/availability/{offer_id}", response={204: None, ERRORS: ErrorOut})
def availability_delete(request: AuthedRequest, offer_id: IdPath) -> Status[None]:
    offer = access.access_desk_offer(request.auth, offer_id)
    services.desk_offer_withdraw(actor=request.auth, offer=offer)
    return Status(204, None)


@router.post("/desks/{desk_id}/bookings", response={201: BookingOut, ERRORS: ErrorOut})
def desks_book(request: AuthedRequest, desk_id: IdPath, payload: BookingIn) -> Status[BookingOut]:
    """400 in the past, not offered that day, or a second desk the same day; 409
    `already_booked` when the desk is taken."""
    desk = access.access_desk(request.auth, desk_id)
    try:
        booking = desk_actions.desk_book(actor=request.auth, desk=desk, day=payload.date)
    except AlreadyBooked as exc:
        raise ApiError(409, "already_booked", exc.message) from exc
    return Status(201, _booking_out(access.access_booking(request.auth, booking.pk)))


@router.delete("/bookings/{booking_id}", response={204: None, ERRORS: ErrorOut})
def bookings_delete(request: AuthedRequest, booking_id: IdPath) -> Status[None]:
    booking = access.access_booking(request.auth, booking_id)
    services.booking_cancel(actor=request.auth, booking=booking)
    return Status(204, None)


@router.get("/me/bookings", response={200: BookingPageOut, ERRORS: ErrorOut})
def me_bookings(request: AuthedRequest, filters: Query[BookingFilters]) -> BookingPageOut:
    """Upcoming bookings soonest first (or `past=true`: past ones, latest first)."""
    page = selectors.bookings_page(
        request.auth,
        upcoming=not filters.past,
        today=services.today(),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return BookingPageOut(items=[_booking_out(b) for b in page.items], next=page.next_cursor)


# --- coffee proposals (F-MEET) ---


class CoffeeIn(InputSchema):
    suggested_at: datetime
    message: CleanStr = Field(default="", max_length=500)


class CoffeeAnswerIn(InputSchema):
    accept: StrictBool


class CoffeeOut(Schema):
    id: int
    proposer: PersonRefOut
    colleague: PersonRefOut
    suggested_at: datetime
    message: str
    status: Literal["pending", "accepted", "declined"]
    created_at: datetime


class CoffeePageOut(Schema):
    items: list[CoffeeOut]
    next: str | None


class CoffeeFilters(PageFilters):
    sent: bool = Field(default=False, description="The proposals the caller sent.")


def _coffee_out(proposal: CoffeeProposal) -> CoffeeOut:
    return CoffeeOut(
        id=proposal.pk,
        proposer=PersonRefOut(
            username=proposal.proposer.username, display_name=proposal.proposer.display_name
        ),
        colleague=PersonRefOut(
            username=proposal.colleague.username, display_name=proposal.colleague.display_name
        ),
        suggested_at=proposal.suggested_at,
        message=proposal.message,
        status=proposal.status,  # type: ignore[arg-type]
        created_at=proposal.created_at,
    )


@router.post("/people/{username}/coffee", response={201: CoffeeOut, ERRORS: ErrorOut})
def people_coffee(
    request: AuthedRequest, username: UsernamePath, payload: CoffeeIn
) -> Status[CoffeeOut]:
    """Propose a coffee to a colleague at a suggested time; they are notified."""
    colleague = access_person(request.auth, username)
    proposal = services.coffee_propose(
        proposer=request.auth,
        colleague=colleague,
        suggested_at=payload.suggested_at,
        message=payload.message,
    )
    return Status(201, _coffee_out(access.access_coffee(request.auth, proposal.pk)))


@router.get("/me/coffees", response={200: CoffeePageOut, ERRORS: ErrorOut})
def me_coffees(request: AuthedRequest, filters: Query[CoffeeFilters]) -> CoffeePageOut:
    page = selectors.coffees_page(
        request.auth, received=not filters.sent, cursor=filters.cursor, limit=filters.limit
    )
    return CoffeePageOut(items=[_coffee_out(c) for c in page.items], next=page.next_cursor)


@router.post("/coffees/{coffee_id}/answer", response={200: CoffeeOut, ERRORS: ErrorOut})
def coffees_answer(request: AuthedRequest, coffee_id: IdPath, payload: CoffeeAnswerIn) -> CoffeeOut:
    proposal = access.access_coffee(request.auth, coffee_id)
    services.coffee_answer(actor=request.auth, proposal=proposal, accept=payload.accept)
    return _coffee_out(access.access_coffee(request.auth, coffee_id))


# --- reports and moderation of services (administrators moderate) ---


class ServiceReportOut(Schema):
    id: int
    service: int
    service_title: str
    reporter: PersonRefOut | None
    reason: str
    status: str
    created_at: datetime


class ServiceReportPageOut(Schema):
    items: list[ServiceReportOut]
    next: str | None


class ServiceModerationOut(Schema):
    id: int
    hidden: bool
    hidden_at: datetime | None


@router.post(
    "/services/{service_id}/report",
    response={200: ReportCreatedOut, 201: ReportCreatedOut, ERRORS: ErrorOut},
)
def services_report(
    request: AuthedRequest, service_id: IdPath, payload: ReportIn
) -> Status[ReportCreatedOut]:
    """201 for a new report; 200 with the same report when one's report is still open."""
    service = access.access_service(request.auth, service_id)
    report, created = services.service_report_create(
        reporter=request.auth, service=service, reason=payload.reason
    )
    return Status(201 if created else 200, ReportCreatedOut(id=report.pk, status=report.status))


@router.get("/moderation/service-reports", response={200: ServiceReportPageOut, ERRORS: ErrorOut})
def moderation_service_reports(
    request: AuthedRequest, filters: Query[PageFilters]
) -> ServiceReportPageOut:
    """Open reports of services, oldest first (administrators; 403 for others)."""
    if not request.auth.is_administrator:
        raise PermissionDenied
    page = selectors.service_reports_page(cursor=filters.cursor, limit=filters.limit)
    return ServiceReportPageOut(
        items=[
            ServiceReportOut(
                id=r.pk,
                service=r.service_id,
                service_title=r.service.title,
                reporter=_person(r.reporter),
                reason=r.reason,
                status=r.status,
                created_at=r.created_at,
            )
            for r in page.items
        ],
        next=page.next_cursor,
    )


@router.post("/services/{service_id}/hide", response={200: ServiceModerationOut, ERRORS: ErrorOut})
def services_hide(request: AuthedRequest, service_id: IdPath) -> ServiceModerationOut:
    service = access.access_service(request.auth, service_id)
    service = services.service_hide(actor=request.auth, service=service, request=request)
    return ServiceModerationOut(id=service.pk, hidden=True, hidden_at=service.hidden_at)


@router.post(
    "/services/{service_id}/restore", response={200: ServiceModerationOut, ERRORS: ErrorOut}
)
def services_restore(request: AuthedRequest, service_id: IdPath) -> ServiceModerationOut:
    service = access.access_service(request.auth, service_id)
    service = services.service_restore(actor=request.auth, service=service, request=request)
    return ServiceModerationOut(id=service.pk, hidden=False, hidden_at=None)


@router.post(
    "/service-reports/{report_id}/dismiss", response={200: ReportCreatedOut, ERRORS: ErrorOut}
)
def service_reports_dismiss(request: AuthedRequest, report_id: IdPath) -> ReportCreatedOut:
    report = access.access_service_report(request.auth, report_id)
    report = services.service_report_dismiss(actor=request.auth, report=report, request=request)
    return ReportCreatedOut(id=report.pk, status=report.status)
