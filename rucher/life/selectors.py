"""Reads of everyday life: sites, desks free on a day, the week calendar, bookings, services
and their replies, coffee proposals. Each owns its joins; every list is keyset-paginated."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When

from rucher.accounts.models import User
from rucher.core.pagination import Page, keyset_page
from rucher.life.access import visible_replies_filter
from rucher.life.models import (
    CoffeeProposal,
    Desk,
    DeskBooking,
    DeskOffer,
    Floor,
    Service,
    ServiceReply,
    ServiceReport,
    ServiceStatus,
    Site,
)
from rucher.moderation.models import ReportStatus


def sites_page(*, cursor: str | None, limit: int) -> Page[Site]:
    qs = Site.objects.prefetch_related(
        Prefetch("floors", queryset=Floor.objects.order_by("position", "name"))
    )
    return keyset_page(qs, keys=("name", "id"), cursor=cursor, limit=limit, scope="sites")


def all_sites() -> list[Site]:
    """For choosers: an organisation has a handful of sites."""
    return list(Site.objects.order_by("name")[:200])


def site_for_person(person: User) -> Site | None:
    """The site named on the person's profile, if it is one of the desk-sharing sites."""
    if not person.site:
        return None
    return Site.objects.filter(name__iexact=person.site).first()


def offered_on(day: date) -> Q:
    return Q(starts_on__lte=day, ends_on__gte=day) & (
        Q(weekday__isnull=True) | Q(weekday=day.weekday())
    )


def desks_page(
    site: Site,
    *,
    day: date,
    floor: Floor | None = None,
    free_only: bool = False,
    cursor: str | None,
    limit: int,
) -> Page[Desk]:
    """The site's desks with, for the day, `available` (offered and not booked) and
    `day_booking` (the booking, or None). Two queries whatever the page size."""
    offered = DeskOffer.objects.filter(offered_on(day), desk=OuterRef("pk"))
    booked = DeskBooking.objects.filter(desk=OuterRef("pk"), day=day)
    qs = (
        Desk.objects.filter(site=site)
        .select_related("floor", "owner")
        .annotate(is_offered=Exists(offered), is_booked=Exists(booked))
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=DeskBooking.objects.filter(day=day).select_related("person"),
                to_attr="day_bookings",
            )
        )
    )
    if floor is not None:
        qs = qs.filter(floor=floor)
    if free_only:
        qs = qs.filter(is_offered=True, is_booked=False)
    page = keyset_page(
        qs, keys=("label", "id"), cursor=cursor, limit=limit, scope=f"desks:{site.pk}:{day}"
    )
    for desk in page.items:
        bookings = desk.day_bookings
        desk.day_booking = bookings[0] if bookings else None
        desk.available = desk.is_offered and not bookings
    return page


@dataclass
class Cell:
    day: date
    state: str  # "free", "booked", "mine", "none" (not offered), "own" (the viewer's desk)
    booking: DeskBooking | None


@dataclass
class CalendarRow:
    desk: Desk
    cells: list[Cell]


def week_calendar(
    viewer: User, site: Site, *, monday: date, floor: Floor | None, cursor: str | None, limit: int
) -> tuple[list[date], list[CalendarRow], str | None]:
    """A week of the site's desks: free, booked or not offered each day. Three queries: the
    desks' page, the offers and the bookings of the week."""
    days = [monday + timedelta(days=i) for i in range(7)]
    qs = Desk.objects.filter(site=site).select_related("floor", "owner")
    if floor is not None:
        qs = qs.filter(floor=floor)
    page = keyset_page(
        qs, keys=("label", "id"), cursor=cursor, limit=limit, scope=f"week:{site.pk}"
    )
    ids = [d.pk for d in page.items]
    offers: dict[int, list[DeskOffer]] = {}
    for offer in DeskOffer.objects.filter(
        desk_id__in=ids, starts_on__lte=days[-1], ends_on__gte=days[0]
    ):
        offers.setdefault(offer.desk_id, []).append(offer)
    bookings = {
        (b.desk_id, b.day): b
        for b in DeskBooking.objects.filter(desk_id__in=ids, day__in=days).select_related("person")
    }
    rows = []
    for desk in page.items:
        cells = []
        for day in days:
            booking = bookings.get((desk.pk, day))
            if booking is not None:
                state = "mine" if booking.person_id == viewer.pk else "booked"
            elif any(o.covers(day) for o in offers.get(desk.pk, [])):
                state = "own" if desk.owner_id == viewer.pk else "free"
            else:
                state = "none"
            cells.append(Cell(day=day, state=state, booking=booking))
        rows.append(CalendarRow(desk=desk, cells=cells))
    return days, rows, page.next_cursor


def bookings_page(
    person: User, *, upcoming: bool, today: date, cursor: str | None, limit: int
) -> Page[DeskBooking]:
    """The person's bookings: upcoming ones soonest first, or past ones latest first."""
    qs = DeskBooking.objects.filter(person=person).select_related(
        "desk__site", "desk__floor", "desk__owner"
    )
    if upcoming:
        return keyset_page(
            qs.filter(day__gte=today),
            keys=("day", "id"),
            cursor=cursor,
            limit=limit,
            scope="bookings:up",
        )
    return keyset_page(
        qs.filter(day__lt=today),
        keys=("-day", "-id"),
        cursor=cursor,
        limit=limit,
        scope="bookings:past",
    )


def desks_of_owner(person: User) -> list[Desk]:
    """A person's own desks (usually one) with their current and future offers and the
    bookings made on them from today."""
    from django.utils import timezone

    today = timezone.localdate()
    return list(
        Desk.objects.filter(owner=person)
        .select_related("site", "floor")
        .prefetch_related(
            Prefetch(
                "offers",
                queryset=DeskOffer.objects.filter(ends_on__gte=today).order_by("starts_on"),
                to_attr="current_offers",
            ),
            Prefetch(
                "bookings",
                queryset=DeskBooking.objects.filter(day__gte=today)
                .select_related("person")
                .order_by("day"),
                to_attr="coming_bookings",
            ),
        )
        .order_by("site__name", "label")[:20]
    )


def services_page(
    viewer: User,
    *,
    category: str = "",
    kind: str = "",
    site: Site | None = None,
    open_only: bool | None = None,
    near_me: bool = False,
    mine: bool = False,
    cursor: str | None,
    limit: int,
) -> Page[Service]:
    """Newest first; with `near_me`, the services of the viewer's site come first."""
    qs = Service.objects.filter(author__is_active=True, hidden_at__isnull=True).select_related(
        "author", "site"
    )
    if category:
        qs = qs.filter(category=category)
    if kind:
        qs = qs.filter(kind=kind)
    if site is not None:
        qs = qs.filter(site=site)
    if open_only is True:
        qs = qs.filter(status=ServiceStatus.OPEN)
    elif open_only is False:
        qs = qs.exclude(status=ServiceStatus.OPEN)
    if mine:
        qs = qs.filter(author=viewer)
    if near_me:
        home = site_for_person(viewer)
        qs = qs.annotate(
            near=Case(
                When(site_id=home.pk if home else -1, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        return keyset_page(
            qs,
            keys=("-near", "-created_at", "-id"),
            cursor=cursor,
            limit=limit,
            scope="services:near",
        )
    return keyset_page(
        qs, keys=("-created_at", "-id"), cursor=cursor, limit=limit, scope="services"
    )


def service_detail(service: Service) -> Service:
    """The service with its photos (the access function already joined author and site)."""
    service.photo_list = list(service.photos.order_by("id"))  # type: ignore[attr-defined]
    return service


def replies_page(
    viewer: User, service: Service, *, cursor: str | None, limit: int
) -> Page[ServiceReply]:
    """Oldest first; private replies only for the two people concerned."""
    qs = (
        ServiceReply.objects.filter(service=service, author__is_active=True)
        .filter(visible_replies_filter(viewer, service))
        .select_related("author")
    )
    return keyset_page(qs, keys=("id",), cursor=cursor, limit=limit, scope=f"replies:{service.pk}")


def pool_contributors(service: Service) -> list[dict[str, str]]:
    """A gift pool's list of contributors (names only: amounts stay between the two)."""
    rows = (
        ServiceReply.objects.filter(service=service, pledge__isnull=False)
        .values("author__username", "author__display_name")
        .distinct()[:200]
    )
    return [
        {"username": row["author__username"], "display_name": row["author__display_name"]}
        for row in rows
    ]


def coffees_page(
    viewer: User, *, received: bool, cursor: str | None, limit: int
) -> Page[CoffeeProposal]:
    qs = CoffeeProposal.objects.select_related("proposer", "colleague")
    qs = qs.filter(colleague=viewer) if received else qs.filter(proposer=viewer)
    return keyset_page(
        qs,
        keys=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
        scope="coffee:in" if received else "coffee:out",
    )


def new_services_near(person: User, *, since: Any, limit: int = 5) -> list[Service]:
    """For the weekly digest: open services of the person's site published since `since`."""
    home = site_for_person(person)
    if home is None:
        return []
    return list(
        Service.objects.filter(
            site=home,
            status=ServiceStatus.OPEN,
            created_at__gte=since,
            author__is_active=True,
            hidden_at__isnull=True,
        )
        .exclude(author=person)
        .select_related("author")
        .order_by("-created_at", "-id")[:limit]
    )


def services_published_between(*, since: Any, until: Any, limit: int = 500) -> list[Service]:
    """For the weekly digest's "new near you": open services with a site published in the
    period (one query for a whole batch of digests), newest first."""
    return list(
        Service.objects.filter(
            status=ServiceStatus.OPEN,
            site__isnull=False,
            created_at__gte=since,
            created_at__lt=until,
            author__is_active=True,
            hidden_at__isnull=True,
        )
        .select_related("site")
        .order_by("-created_at", "-id")[:limit]
    )


def service_reports_page(*, cursor: str | None, limit: int) -> Page[ServiceReport]:
    """The open reports of services, oldest first (administrators' queue)."""
    qs = ServiceReport.objects.filter(status=ReportStatus.OPEN).select_related(
        "reporter", "service__author"
    )
    return keyset_page(qs, keys=("id",), cursor=cursor, limit=limit, scope="service-reports")
