"""The per-request memo of the viewer's memberships (rucher.core.memo): read once per request,
forgotten as soon as a membership or a community changes, never kept between requests."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from rucher.actions import memberships as membership_actions
from rucher.communities import services as community_services
from rucher.communities.models import Community
from rucher.content.access import access_post, readable_posts, viewer_scope
from rucher.core import memo
from rucher.core.memo import request_memo

pytestmark = pytest.mark.django_db


def _scope_reads(ctx: CaptureQueriesContext) -> int:
    return sum('FROM "communities_membership"' in q["sql"] for q in ctx.captured_queries)


def test_without_a_request_every_call_reads_the_memberships(content):
    member = content.world.people["member"]
    with CaptureQueriesContext(connection) as ctx:
        viewer_scope(member)
        viewer_scope(member)
    assert _scope_reads(ctx) == 2


def test_in_a_request_the_memberships_are_read_once(content):
    member = content.world.people["member"]
    private = content.posts["private"]
    with request_memo(), CaptureQueriesContext(connection) as ctx:
        for _ in range(3):
            assert readable_posts(member).filter(pk=private.pk).exists()
    assert _scope_reads(ctx) == 1


def test_leaving_in_the_middle_of_a_request_revokes_at_once(content):
    member = content.world.people["member"]
    community = content.world.communities["private"]
    post = content.posts["private"]
    with request_memo():
        assert access_post(member, post.pk) == post
        community_services.community_leave(person=member, community=community)
        with pytest.raises(Http404):
            access_post(member, post.pk)


def test_a_removal_by_a_manager_in_the_same_request_revokes_open_content(content):
    member = content.world.people["member"]
    community = content.world.communities["open"]
    post = content.posts["open"]
    with request_memo():
        assert readable_posts(member).filter(pk=post.pk).exists()
        membership_actions.membership_remove(
            actor=content.world.people["owner"], community=community, person=member
        )
        assert not readable_posts(member).filter(pk=post.pk).exists()


def test_a_visibility_change_is_seen_in_the_same_request(content):
    outsider = content.world.people["outsider"]
    community = content.world.communities["open"]
    post = content.posts["open"]
    with request_memo():
        assert readable_posts(outsider).filter(pk=post.pk).exists()
        community.visibility = Community.Visibility.PRIVATE
        community.save(update_fields=["visibility"])
        assert not readable_posts(outsider).filter(pk=post.pk).exists()


def test_the_memo_ends_with_the_request(content, client_for):
    member = content.world.people["member"]
    post = content.posts["private"]
    client = client_for(member)
    assert client.get(f"/posts/{post.pk}/").status_code == 200
    # Nothing is left behind for the next request or for code running outside one.
    assert memo._memo.get() is None
    community_services.community_leave(
        person=member, community=content.world.communities["private"]
    )
    assert client.get(f"/posts/{post.pk}/").status_code == 404


def test_nested_blocks_share_the_outer_memo():
    calls: list[int] = []
    with request_memo():
        memo.memoized("k", lambda: calls.append(1))
        with request_memo():
            memo.memoized("k", lambda: calls.append(2))
        memo.memoized("k", lambda: calls.append(3))
    assert calls == [1]
    assert memo._memo.get() is None
