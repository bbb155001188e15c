"""Benchmark of the people pages against the framework floor (run with `make bench`).

Size: RUCHER_BENCH_PEOPLE (default 2,000). Prints median and p95 server time, SQL queries and
the ratio to an empty authenticated page through the same middleware stack.
"""

import os
import statistics
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rucher.accounts.models import DeclaredSkill, User
from rucher.core.factories import password_hash

PEOPLE = int(os.environ.get("RUCHER_BENCH_PEOPLE", "2000"))
ROUNDS = int(os.environ.get("RUCHER_BENCH_ROUNDS", "30"))


def _seed() -> User:
    pw = password_hash()
    people = [
        User(
            username=f"bench{i}",
            email=f"bench{i}@example.org",
            display_name=f"Bench {i:06d}",
            sort_name=f"bench {i:06d}",
            password=pw,
            department=f"Dept {i % 12}",
            site=f"Site {i % 7}",
            accepted_charter_version=1_000_000,
            profile_completeness=(i * 7) % 101,
        )
        for i in range(PEOPLE)
    ]
    User.objects.bulk_create(people, batch_size=1000)
    ids = list(User.objects.values_list("id", flat=True))
    DeclaredSkill.objects.bulk_create(
        [DeclaredSkill(person_id=pk, name=f"skill{pk % 40}", slug=f"skill{pk % 40}") for pk in ids],
        batch_size=1000,
    )
    return User.objects.get(username="bench0")


def _measure(client: Client, url: str) -> tuple[float, float, int]:
    times = []
    queries = 0
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
        queries = len(ctx.captured_queries)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], queries


@pytest.mark.django_db
def test_people_pages_against_floor():
    viewer = _seed()
    client = Client()
    client.force_login(viewer)
    pages = {
        "floor (charter page)": "/charter/",
        "directory": "/people/",
        "directory, filtered": "/people/?department=Dept+3&skill=skill7",
        "profile": "/people/bench42/",
        "home": "/",
    }
    results = {name: _measure(client, url) for name, url in pages.items()}
    floor = results["floor (charter page)"][0]
    print(f"\n{PEOPLE} people, {ROUNDS} rounds, {connection.vendor}")
    print(f"{'page':<24}{'median ms':>11}{'p95 ms':>9}{'queries':>9}{'× floor':>9}")
    for name, (median, p95, queries) in results.items():
        print(f"{name:<24}{median:>11.1f}{p95:>9.1f}{queries:>9}{median / floor:>9.1f}")
    # Query counts must not depend on the data size.
    assert results["directory"][2] <= 8
