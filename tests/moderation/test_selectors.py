"""The moderators' queue: who sees which reports, in which order, for how many queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.communities import services as community_services
from rucher.core.factories import PersonFactory
from rucher.moderation import selectors, services
from tests.moderation.helpers import make_comment, make_post

pytestmark = pytest.mark.django_db


def _ids(page):
    return [r.pk for r in page.items]


def test_the_queue_shows_only_reports_in_communities_the_viewer_moderates(world, posts):
    other_owner = PersonFactory()
    other = community_services.community_create(
        creator=other_owner, name="Autre", kind="interest", visibility="open"
    )
    elsewhere = make_post(world.people["member"], other)
    mine = [
        services.report_create(reporter=world.people["member"], post=posts[v], reason="R")[0]
        for v in ("open", "private", "secret")
    ]
    theirs, _ = services.report_create(reporter=world.people["member"], post=elsewhere, reason="R")

    manager_queue = selectors.moderation_queue(world.people["manager"], cursor=None, limit=20)
    assert _ids(manager_queue) == [r.pk for r in reversed(mine)]
    other_queue = selectors.moderation_queue(other_owner, cursor=None, limit=20)
    assert _ids(other_queue) == [theirs.pk]
    admin_queue = selectors.moderation_queue(world.people["administrator"], cursor=None, limit=20)
    assert set(_ids(admin_queue)) == {theirs.pk, *(r.pk for r in mine)}
    for person in ("member", "ambassador", "outsider", "leaver"):
        assert _ids(selectors.moderation_queue(world.people[person], cursor=None, limit=20)) == []
        assert not selectors.is_moderator(world.people[person])
    assert selectors.is_moderator(world.people["manager"])
    assert selectors.is_moderator(world.people["administrator"])


def test_closed_reports_leave_the_queue(world, posts):
    kept, _ = services.report_create(
        reporter=world.people["member"], post=posts["open"], reason="R"
    )
    gone, _ = services.report_create(
        reporter=world.people["member"], post=posts["private"], reason="R"
    )
    dismissed, _ = services.report_create(
        reporter=world.people["ambassador"], post=posts["secret"], reason="R"
    )
    services.post_hide(actor=world.people["manager"], post=posts["private"])
    services.report_dismiss(actor=world.people["manager"], report=dismissed)
    page = selectors.moderation_queue(world.people["manager"], cursor=None, limit=20)
    assert _ids(page) == [kept.pk]
    assert gone.pk not in _ids(page)


def test_the_queue_pages_by_keyset(world, posts):
    reports = [
        services.report_create(reporter=PersonFactory(), post=posts["open"], reason=f"R{i}")[0]
        for i in range(5)
    ]
    first = selectors.moderation_queue(world.people["manager"], cursor=None, limit=2)
    second = selectors.moderation_queue(world.people["manager"], cursor=first.next_cursor, limit=2)
    third = selectors.moderation_queue(world.people["manager"], cursor=second.next_cursor, limit=2)
    assert _ids(first) + _ids(second) + _ids(third) == [r.pk for r in reversed(reports)]
    assert third.next_cursor is None


def test_a_cross_post_shows_only_communities_the_moderator_reads(world, posts):
    secret_only = community_services.community_create(
        creator=PersonFactory(), name="Projet X", kind="project", visibility="secret"
    )
    post = make_post(world.people["owner"], world.communities["open"], secret_only)
    services.report_create(reporter=world.people["member"], post=post, reason="R")
    page = selectors.moderation_queue(world.people["manager"], cursor=None, limit=20)
    assert [pc.community.slug for pc in page.items[0].post.placements.all()] == [
        world.communities["open"].slug
    ]


def _fill(world, posts, n):
    communities = list(world.communities.values())
    for i in range(n):
        post = make_post(world.people["owner"], communities[i % 3], communities[(i + 1) % 3])
        comment = make_comment(world.people["ambassador"], post) if i % 2 else None
        services.report_create(
            reporter=world.people["member"], post=post, comment=comment, reason=f"Raison {i}"
        )


def test_the_queue_runs_a_constant_number_of_queries(world, posts):
    manager = world.people["manager"]

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            page = selectors.moderation_queue(manager, cursor=None, limit=50)
            for report in page.items:
                _ = (report.reporter.username, report.post.author, report.post.title)
                if report.comment is not None:
                    _ = report.comment.author
                _ = [pc.community.name for pc in report.post.placements.all()]
        return len(ctx.captured_queries), len(page.items)

    _fill(world, posts, 5)
    few, count = measure()
    assert count == 5
    _fill(world, posts, 25)
    many, count = measure()
    assert count == 30
    assert many == few
