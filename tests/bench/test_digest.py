"""Benchmark of the weekly digest (F-DIGEST) for a whole organisation (run with `make bench`).

Size: RUCHER_BENCH_DIGEST_PEOPLE (default 10,000) people, each a member of ~20 of
RUCHER_BENCH_DIGEST_COMMUNITIES (default 300) communities, RUCHER_BENCH_DIGEST_POSTS (default
6,000) posts over the week (a tenth cross-posted), 300 open questions, a declared skill each,
and a weekly-digest notification each. Measures `digests_enqueue` and the batches it enqueues
(each digest rendered into the outbox; nothing is sent over SMTP), then prints the total and
per-person times and the SQL queries per person.
"""

import os
import time
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from rucher.accounts.models import DeclaredSkill, User
from rucher.communities.models import Community
from rucher.content.models import Post, PostCommunity, Tag
from rucher.core.factories import password_hash
from rucher.core.testing import run_queued_tasks
from rucher.mail import digests
from rucher.mail.models import DigestRun, OutboxMessage
from rucher.notifications.models import Notification
from rucher.qa.models import Question

PEOPLE = int(os.environ.get("RUCHER_BENCH_DIGEST_PEOPLE", "10000"))
COMMUNITIES = int(os.environ.get("RUCHER_BENCH_DIGEST_COMMUNITIES", "300"))
POSTS = int(os.environ.get("RUCHER_BENCH_DIGEST_POSTS", "6000"))
PER_PERSON = 20
QUESTIONS = 300
SKILLS = 40
# A Monday, 07:30 in Paris: the weekly digest is due.
NOW = datetime(2026, 5, 11, 7, 30, tzinfo=ZoneInfo("Europe/Paris"))


def _memberships(first_person: int, first_community: int) -> None:
    """Person j is a member of the 20 communities (7j + 13k) mod COMMUNITIES, k < 20 (a
    different set each): one INSERT … SELECT, 200,000 rows without building model objects."""
    n = COMMUNITIES
    # `%%` is SQL's modulo once the driver has put the parameters in.
    d = f"((((c.id - %s) - (u.id - %s) * 7) %% {n}) + {n}) %% {n}"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO communities_membership (community_id, person_id, role, status, created_at)"
            f" SELECT c.id, u.id, 'member', 'member', %s"
            " FROM accounts_user u CROSS JOIN communities_community c"
            " WHERE u.username LIKE 'digest%%' AND c.slug LIKE 'digest-%%'"
            f" AND u.id >= %s AND c.id >= %s AND {d} %% 13 = 0 AND {d} / 13 < {PER_PERSON}",
            [NOW, first_person, first_community] + [first_community, first_person] * 2,
        )


def _seed() -> None:
    pw = password_hash()
    User.objects.bulk_create(
        [
            User(
                username=f"digest{i}",
                email=f"digest{i}@example.org",
                display_name=f"Digest {i:05d}",
                sort_name=f"digest {i:05d}",
                password=pw,
                language="fr" if i % 3 else "en",
                accepted_charter_version=1_000_000,
            )
            for i in range(PEOPLE)
        ],
        batch_size=2000,
    )
    people = list(
        User.objects.filter(username__startswith="digest")
        .order_by("id")
        .values_list("id", flat=True)
    )
    visibilities = ["open", "private", "secret", "open", "private"]
    Community.objects.bulk_create(
        [
            Community(
                name=f"Digest community {i}",
                sort_name=f"digest community {i}",
                slug=f"digest-{i}",
                visibility=visibilities[i % len(visibilities)],
            )
            for i in range(COMMUNITIES)
        ]
    )
    # (The installation's default communities are left out: nobody here is in them.)
    communities = list(
        Community.objects.filter(slug__startswith="digest-")
        .order_by("id")
        .values_list("id", flat=True)
    )
    _memberships(people[0], communities[0])
    week = timedelta(days=7)
    times = iter([NOW - week + week * (i + 1) / (POSTS + 1) for i in range(POSTS)])
    # created_at is auto_now_add: the clock gives each post its own time over the week.
    with mock.patch("django.utils.timezone.now", side_effect=lambda: next(times)):
        posts = Post.objects.bulk_create(
            [
                Post(
                    author_id=people[(i * 31) % PEOPLE],
                    kind=Post.Kind.QUESTION if i < QUESTIONS else Post.Kind.POST,
                    title=f"Digest post {i}",
                    body=f"Body of digest post {i}, with a few more words to excerpt.",
                    body_html=f"<p>Body of digest post {i}, with a few more words to excerpt.</p>",
                    like_count=(i * 17) % 11,
                )
                for i in range(POSTS)
            ],
            batch_size=2000,
        )
    placements = []
    for i, post in enumerate(posts):
        placements.append(
            PostCommunity(
                post=post, community_id=communities[i % COMMUNITIES], created_at=post.created_at
            )
        )
        if i % 10 == 0:
            placements.append(
                PostCommunity(
                    post=post,
                    community_id=communities[(i + 7) % COMMUNITIES],
                    created_at=post.created_at,
                )
            )
    PostCommunity.objects.bulk_create(placements, batch_size=5000)
    Tag.objects.bulk_create([Tag(name=f"skill{s}", slug=f"skill{s}") for s in range(SKILLS)])
    tags = list(Tag.objects.order_by("id").values_list("id", flat=True))
    through = Post.tags.through
    through.objects.bulk_create(
        [through(post_id=post.pk, tag_id=tags[i % SKILLS]) for i, post in enumerate(posts)],
        batch_size=5000,
    )
    Question.objects.bulk_create(
        [
            Question(post=post, asked_at=post.created_at, due_at=post.created_at + week)
            for post in posts[:QUESTIONS]
        ]
    )
    DeclaredSkill.objects.bulk_create(
        [
            DeclaredSkill(person_id=pk, name=f"s{pk % SKILLS}", slug=f"skill{pk % SKILLS}")
            for pk in people
        ],
        batch_size=5000,
    )
    # One like notification each (weekly by default), about a post in an open community.
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=Notification.Kind.LIKE,
                actor_id=people[(j + 1) % PEOPLE],
                post_id=posts[(j * 3) % POSTS].pk,
                key=f"bench-like:{pk}",
            )
            for j, pk in enumerate(people)
        ],
        batch_size=5000,
    )
    Notification.objects.update(created_at=NOW - timedelta(days=1))


@pytest.mark.django_db
def test_weekly_digest_for_the_whole_organisation(django_capture_on_commit_callbacks):
    start = time.perf_counter()
    _seed()
    seeded = time.perf_counter() - start

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        with django_capture_on_commit_callbacks(execute=True):
            enqueued = digests.digests_enqueue(period="weekly", now=NOW)
        enqueue_time = time.perf_counter() - start
        start = time.perf_counter()
        # The outbox rows' own send tasks are registered on commit and never run here: this
        # measures building and queuing the digests, not SMTP.
        batches = run_queued_tasks(max_rounds=10_000)
        batch_time = time.perf_counter() - start

    total = enqueue_time + batch_time
    sent = OutboxMessage.objects.filter(kind="digest_weekly").count()
    print(
        f"\nweekly digest, {connection.vendor}: {PEOPLE} people, {COMMUNITIES} communities, "
        f"{POSTS} posts (seeded in {seeded:.1f} s)"
    )
    print(f"enqueue: {enqueue_time * 1000:.0f} ms for {enqueued} people in {batches} batches")
    print(f"batches: {batch_time:.1f} s, {sent} digests queued")
    print(
        f"total:   {total:.1f} s, {total / PEOPLE * 1000:.2f} ms per person, "
        f"{queries / PEOPLE:.1f} queries per person"
    )
    assert enqueued == PEOPLE
    assert batches == -(-PEOPLE // digests.BATCH_SIZE)
    assert DigestRun.objects.count() == PEOPLE
    assert sent == DigestRun.objects.filter(sent=True).count() > PEOPLE * 0.9

    # A second hourly run finds every run: nothing more to do.
    with django_capture_on_commit_callbacks(execute=True):
        assert digests.digests_enqueue(period="weekly", now=NOW + timedelta(hours=1)) == 0
