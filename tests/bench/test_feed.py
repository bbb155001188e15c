"""Benchmark of the home feed and of post creation (run with `make bench`).

Size: RUCHER_BENCH_POSTS (default 2,000) posts across RUCHER_BENCH_COMMUNITIES (default 20)
communities, a tenth cross-posted. Prints median and p95 server time and SQL queries of the
home page, GET /api/v1/feed and its second page, and the time to publish a post.
"""

import os
import statistics
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rucher.accounts.models import Follow, User
from rucher.accounts.services import token_create
from rucher.communities.models import Community, Membership
from rucher.content.models import Post, PostCommunity
from rucher.core.factories import password_hash

POSTS = int(os.environ.get("RUCHER_BENCH_POSTS", "2000"))
COMMUNITIES = int(os.environ.get("RUCHER_BENCH_COMMUNITIES", "20"))
PEOPLE = 200
ROUNDS = int(os.environ.get("RUCHER_BENCH_ROUNDS", "30"))


def _seed() -> tuple[User, list[Community]]:
    pw = password_hash()
    User.objects.bulk_create(
        [
            User(
                username=f"bench{i}",
                email=f"bench{i}@example.org",
                display_name=f"Bench {i:04d}",
                sort_name=f"bench {i:04d}",
                password=pw,
                accepted_charter_version=1_000_000,
            )
            for i in range(PEOPLE)
        ],
        batch_size=1000,
    )
    people = list(User.objects.order_by("id"))
    visibilities = ["open", "private", "secret", "open"]
    Community.objects.bulk_create(
        [
            Community(
                name=f"Bench community {i}",
                sort_name=f"bench community {i}",
                slug=f"bench-{i}",
                visibility=visibilities[i % 4],
            )
            for i in range(COMMUNITIES)
        ]
    )
    communities = list(Community.objects.order_by("id"))
    Membership.objects.bulk_create(
        [
            Membership(
                community=c,
                person=p,
                role=Membership.Role.OWNER if j == 0 else Membership.Role.MEMBER,
            )
            for i, c in enumerate(communities)
            for j, p in enumerate(people)
            if (j + i) % 3 == 0 or j == 0
        ],
        batch_size=2000,
    )
    viewer = people[0]
    Follow.objects.bulk_create([Follow(follower=viewer, followee=p) for p in people[1:20]])
    now = timezone.now()
    posts = Post.objects.bulk_create(
        [
            Post(
                author=people[i % PEOPLE],
                title=f"Post {i}",
                body=f"Body of post {i}",
                body_html=f"<p>Body of post {i}</p>",
                like_count=i % 7,
                comment_count=i % 5,
            )
            for i in range(POSTS)
        ],
        batch_size=1000,
    )
    # bulk_create sets created_at to now for all: spread them over time instead.
    for i, post in enumerate(posts):
        post.created_at = now - timedelta(minutes=i)
    Post.objects.bulk_update(posts, ["created_at"], batch_size=1000)
    placements = []
    for i, post in enumerate(posts):
        placements.append(
            PostCommunity(
                post=post, community=communities[i % COMMUNITIES], created_at=post.created_at
            )
        )
        if i % 10 == 0:
            placements.append(
                PostCommunity(
                    post=post,
                    community=communities[(i + 7) % COMMUNITIES],
                    created_at=post.created_at,
                    featured_at=now if i % 100 == 0 else None,
                    pinned_at=now if i % 400 == 0 else None,
                )
            )
    PostCommunity.objects.bulk_create(placements, batch_size=2000)
    return viewer, communities


def _measure(call) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    times, queries = [], 0
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 201), response.content[:200]
        queries = len(ctx.captured_queries)
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)], queries


@pytest.mark.django_db
def test_home_feed_and_post_creation():
    viewer, communities = _seed()
    web = Client()
    web.force_login(viewer)
    _token, raw = token_create(person=viewer, name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    second = api.get("/api/v1/feed").json()["next"]
    member_of = [
        c.slug
        for c in communities
        if Membership.objects.filter(community=c, person=viewer).exists()
    ]
    counter = iter(range(10**6))
    results = {
        "floor (charter page)": _measure(lambda: web.get("/charter/")),
        "home": _measure(lambda: web.get("/")),
        "home, load more (htmx)": _measure(
            lambda: web.get(f"/?cursor={second}", HTTP_HX_REQUEST="true")
        ),
        "api feed": _measure(lambda: api.get("/api/v1/feed")),
        "api feed, limit 100": _measure(lambda: api.get("/api/v1/feed?limit=100")),
        "api feed, page 2": _measure(lambda: api.get(f"/api/v1/feed?cursor={second}")),
        "post creation (api)": _measure(
            lambda: api.post(
                "/api/v1/posts",
                {"communities": member_of[:2], "body": f"New post {next(counter)} #bench"},
                content_type="application/json",
            )
        ),
    }
    floor = results["floor (charter page)"][0]
    print(f"\n{POSTS} posts in {COMMUNITIES} communities, {ROUNDS} rounds, {connection.vendor}")
    print(f"{'request':<26}{'median ms':>11}{'p95 ms':>9}{'queries':>9}{'× floor':>9}")
    for name, (median, p95, queries) in results.items():
        print(f"{name:<26}{median:>11.1f}{p95:>9.1f}{queries:>9}{median / floor:>9.1f}")
    assert results["api feed"][2] == results["api feed, limit 100"][2]
