"""`rucher demo` with content: communities, posts, comments and likes, created once, exact."""

import io
import random

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from rucher.accounts.demo import demo_people
from rucher.communities.models import Community, Membership
from rucher.content.demo import COMMUNITIES, POSTS, _plan
from rucher.content.models import Comment, CommentLike, Post, PostCommunity, PostLike, PostRead
from tests.querycount import count_queries

pytestmark = pytest.mark.django_db

# `rucher demo` on an empty database, all demos together: 6 968 queries on SQLite when measured,
# about 10 250 (counting every statement) with the community toolbox, whose posts also earn
# points through the ledger.
# Counted by an execute wrapper: CaptureQueriesContext keeps only the last 9 000.
DEMO_QUERY_BUDGET = 12_000


def _snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (Community, Membership, Post, PostCommunity, Comment, PostLike, CommentLike)
    }


def test_it_loads_the_content_once_with_exact_counters():
    out = io.StringIO()
    with count_queries() as queries:
        call_command("demo", stdout=out)
    # Its work is bounded (about 7 000 queries today); its time is measured apart, not asserted
    # (docs/performance.md, "Test suite").
    assert queries.count < DEMO_QUERY_BUDGET
    assert f"{len(POSTS)} posts created now" in out.getvalue()
    first = _snapshot()
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "0 communities, 0 memberships and 0 posts created now" in out.getvalue()
    assert _snapshot() == first

    # A dozen communities of every visibility and several kinds.
    demo = Community.objects.filter(slug__in=[c.slug for c in COMMUNITIES])
    assert demo.count() == 12
    assert set(demo.values_list("visibility", flat=True)) == {"open", "private", "secret"}
    assert demo.values("kind").distinct().count() >= 5
    for community in Community.objects.annotate(
        n=Count("memberships", filter=Q(memberships__status="member"))
    ).all():
        assert community.member_count == community.n, community.slug
        assert (
            Membership.objects.filter(
                community=community, role__in=["owner", "manager"], status="member"
            ).exists()
            or community.default_role
        ), community.slug

    for post in Post.objects.annotate(
        likes_n=Count("likes", distinct=True), comments_n=Count("comments", distinct=True)
    ):
        assert post.like_count == post.likes_n
        assert post.comment_count == post.comments_n
        assert not post.likes.filter(person=post.author).exists()
        assert post.body_html and "<script" not in post.body_html
        for placement in post.placements.all():
            assert placement.created_at == post.created_at
            # Authors belong to where they write.
            assert Membership.objects.filter(
                community=placement.community_id, person=post.author, status="member"
            ).exists()
    for comment in Comment.objects.annotate(n=Count("likes")):
        assert comment.like_count == comment.n
        assert not comment.likes.filter(person=comment.author).exists()
        assert comment.parent is None or comment.parent.parent_id is None

    must_read = Post.objects.get(must_read=True)
    assert must_read.kind == "announcement"
    assert list(must_read.communities.values_list("slug", flat=True)) == ["bienvenue"]
    assert PostRead.objects.filter(post=must_read).exists()
    assert PostCommunity.objects.filter(pinned_at__isnull=False).count() >= 3
    assert PostCommunity.objects.filter(featured_at__isnull=False).count() >= 3
    assert Post.objects.annotate(n=Count("placements")).filter(n=2).count() >= 3
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Post.objects.filter(tags__isnull=False).distinct().count() >= 20
    assert Post.objects.filter(body_html__contains='class="mention"').exists()
    assert set(Post.objects.values_list("kind", flat=True)) == {
        "post",
        "question",
        "article",
        "announcement",
        "idea",
        "discussion",
        # Public thanks come from the recognition demo.
        "kudos",
    }


def test_it_is_deterministic():
    usernames = sorted([str(p["username"]) for p in demo_people()] + ["admin"])
    assert _plan(usernames, random.Random(1)) == _plan(usernames, random.Random(1))
