"""Benchmark of the private iCalendar subscription (F-EVENTS): a person in 40 communities with
2,000 upcoming events (`RUCHER_BENCH=1 pytest tests/bench/test_agenda_feed.py -s`; `make bench`
measures the same page under load). Goal: within 3× the floor."""

import pytest
from django.db import connection
from django.test import Client, override_settings
from icalendar import Calendar

from tests.bench.agenda_seed import EVENTS, seed_agenda
from tests.bench.test_people_pages import ROUNDS, _measure


@pytest.mark.django_db
def test_calendar_feed_against_floor():
    person, token = seed_agenda()
    client = Client()
    client.force_login(person)
    pages = {"floor (charter page)": "/charter/", "calendar feed": f"/calendar/{token}.ics"}
    results = {name: _measure(client, url) for name, url in pages.items()}
    # Built every time (no cached text): what a change costs, once, to the next client.
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    ):
        results["calendar feed, uncached"] = _measure(Client(), pages["calendar feed"])
    floor = results["floor (charter page)"][0]
    body = Client().get(f"/calendar/{token}.ics").content
    items = len(Calendar.from_ical(body).walk("VEVENT"))
    print(
        f"\n{EVENTS} events, {items} in the feed ({len(body):,} bytes), {ROUNDS} rounds, "
        f"{connection.vendor}"
    )
    print(f"{'page':<24}{'median ms':>11}{'p95 ms':>9}{'queries':>9}{'× floor':>9}")
    for name, (median, p95, queries) in results.items():
        print(f"{name:<24}{median:>11.1f}{p95:>9.1f}{queries:>9}{median / floor:>9.1f}")
    assert results["calendar feed"][2] <= 6
