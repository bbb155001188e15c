"""Benchmark of the analytics dashboard and the nightly rollup (run with `make bench`'s pytest
micro-benchmarks: `RUCHER_BENCH=1 pytest tests/bench/test_analytics.py -s`).

Size: RUCHER_BENCH_ANALYTICS_PEOPLE people (default 10,000) in RUCHER_BENCH_ANALYTICS_COMMUNITIES
communities (default 500), 180 days of activity facts (each person active on about a third of
the days), contributions and rollups (two 90-day periods: the dashboard compares them). Then
one day of content at the large seed's rate (1,000,000 posts over two years: about 1,400 posts,
4,100 comments and 6,800 likes a day) for the nightly rollup of one day.

Prints the median and p95 time and the queries of: a floor (an authenticated page of the
layout), the administrator's dashboard over 7, 30 and 90 days, a manager's dashboard, the API
overview; the rollup of one day, and the projection of a two-year rebuild.
"""

import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rucher.accounts.models import User
from rucher.analytics.facts import day_bounds, local_day
from rucher.analytics.models import ActivityDay, CommunityDay, ContributionDay
from rucher.analytics.rollups import rollup_day
from rucher.communities.models import Community, Membership
from rucher.content.models import Comment, Post, PostCommunity, PostLike
from rucher.core.factories import password_hash

PEOPLE = int(os.environ.get("RUCHER_BENCH_ANALYTICS_PEOPLE", "10000"))
COMMUNITIES = int(os.environ.get("RUCHER_BENCH_ANALYTICS_COMMUNITIES", "500"))
DAYS = 180
ROUNDS = int(os.environ.get("RUCHER_BENCH_ROUNDS", "15"))
POSTS_PER_DAY, COMMENTS_PER_DAY, LIKES_PER_DAY = 1_400, 4_100, 6_800


def _seed(today: Any) -> tuple[list[int], list[int]]:
    rng = random.Random(20)
    pw = password_hash()
    departments = ["Finance", "Ventes", "R&D", "Production", "RH", "DSI", "Marketing"]
    sites = ["Paris", "Lyon", "Nantes", "Lille", "Toulouse"]
    User.objects.bulk_create(
        [
            User(
                username=f"active{i}",
                email=f"active{i}@example.org",
                display_name=f"Active {i:05d}",
                sort_name=f"active {i:05d}",
                password=pw,
                department=departments[i % len(departments)],
                site=sites[i % len(sites)],
                accepted_charter_version=1_000_000,
                is_staff=i == 0,
            )
            for i in range(PEOPLE)
        ],
        batch_size=2000,
    )
    people = list(User.objects.order_by("id").values_list("id", flat=True))
    Community.objects.bulk_create(
        [
            Community(name=f"Club {i}", sort_name=f"club {i}", slug=f"club-{i}")
            for i in range(COMMUNITIES)
        ]
    )
    communities = list(Community.objects.order_by("id").values_list("id", flat=True))
    Membership.objects.bulk_create(
        [
            Membership(
                person_id=person,
                community_id=community,
                role="manager" if n == 0 and k == 0 else "member",
            )
            for n, person in enumerate(people)
            for k, community in enumerate(rng.sample(communities, 10))
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    first = today - timedelta(days=DAYS)
    facts, contributions, rollups = [], [], []
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        for person in people:
            if rng.random() < 0.33:
                facts.append(ActivityDay.of(person, day))
        for person in rng.sample(people, PEOPLE // 20):
            contributions.append(
                ContributionDay(
                    person_id=person, community_id=rng.choice(communities), day=day,
                    posts=rng.randint(0, 2), comments=rng.randint(0, 4), likes=rng.randint(0, 6),
                )
            )  # fmt: skip
        now = datetime.now().astimezone()
        for community in [None, *communities]:
            rollups.append(
                CommunityDay(
                    community_id=community, day=day, posts=rng.randint(0, 9),
                    comments=rng.randint(0, 20), likes=rng.randint(0, 30),
                    questions=2, answered=1, promised=2, answered_within_promise=1,
                    answer_hours=[rng.uniform(0, 20)], members=200, active_members=60,
                    built_at=now,
                )
            )  # fmt: skip
        if len(facts) > 50_000:
            ActivityDay.objects.bulk_create(facts, batch_size=10_000)
            facts = []
    ActivityDay.objects.bulk_create(facts, batch_size=10_000)
    ContributionDay.objects.bulk_create(contributions, batch_size=10_000)
    CommunityDay.objects.bulk_create(rollups, batch_size=10_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return people, communities


def _one_day_of_content(day: Any, people: list[int], communities: list[int]) -> None:
    rng = random.Random(7)
    start, _end = day_bounds(day)
    seconds = lambda: start + timedelta(seconds=rng.randrange(86_000))  # noqa: E731
    posts = Post.objects.bulk_create(
        [
            Post(author_id=rng.choice(people), body="x", created_at=seconds())
            for _ in range(POSTS_PER_DAY)
        ]
    )
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(created_at=start + timedelta(hours=9))
    PostCommunity.objects.bulk_create(
        [
            PostCommunity(post=p, community_id=rng.choice(communities), created_at=start)
            for p in posts
        ]
    )
    comments = Comment.objects.bulk_create(
        [
            Comment(post=rng.choice(posts), author_id=rng.choice(people), body="y")
            for _ in range(COMMENTS_PER_DAY)
        ]
    )
    Comment.objects.filter(pk__in=[c.pk for c in comments]).update(
        created_at=start + timedelta(hours=11)
    )
    likes = PostLike.objects.bulk_create(
        [
            PostLike(post=rng.choice(posts), person_id=rng.choice(people))
            for _ in range(LIKES_PER_DAY)
        ],
        ignore_conflicts=True,
    )
    PostLike.objects.filter(created_at__gte=start).update(created_at=start + timedelta(hours=12))
    assert likes


def _measure(call: Callable[[], Any], rounds: int = ROUNDS) -> tuple[float, float, int]:
    times, queries = [], 0
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            result = call()
            times.append((time.perf_counter() - start) * 1000)
        if hasattr(result, "status_code"):
            assert result.status_code == 200, result.content[:200]
        queries = len(ctx.captured_queries)
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)], queries


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_dashboard_and_the_rollup_on_a_large_network():
    today = local_day()
    started = time.perf_counter()
    people, communities = _seed(today)
    seeded = time.perf_counter() - started
    admin = Client()
    admin.force_login(User.objects.get(pk=people[0]))
    manager = Client()
    manager.force_login(User.objects.get(pk=people[1]))
    Membership.objects.filter(person_id=people[1]).update(role="manager")
    admin.get("/analytics/")
    manager.get("/analytics/")
    results = {
        "floor (settings page)": _measure(lambda: admin.get("/settings/")),
        "dashboard, 7 days": _measure(lambda: admin.get("/analytics/?period=7")),
        "dashboard, 30 days": _measure(lambda: admin.get("/analytics/?period=30")),
        "dashboard, 90 days": _measure(lambda: admin.get("/analytics/?period=90")),
        "dashboard, manager, 90 days": _measure(lambda: manager.get("/analytics/?period=90")),
        "API overview, 90 days": _measure(
            lambda: admin.get(f"/api/v1/analytics/overview?since={today - timedelta(days=90)}")
        ),
        "public numbers (/stats/)": _measure(lambda: admin.get("/stats/")),
    }
    day = today - timedelta(days=DAYS + 1)
    _one_day_of_content(day, people, communities)
    rollup = _measure(lambda: rollup_day(day=day), rounds=3)
    print(
        f"\n{PEOPLE} people, {COMMUNITIES} communities, {DAYS} days of facts "
        f"({ActivityDay.objects.count()} activity facts), {connection.vendor}, "
        f"seeded in {seeded:.0f} s, {ROUNDS} rounds"
    )
    print(f"{'page':<32}{'median ms':>11}{'p95 ms':>9}{'queries':>9}{'× floor':>9}")
    floor = results["floor (settings page)"][0]
    for name, (median, p95, queries) in results.items():
        print(f"{name:<32}{median:>11.1f}{p95:>9.1f}{queries:>9}{median / floor:>9.1f}")
    print(
        f"rollup of one day ({POSTS_PER_DAY} posts, {COMMENTS_PER_DAY} comments, "
        f"{LIKES_PER_DAY} likes): median {rollup[0]:.0f} ms, {rollup[2]} queries; "
        f"two years rebuilt: about {730 * rollup[0] / 60_000:.1f} min"
    )
    assert results["dashboard, 90 days"][2] == results["dashboard, 7 days"][2]
