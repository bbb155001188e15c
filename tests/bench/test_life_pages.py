"""Benchmark of the everyday-life pages (run with `make bench`): services, desks, the week
calendar and the API's desk list, against the framework floor.

Size: RUCHER_BENCH_SERVICES (default 20,000 services) and RUCHER_BENCH_DESKS (default 600
desks on one site, each offered every day of the next month, a third booked each day).
"""

import os
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from rucher.accounts.models import User
from rucher.core.factories import password_hash
from rucher.life.models import Desk, DeskBooking, DeskOffer, Service, Site
from tests.bench.test_people_pages import ROUNDS, _measure

SERVICES = int(os.environ.get("RUCHER_BENCH_SERVICES", "20000"))
DESKS = int(os.environ.get("RUCHER_BENCH_DESKS", "600"))
CATEGORIES = ["carpool", "childcare", "sport", "meal", "gift_pool", "give_lend", "other"]


def _seed() -> tuple[User, Site]:
    pw = password_hash()
    User.objects.bulk_create(
        [
            User(
                username=f"life{i}",
                email=f"life{i}@example.org",
                display_name=f"Life {i:05d}",
                sort_name=f"life {i:05d}",
                password=pw,
                site=f"Site {i % 3}",
                accepted_charter_version=1_000_000,
            )
            for i in range(DESKS * 2)
        ],
        batch_size=1000,
    )
    people = list(User.objects.order_by("pk").values_list("pk", flat=True))
    sites = [Site.objects.create(name=f"Site {i}") for i in range(3)]
    today = timezone.localdate()
    Service.objects.bulk_create(
        [
            Service(
                author_id=people[i % len(people)],
                kind="offer" if i % 2 else "request",
                category=CATEGORIES[i % len(CATEGORIES)],
                title=f"Service {i}",
                site=sites[i % 3],
                status="open" if i % 5 else "closed",
            )
            for i in range(SERVICES)
        ],
        batch_size=1000,
    )
    site = sites[0]
    Desk.objects.bulk_create(
        [Desk(site=site, label=f"D{i:04d}", owner_id=people[i]) for i in range(DESKS)],
        batch_size=1000,
    )
    desks = list(Desk.objects.filter(site=site).values_list("pk", flat=True))
    DeskOffer.objects.bulk_create(
        [DeskOffer(desk_id=d, starts_on=today, ends_on=today + timedelta(days=30)) for d in desks],
        batch_size=1000,
    )
    DeskBooking.objects.bulk_create(
        [
            DeskBooking(desk_id=d, person_id=people[DESKS + n], day=today + timedelta(days=day))
            for day in range(7)
            for n, d in enumerate(desks[day % 3 :: 3])
        ],
        batch_size=1000,
    )
    viewer = User.objects.get(username=f"life{DESKS * 2 - 1}")
    return viewer, site


@pytest.mark.django_db
def test_life_pages_against_floor():
    viewer, site = _seed()
    client = Client()
    client.force_login(viewer)
    pages = {
        "floor (charter page)": "/charter/",
        "services": "/services/",
        "services, near me": "/services/?near=1&category=sport",
        "desks (free today)": f"/desks/?site={site.pk}",
        "desks week": f"/desks/sites/{site.pk}/week/",
        "API desks": f"/api/v1/sites/{site.pk}/desks?limit=100",
    }
    results = {name: _measure(client, url) for name, url in pages.items()}
    floor = results["floor (charter page)"][0]
    print(f"\n{SERVICES} services, {DESKS} desks, {ROUNDS} rounds, {connection.vendor}")
    print(f"{'page':<24}{'median ms':>11}{'p95 ms':>9}{'queries':>9}{'× floor':>9}")
    for name, (median, p95, queries) in results.items():
        print(f"{name:<24}{median:>11.1f}{p95:>9.1f}{queries:>9}{median / floor:>9.1f}")
    assert results["services"][2] <= 12
    assert results["desks week"][2] <= 12
