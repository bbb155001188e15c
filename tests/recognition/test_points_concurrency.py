"""Concurrent likes and unlikes on PostgreSQL: the points ledger, the totals and the caps stay
exact (each write locks the beneficiary's score row first)."""

import pytest
from django.db import connection

from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions
from rucher.communities.models import Community, Membership
from rucher.content.models import Post, PostLike
from rucher.core.factories import PersonFactory
from rucher.recognition import points
from rucher.recognition.models import PersonScore, PointsEntry, PointsValue
from rucher.recognition.periods import period_scores_check
from tests.recognition.helpers import run_in_threads

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises writers: nothing to race"
    ),
]

R = PointsEntry.Reason


def _world(n_posts, n_likers):
    author = PersonFactory(username="author")
    likers = [PersonFactory(username=f"liker{i}") for i in range(n_likers)]
    community = Community.objects.create(name="Open", slug="open-points-race")
    Membership.objects.create(community=community, person=author, role="owner")
    posts = [
        post_actions.post_publish(author=author, communities=[community], body=f"Post {i}")
        for i in range(n_posts)
    ]
    return author, likers, posts


def _score(person):
    return PersonScore.objects.get(person=person).total


def _like_points(person):
    return sum(
        points.live_grants(
            PointsEntry.objects.filter(person=person, reason=R.LIKE_RECEIVED)
        ).values_list("points", flat=True)
    )


def test_concurrent_likes_and_unlikes_on_several_posts_keep_the_ledger_exact(settings):
    settings.RUCHER_POINTS_PAIR_DAILY_CAP = 100
    PointsValue.objects.create(reason=R.LIKE_RECEIVED, points=2, daily_cap=0)
    author, likers, posts = _world(n_posts=3, n_likers=4)
    base = _score(author)

    def like(person, post):
        return lambda: like_actions.post_like(person=person, post=Post.objects.get(pk=post.pk))

    def unlike(person, post):
        return lambda: like_actions.post_unlike(person=person, post=Post.objects.get(pk=post.pk))

    # Everyone likes every post, twice at once.
    jobs = [like(p, post) for p in likers for post in posts]
    assert run_in_threads(jobs + jobs) == []
    assert _score(author) == base + 2 * len(likers) * len(posts)
    # Unlikes and likes again race each other on every post.
    jobs = [unlike(p, post) for p in likers[:2] for post in posts]
    jobs += [like(p, post) for p in likers[2:] for post in posts]
    jobs += [unlike(p, post) for p in likers[3:] for post in posts]
    assert run_in_threads(jobs) == []
    expected = 2 * PostLike.objects.filter(post__author=author).count()
    assert _like_points(author) == expected
    assert _score(author) == base + expected
    assert points.points_check() == []
    assert period_scores_check() == []


def test_the_pair_cap_holds_under_concurrent_likes(settings):
    settings.RUCHER_POINTS_PAIR_DAILY_CAP = 3
    author, likers, posts = _world(n_posts=6, n_likers=1)
    liker = likers[0]
    base = _score(author)
    jobs = [
        (lambda post=post: like_actions.post_like(person=liker, post=Post.objects.get(pk=post.pk)))
        for post in posts
    ]
    assert run_in_threads(jobs) == []
    assert PostLike.objects.filter(person=liker).count() == 6
    assert _score(author) == base + 3 * points.points_value(R.LIKE_RECEIVED)
    assert points.points_check() == []
    assert period_scores_check() == []


def test_the_daily_cap_holds_under_concurrent_grants():
    PointsValue.objects.create(reason=R.COMMENT, points=4, daily_cap=10)
    person = PersonFactory(username="busy")

    def grant(i):
        return lambda: points.points_grant(person_id=person.pk, reason=R.COMMENT, key=f"c:{i}")

    assert run_in_threads([grant(i) for i in range(8)]) == []
    assert _score(person) == 10
    assert points.points_check() == []
    assert period_scores_check() == []
