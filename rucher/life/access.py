"""The only way to load the things of everyday life by id. Every member sees sites, desks and
services (the network is one organisation); a booking is its booker's (and the desk owner's),
a private reply is its author's and the service author's, a coffee proposal is its two
people's. Missing and not allowed give the same 404."""

from django.db.models import Q

from rucher.accounts.models import User
from rucher.core.errors import NotFound
from rucher.life.models import (
    CoffeeProposal,
    Desk,
    DeskBooking,
    DeskOffer,
    Floor,
    Service,
    ServiceReply,
    ServiceReport,
    Site,
)

MAX_ID = 2**63 - 1


def _member(viewer: User) -> None:
    if not viewer.is_authenticated or not viewer.is_active:
        raise NotFound


def _id(value: int) -> int:
    if not 1 <= int(value) <= MAX_ID:
        raise NotFound
    return int(value)


def access_site(viewer: User, site_id: int) -> Site:
    _member(viewer)
    site = Site.objects.filter(pk=_id(site_id)).first()
    if site is None:
        raise NotFound
    return site


def access_floor(viewer: User, floor_id: int) -> Floor:
    _member(viewer)
    floor = Floor.objects.filter(pk=_id(floor_id)).select_related("site").first()
    if floor is None:
        raise NotFound
    return floor


def access_desk(viewer: User, desk_id: int) -> Desk:
    _member(viewer)
    desk = Desk.objects.filter(pk=_id(desk_id)).select_related("site", "floor", "owner").first()
    if desk is None:
        raise NotFound
    return desk


def access_desk_offer(viewer: User, offer_id: int) -> DeskOffer:
    """Only the desk's owner manages its offers."""
    _member(viewer)
    offer = (
        DeskOffer.objects.filter(pk=_id(offer_id), desk__owner=viewer)
        .select_related("desk")
        .first()
    )
    if offer is None:
        raise NotFound
    return offer


def access_booking(viewer: User, booking_id: int) -> DeskBooking:
    """The booker, the desk's owner and administrators know a booking."""
    _member(viewer)
    qs = DeskBooking.objects.filter(pk=_id(booking_id)).select_related("desk__site", "person")
    if not viewer.is_administrator:
        qs = qs.filter(Q(person=viewer) | Q(desk__owner=viewer))
    booking = qs.first()
    if booking is None:
        raise NotFound
    return booking


def access_service(viewer: User, service_id: int) -> Service:
    _member(viewer)
    service = (
        Service.objects.filter(pk=_id(service_id), author__is_active=True)
        .select_related("author", "site")
        .first()
    )
    if service is None:
        raise NotFound
    if (
        service.hidden_at is not None
        and service.author_id != viewer.pk
        and not viewer.is_administrator
    ):
        raise NotFound
    return service


def access_service_report(viewer: User, report_id: int) -> ServiceReport:
    """Administrators moderate services (they belong to no community)."""
    _member(viewer)
    if not viewer.is_administrator:
        raise NotFound
    report = ServiceReport.objects.filter(pk=_id(report_id)).select_related("service").first()
    if report is None:
        raise NotFound
    return report


def visible_replies_filter(viewer: User, service: Service) -> Q:
    """Public replies, and private ones only between the service's author and the replier."""
    if service.author_id == viewer.pk:
        return Q()
    return Q(is_private=False) | Q(author=viewer)


def access_service_reply(viewer: User, service: Service, reply_id: int) -> ServiceReply:
    reply = (
        ServiceReply.objects.filter(service=service, pk=_id(reply_id))
        .filter(visible_replies_filter(viewer, service))
        .select_related("author")
        .first()
    )
    if reply is None:
        raise NotFound
    return reply


def access_coffee(viewer: User, proposal_id: int) -> CoffeeProposal:
    _member(viewer)
    proposal = (
        CoffeeProposal.objects.filter(pk=_id(proposal_id))
        .filter(Q(proposer=viewer) | Q(colleague=viewer))
        .select_related("proposer", "colleague")
        .first()
    )
    if proposal is None:
        raise NotFound
    return proposal
