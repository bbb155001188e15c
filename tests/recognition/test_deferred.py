"""RUCHER_DEFERRED_RECOGNITION (production's default): a new post's and a post like's points,
reputation and first contribution are granted by one background task after commit — exactly
once, nothing for a like undone or a post deleted before the task ran — and points_check stays
exact. The rules themselves are tested in the request (the tests' default)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions
from rucher.actions import tasks
from rucher.communities.models import Membership
from rucher.content.models import Tag
from rucher.core.factories import PersonFactory
from rucher.core.testing import run_queued_tasks
from rucher.notifications.models import Notification
from rucher.recognition.models import PersonScore, PointsEntry, PointsReason, ReputationEvent
from rucher.recognition.points import points_check

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _deferred(settings):
    settings.RUCHER_DEFERRED_RECOGNITION = True


@pytest.fixture
def drain(django_capture_on_commit_callbacks):
    """Runs the queued tasks as a worker would, each with its own commits (their on-commit
    enqueues included: badges, first-contribution notices)."""

    def run() -> None:
        for _ in range(5):
            with django_capture_on_commit_callbacks(execute=True):
                if not run_queued_tasks():
                    return

    return run


def _newcomer(world, username):
    person = PersonFactory(username=username)
    Membership.objects.create(community=world.communities["open"], person=person)
    return person


def _publish(author, community, capture, **extra):
    with capture(execute=True):
        return post_actions.post_publish(
            author=author, communities=[community], title="Hello", body="Hi", **extra
        )


def _points(person, reason=None):
    qs = PointsEntry.objects.filter(person=person)
    if reason is not None:
        qs = qs.filter(reason=reason)
    return sum(qs.values_list("points", flat=True))


def test_a_new_post_earns_its_points_after_commit_once(
    world, drain, django_capture_on_commit_callbacks
):
    author = _newcomer(world, "newcomer")
    club = world.communities["open"]
    post = _publish(author, club, django_capture_on_commit_callbacks)
    assert _points(author) == 0  # nothing in the request
    drain()
    assert _points(author, PointsReason.POST) == 5
    assert _points(author, PointsReason.FIRST_CONTRIBUTION) == 10
    assert Notification.objects.filter(kind="first_contribution", post=post).exists()
    # A retried task grants nothing twice.
    tasks.post_published_effects.call(post.pk)
    drain()
    assert _points(author) == 15
    assert PersonScore.objects.get(person=author).total == 15
    assert points_check() == []


def test_a_like_earns_points_reputation_and_a_notification_once(
    world, drain, django_capture_on_commit_callbacks
):
    author, liker = world.people["member"], world.people["ambassador"]
    club = world.communities["open"]
    post = _publish(author, club, django_capture_on_commit_callbacks, tags=["budget"])
    drain()
    before = _points(author)
    with django_capture_on_commit_callbacks(execute=True):
        state = like_actions.post_like(person=liker, post=post)
    assert state.changed and state.liked
    assert _points(author) == before  # granted after commit, not in the request
    drain()
    assert _points(author, PointsReason.LIKE_RECEIVED) == 2
    tag = Tag.objects.get(slug="budget")
    assert ReputationEvent.objects.filter(person=author, tag=tag, liker=liker).count() == 1
    assert Notification.objects.filter(recipient=author, kind="like", post=post).count() == 1
    tasks.post_liked_effects.call(post.pk, liker.pk)  # a retry
    drain()
    assert _points(author, PointsReason.LIKE_RECEIVED) == 2
    assert ReputationEvent.objects.filter(person=author, tag=tag, liker=liker).count() == 1
    assert Notification.objects.filter(recipient=author, kind="like", post=post).count() == 1
    assert points_check() == []


def test_a_like_undone_before_the_task_earns_nothing(
    world, drain, django_capture_on_commit_callbacks
):
    author, liker = world.people["member"], world.people["ambassador"]
    post = _publish(author, world.communities["open"], django_capture_on_commit_callbacks)
    drain()
    before = _points(author)
    with django_capture_on_commit_callbacks(execute=True):
        like_actions.post_like(person=liker, post=post)
        like_actions.post_unlike(person=liker, post=post)
    drain()
    assert _points(author) == before
    assert not PointsEntry.objects.filter(reason=PointsReason.LIKE_RECEIVED, post=post).exists()
    assert points_check() == []


def test_a_post_deleted_before_the_task_earns_nothing(
    world, drain, django_capture_on_commit_callbacks
):
    author = _newcomer(world, "quick")
    post = _publish(author, world.communities["open"], django_capture_on_commit_callbacks)
    post_actions.post_remove(actor=author, post=post)
    drain()
    assert _points(author) == 0
    assert points_check() == []


def test_the_writes_run_fewer_queries_deferred(world, settings, django_capture_on_commit_callbacks):
    author, liker = world.people["member"], world.people["ambassador"]
    club = world.communities["open"]
    counts = {}
    for deferred in (False, True):
        settings.RUCHER_DEFERRED_RECOGNITION = deferred
        with CaptureQueriesContext(connection) as publish:
            post = _publish(author, club, django_capture_on_commit_callbacks, tags=["x"])
        with CaptureQueriesContext(connection) as like:
            like_actions.post_like(person=liker, post=post)
        counts[deferred] = (len(publish.captured_queries), len(like.captured_queries))
    assert counts[True][0] < counts[False][0]
    assert counts[True][1] < counts[False][1]
