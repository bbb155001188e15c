"""Demo everyday life: three sites (Paris, Lyon, Nantes) with floors and desks, desk offers
this week and next, a few bookings, and a dozen services of every category with replies — so
that /desks/ and /services/ look alive after `make run`. Created once: a second run finds the
sites and changes nothing."""

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from rucher.accounts.models import User
from rucher.life.models import Desk, DeskBooking, DeskOffer, Floor, Service, ServiceReply, Site

# The demo people's own site names (rucher.accounts.demo.SITES), so "near me" finds them.
SITES = {
    "Paris — La Défense": ("P", ["3e étage", "4e étage"]),
    "Lyon": ("L", ["Rez-de-chaussée", "1er étage"]),
    "Nantes": ("N", ["1er étage"]),
}
DESKS_PER_FLOOR = 6

# (author index, kind, category, site, title, description, extra)
SERVICES: list[tuple[int, str, str, str, str, str, dict[str, Any]]] = [
    (
        1,
        "offer",
        "carpool",
        "Paris — La Défense",
        "Covoiturage Paris → Lyon vendredi",
        "Je pars vers 17 h de La Défense, retour dimanche soir. Participation aux frais d’essence.",
        {"from_place": "Paris — La Défense", "to_place": "Lyon", "seats": 3, "days": 4},
    ),
    (
        2,
        "request",
        "carpool",
        "Nantes",
        "Cherche covoiturage Nantes → Rennes lundi",
        "Pour la réunion régionale de lundi matin, je peux partager les frais.",
        {"from_place": "Nantes", "to_place": "Rennes", "days": 6},
    ),
    (
        4,
        "offer",
        "carpool",
        "Lyon",
        "Trajet quotidien Villeurbanne → site de Lyon",
        "Tous les jours vers 8 h 15, deux places libres.",
        {"from_place": "Villeurbanne", "to_place": "Lyon", "seats": 2, "days": 1},
    ),
    (
        5,
        "request",
        "childcare",
        "Paris — La Défense",
        "Garde d’enfants mercredi après-midi",
        "Deux enfants de 6 et 9 ans, pendant le séminaire de mercredi. Une idée ?",
        {"days": 5},
    ),
    (
        7,
        "offer",
        "childcare",
        "Lyon",
        "Baby-sitting le soir (ma fille étudiante)",
        "Ma fille, étudiante en BTS, garde volontiers des enfants le soir en semaine.",
        {},
    ),
    (
        8,
        "request",
        "sport",
        "Nantes",
        "Partenaire de tennis le jeudi midi",
        "Niveau moyen, court réservé près du site tous les jeudis.",
        {},
    ),
    (
        10,
        "offer",
        "sport",
        "Paris — La Défense",
        "Course à pied le mardi à 12 h 30",
        "Boucle de 6 km autour de La Défense, tous niveaux bienvenus.",
        {},
    ),
    (
        11,
        "offer",
        "meal",
        "Lyon",
        "Repas partagé vendredi : spécialités de chacun",
        "Chacun apporte un plat de sa région, rendez-vous à la cafétéria à 12 h 15.",
        {"days": 4},
    ),
    (
        13,
        "offer",
        "meal",
        "Nantes",
        "Galette des rois de l’équipe",
        "Je m'occupe des galettes, vous apportez le cidre !",
        {"days": 9},
    ),
    (
        14,
        "offer",
        "gift_pool",
        "Paris — La Défense",
        "Cagnotte pour le départ en retraite de Michel",
        "Après 32 ans de maison, offrons-lui le vélo électrique dont il rêve.",
        {"target_amount": 400, "days": 12},
    ),
    (
        16,
        "offer",
        "give_lend",
        "Lyon",
        "Je donne une poussette en bon état",
        "Poussette trois roues, à récupérer au 1er étage.",
        {},
    ),
    (
        17,
        "offer",
        "give_lend",
        "Nantes",
        "Je prête ma tente 4 places pour l’été",
        "Tente familiale, montage facile, à rendre propre.",
        {},
    ),
    (
        19,
        "request",
        "other",
        "Paris — La Défense",
        "Qui a une perceuse à prêter ce week-end ?",
        "Pour fixer des étagères, je la rends lundi.",
        {"days": 3},
    ),
]

REPLIES = [
    (0, 3, "Je suis partant pour vendredi, une place pour moi ?", None),
    (0, 6, "Moi aussi si ce n’est pas complet !", None),
    (5, 9, "Je viens, je suis à peu près à ton niveau.", None),
    (9, 2, "Je participe avec plaisir.", 20),
    (9, 12, "Belle idée, je participe.", 15),
    (7, 20, "Je viendrai avec un gratin dauphinois !", None),
]


def _people_by_site() -> dict[str, list[User]]:
    people: dict[str, list[User]] = {}
    for person in User.objects.filter(is_active=True, is_staff=False).order_by("pk"):
        people.setdefault(person.site, []).append(person)
    return people


@transaction.atomic
def demo_life_load() -> dict[str, int]:
    if Site.objects.exists():
        return {"sites": 0, "desks": 0, "services": 0}
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    by_site = _people_by_site()
    everyone = [p for people in by_site.values() for p in people]
    desks = 0
    for name, (prefix, floors) in SITES.items():
        site = Site.objects.create(name=name)
        owners = list(by_site.get(name, []))
        for position, floor_name in enumerate(floors):
            floor = Floor.objects.create(site=site, name=floor_name, position=position)
            for n in range(1, DESKS_PER_FLOOR + 1):
                owner = owners.pop(0) if owners and n % 3 != 0 else None
                desk = Desk.objects.create(
                    site=site, floor=floor, label=f"{prefix}{position + 3}-{n:02d}", owner=owner
                )
                desks += 1
                _demo_offers(desk, today=today, monday=monday, n=n)
    _demo_bookings(today=today, everyone=everyone)
    services = _demo_services(today=today, everyone=everyone)
    return {"sites": len(SITES), "desks": desks, "services": services}


def _demo_offers(desk: Desk, *, today: date, monday: date, n: int) -> None:
    if desk.owner is None:
        return
    friday = monday + timedelta(days=4)
    if n % 2 == 1 and friday >= today:
        # Away this week (from today on).
        DeskOffer.objects.create(desk=desk, starts_on=max(today, monday), ends_on=friday)
    if n % 2 == 0:
        # Every Friday for the coming month (teleworking day).
        DeskOffer.objects.create(
            desk=desk, starts_on=today, ends_on=today + timedelta(days=28), weekday=4
        )
    # Everyone with a desk is away next week for a training (camille's shows in "my desk").
    DeskOffer.objects.create(
        desk=desk, starts_on=monday + timedelta(days=7), ends_on=monday + timedelta(days=11)
    )


def _demo_bookings(*, today: date, everyone: list[User]) -> None:
    """Visitors from other sites take a few of the offered desks."""
    visitors = iter(everyone[::-1])
    for desk in Desk.objects.filter(owner__isnull=False).order_by("pk")[::3]:
        for day in (today + timedelta(days=i) for i in range(1, 8)):
            if any(o.covers(day) for o in desk.offers.all()):
                visitor = next(visitors, None)
                if visitor is None or visitor.site == desk.site.name:
                    continue
                if not DeskBooking.objects.filter(person=visitor, day=day).exists():
                    DeskBooking.objects.create(desk=desk, person=visitor, day=day)
                break


def _demo_services(*, today: date, everyone: list[User]) -> int:
    if not everyone:
        return 0
    sites = {s.name: s for s in Site.objects.all()}
    people = sorted(everyone, key=lambda p: p.pk)
    created: list[Service] = []
    for author_i, kind, category, site, title, description, extra in SERVICES:
        extra = dict(extra)
        days = extra.pop("days", None)
        starts_on = today + timedelta(days=days) if days is not None else None
        created.append(
            Service.objects.create(
                author=people[author_i % len(people)],
                kind=kind,
                category=category,
                site=sites.get(site),
                title=title,
                description=description,
                starts_on=starts_on,
                ends_on=starts_on + timedelta(days=2)
                if starts_on and category != "carpool"
                else None,
                private_replies=category in ("childcare", "give_lend", "other"),
                **extra,
            )
        )
    for service_i, person_i, body, pledge in REPLIES:
        service = created[service_i]
        author = people[person_i % len(people)]
        if author.pk == service.author_id:
            continue
        ServiceReply.objects.create(
            service=service,
            author=author,
            body=body,
            pledge=pledge,
            is_private=service.private_replies,
        )
        service.reply_count += 1
        service.pledged_amount += pledge or 0
        service.save(update_fields=["reply_count", "pledged_amount"])
    return len(created)
