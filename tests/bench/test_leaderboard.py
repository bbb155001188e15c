"""Benchmark of the leaderboards (run with `make bench`, or
`RUCHER_BENCH=1 pytest tests/bench/test_leaderboard.py -s`).

Size: RUCHER_BENCH_RANKED_PEOPLE people (default 10,000) and RUCHER_BENCH_LEDGER points
entries (default 1,000,000) spread over the last year in RUCHER_BENCH_LEDGER_COMMUNITIES
communities (default 100), a few people excluded; PersonScore totals computed from the ledger.
Seeding a million rows takes a few minutes. Prints the median and p95 time and the SQL queries
of each board (the service, then GET /api/v1/leaderboard), a second page, a person's rank,
the weekly freeze's query, and the query plan of the week board.
"""

import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rucher.accounts.models import User
from rucher.accounts.services import token_create
from rucher.communities.models import Community
from rucher.core.factories import password_hash
from rucher.recognition import leaderboard as boards
from rucher.recognition.models import PersonScore, PointsEntry
from rucher.recognition.periods import period_scores_rebuild

PEOPLE = int(os.environ.get("RUCHER_BENCH_RANKED_PEOPLE", "10000"))
LEDGER = int(os.environ.get("RUCHER_BENCH_LEDGER", "1000000"))
COMMUNITIES = int(os.environ.get("RUCHER_BENCH_LEDGER_COMMUNITIES", "100"))
ROUNDS = int(os.environ.get("RUCHER_BENCH_ROUNDS", "15"))
BATCH = 20_000
YEAR_SECONDS = 365 * 24 * 3600


def _seed(now: Any) -> tuple[list[int], list[Community]]:
    pw = password_hash()
    User.objects.bulk_create(
        [
            User(
                username=f"ranked{i}",
                email=f"ranked{i}@example.org",
                display_name=f"Ranked {i:05d}",
                sort_name=f"ranked {i:05d}",
                password=pw,
                accepted_charter_version=1_000_000,
            )
            for i in range(PEOPLE)
        ],
        batch_size=2000,
    )
    ids = list(User.objects.order_by("id").values_list("id", flat=True))
    Community.objects.bulk_create(
        [
            Community(name=f"Ranked club {i}", sort_name=f"ranked club {i}", slug=f"ranked-{i}")
            for i in range(COMMUNITIES)
        ]
    )
    communities = list(Community.objects.order_by("id"))
    community_ids = [c.pk for c in communities]
    rng = random.Random(5)
    reasons = ["post", "comment", "like_received", "answer", "answer_accepted"]
    written = 0
    while written < LEDGER:
        size = min(BATCH, LEDGER - written)
        rows = []
        for i in range(size):
            n = written + i
            # A long tail: a few people earn much, most earn little.
            person = ids[int(len(ids) * rng.random() ** 2)]
            rows.append(
                PointsEntry(
                    person_id=person,
                    reason=reasons[n % len(reasons)],
                    points=rng.choice((1, 2, 2, 5, 5, 10, 15)),
                    key=f"bench:{n}",
                    community_id=community_ids[n % len(community_ids)],
                    created_at=now - timedelta(seconds=rng.randrange(YEAR_SECONDS)),
                )
            )
        PointsEntry.objects.bulk_create(rows, batch_size=5000)
        written += size
    totals = PointsEntry.objects.values("person_id").annotate(total=Sum("points"))
    PersonScore.objects.bulk_create(
        [PersonScore(person_id=r["person_id"], total=r["total"]) for r in totals],
        batch_size=5000,
    )
    PersonScore.objects.filter(person_id__in=ids[:5]).update(excluded=True)
    period_scores_rebuild()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Index-only scans need the visibility map: what autovacuum does in production.
            cursor.execute("VACUUM ANALYZE recognition_pointsentry")
            cursor.execute("VACUUM ANALYZE recognition_personscore")
            cursor.execute("VACUUM ANALYZE recognition_periodscore")
        else:
            cursor.execute("ANALYZE")
    return ids, communities


def _measure(call: Callable[[], Any]) -> tuple[float, float, int]:
    times, queries = [], 0
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            result = call()
            times.append((time.perf_counter() - start) * 1000)
        if hasattr(result, "status_code"):
            assert result.status_code == 200, result.content[:200]
        queries = len(ctx.captured_queries)
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)], queries


def _plan(now: Any) -> str:
    start = boards.period_start("week", now)
    totals = boards._ledger_totals(start=start, until=now, community_id=None)
    qs = totals.order_by("-total", "who")[:21]
    return qs.explain()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_leaderboards_on_a_large_ledger():
    now = timezone.now()
    started = time.perf_counter()
    ids, communities = _seed(now)
    seeded = time.perf_counter() - started
    # Boards read at the end of their period, so that they hold a full week or month: a
    # Sunday 23:30 and the last day of the previous month, 23:30 (organisation time zone).
    local_now = timezone.localtime(now, timezone.get_default_timezone())
    sunday = local_now - timedelta(days=(local_now.weekday() + 1) % 7 or 7)
    sunday = sunday.replace(hour=23, minute=30, second=0, microsecond=0)
    month_end = local_now.replace(day=1, hour=23, minute=30, second=0, microsecond=0)
    month_end -= timedelta(days=1)
    clock = {"week": sunday, "month": month_end, "all": now}
    viewer = User.objects.get(pk=ids[len(ids) // 2])
    _token, raw = token_create(person=viewer, name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    club = communities[0]
    week2 = boards.leaderboard(period="week", now=sunday).next_cursor
    mid = User.objects.get(pk=ids[200])
    results = {}
    counted: dict[str, int] = {}
    for period in boards.PERIODS:
        at = clock[period]
        rows = PointsEntry.objects.filter(created_at__lte=at)
        start = boards.period_start(period, at)
        if start is not None:
            rows = rows.filter(created_at__gte=start)
        counted[period] = rows.count()
        results[f"{period}"] = _measure(lambda p=period, t=at: boards.leaderboard(period=p, now=t))
        results[f"{period}, one community"] = _measure(
            lambda p=period, t=at: boards.leaderboard(period=p, community=club, now=t)
        )
        results[f"{period}, rank of a person"] = _measure(
            lambda p=period, t=at: boards.person_rank(mid, p, now=t)
        )
    results["week, page 2"] = _measure(
        lambda: boards.leaderboard(period="week", now=sunday, cursor=week2)
    )
    results["week, limit 100"] = _measure(
        lambda: boards.leaderboard(period="week", now=sunday, limit=100)
    )
    results["profile score card"] = _measure(lambda: boards.score_card(mid, now=sunday))
    results["weekly top 3 query"] = _measure(
        lambda: boards.week_top(boards.last_freezable_week(now))
    )
    api.get("/api/v1/leaderboard")  # warms the token
    for period in boards.PERIODS:
        results[f"api {period}"] = _measure(
            lambda p=period: api.get(f"/api/v1/leaderboard?period={p}")
        )
    print(
        f"\n{PEOPLE} people, {LEDGER} ledger rows, {COMMUNITIES} communities, "
        f"{connection.vendor}, seeded in {seeded:.0f} s, {ROUNDS} rounds"
    )
    print(
        "ledger rows read: "
        + ", ".join(f"{period} {rows}" for period, rows in counted.items())
        + " (API calls: at the real time, in the current week and month)"
    )
    print(f"{'board':<30}{'median ms':>11}{'p95 ms':>9}{'queries':>9}")
    for name, (median, p95, queries) in results.items():
        print(f"{name:<30}{median:>11.1f}{p95:>9.1f}{queries:>9}")
    print("Plan of the week board:\n" + _plan(sunday))
    assert results["week"][2] == results["week, limit 100"][2]
