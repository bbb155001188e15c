"""The home page's queries compiled once per process (rucher.core.prepared): the same answers as
the ORM's querysets, for every position around every community, compiled afresh or reused, and
nothing kept between calls but the SQL."""

import random

import pytest
from django.db.models import Exists, OuterRef
from django.utils import timezone

from rucher.communities import services as community_services
from rucher.content import curation
from rucher.content import feed as feed_module
from rucher.content.access import readable_community_q
from rucher.content.models import PostCommunity, PostRead
from rucher.core.factories import PersonFactory
from rucher.core.memo import request_memo
from rucher.core.pagination import keyset_page
from rucher.core.prepared import prepared_clear
from rucher.life.meet import meet_colleague
from tests.communities.personas import POSITIONS
from tests.notifications.posts import make_post

pytestmark = pytest.mark.django_db
PEOPLE = [p for p in POSITIONS if p != "anonymous"]


def _fill(world):
    owner, manager = world.people["owner"], world.people["manager"]
    w = world.communities
    for i in range(8):
        for name, community in w.items():
            make_post(owner, [community], title=f"{name} {i}", must_read=i % 3 == 0)
    make_post(owner, [w["secret"]], title="hidden", hidden=True, must_read=True)
    cross = make_post(manager, [w["open"], w["secret"]], title="cross-posted")
    curation.post_pin(actor=manager, post=cross)
    curation.post_feature(actor=manager, post=make_post(owner, [w["private"]], title="featured"))


def _card(post):
    """What a feed card reads of a post's row (its author and the viewer's flags)."""
    author = post.author.username if post.author else None
    return (post.pk, post.created_at, author, post.liked_by_me, post.bookmarked_by_me)


def _orm_first_page(viewer, exclude):
    """The first page as keyset_page reads it through the ORM, from the readability rule."""
    scope = feed_module._scope_values(viewer)[0]
    qs = feed_module._feed_queryset_in(viewer.pk, scope, exclude=exclude)
    return keyset_page(
        feed_module.with_viewer_flags(qs, viewer),
        keys=feed_module.FEED_KEYS,
        cursor=None,
        limit=5,
        scope=f"feed:{viewer.pk}",
    )


def _orm_unread_must_read(viewer):
    mine = PostCommunity.objects.filter(
        post=OuterRef("pk"), community_id__in=feed_module.member_community_ids(viewer)
    )
    read = PostRead.objects.filter(post=OuterRef("pk"), person=viewer.pk)
    return list(
        feed_module._visible(viewer)
        .filter(Exists(mine), must_read=True)
        .exclude(author=viewer.pk)
        .exclude(Exists(read))
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)[: feed_module.MUST_READ_LIMIT]
    )


@pytest.mark.parametrize("position", PEOPLE)
def test_the_prepared_feed_reads_what_the_orm_reads(world, position):
    _fill(world)
    viewer = world.people[position]
    for fresh in (True, False):
        if fresh:
            prepared_clear()
        with request_memo():
            expected_unread = _orm_unread_must_read(viewer)
            assert feed_module.unread_must_read_ids(viewer) == expected_unread
            if position == "member":  # the comparison is not between two empty lists
                assert expected_unread
            top = feed_module.on_top_ids(viewer)
            page = feed_module._feed_page(viewer, cursor=None, limit=5, on_top=top)
            expected = _orm_first_page(viewer, top)
            assert [_card(p) for p in page.items] == [_card(p) for p in expected.items]
            assert page.next_cursor == expected.next_cursor
            if position == "member":
                assert expected.next_cursor and top
            blocks = feed_module._posts_in_order(viewer, [p.pk for p in expected.items][::-1])
            assert [_card(p) for p in blocks] == [_card(p) for p in expected.items][::-1]


def test_people_of_the_same_shape_share_the_sql_but_never_the_answer(world):
    _fill(world)
    member, ambassador = world.people["member"], world.people["ambassador"]
    owner = world.people["owner"]
    mine = make_post(owner, [world.communities["open"]], title="must read", must_read=True)
    with request_memo():
        assert mine.pk in feed_module.unread_must_read_ids(member)
    PostRead.objects.create(post=mine, person=member)
    with request_memo():
        assert mine.pk not in feed_module.unread_must_read_ids(member)
        assert mine.pk in feed_module.unread_must_read_ids(ambassador)
    # Leaving applies at the next request: the compiled SQL keeps no answer.
    community_services.community_leave(person=ambassador, community=world.communities["secret"])
    with request_memo():
        assert feed_module.unread_must_read_ids(ambassador) == _orm_unread_must_read(ambassador)


def test_meet_a_colleague_compares_departments_and_sites_as_iexact_did(member):
    # member (bob): Finance, Lyon. The same department and site in other letter cases are
    # not "elsewhere".
    PersonFactory(username="same", department="FINANCE", site="lyon", profile_completeness=100)
    PersonFactory(username="away", department="RH", site="Paris", profile_completeness=100)
    for seed in range(20):
        random.seed(seed)
        assert meet_colleague(member).username == "away"


def test_the_first_page_of_the_feed_is_the_same_whatever_the_time(world):
    """Dates come out of the compiled query as the ORM gives them (aware, converted)."""
    _fill(world)
    viewer = world.people["member"]
    with request_memo():
        page = feed_module._feed_page(viewer, cursor=None, limit=5, on_top=[])
    assert all(timezone.is_aware(p.created_at) for p in page.items)


@pytest.mark.parametrize("position", ["member", "manager", "administrator", "outsider"])
def test_the_prepared_community_stream_reads_what_the_orm_reads(world, position):
    from rucher.content import selectors

    _fill(world)
    viewer, community = world.people[position], world.communities["open"]
    make_post(world.people["owner"], [community], title="hidden here", hidden=True)
    orm = keyset_page(
        selectors._stream_filtered(
            selectors._stream_placements(viewer, community),
            without_pinned=True,
            exclude=[],
            kind=None,
        ),
        keys=("-created_at", "-post_id"),
        cursor=None,
        limit=3,
        scope=f"stream:{community.pk}:",
    )
    with request_memo():
        page = selectors.community_stream(viewer, community, limit=3, without_pinned=True)
    expected = selectors._posts_from(viewer, orm.items)
    assert [(_card_in_stream(p)) for p in page.items] == [_card_in_stream(p) for p in expected]
    assert page.next_cursor == orm.next_cursor
    assert [[c.pk for c in p.visible_communities] for p in page.items] == [
        list(
            PostCommunity.objects.filter(post=p)
            .filter(readable_community_q(viewer, "community"))
            .order_by("community__name", "id")
            .values_list("community_id", flat=True)
        )
        for p in expected
    ]


def _card_in_stream(post):
    author = post.author.username if post.author else None
    return (post.pk, post.created_at, author, post.liked_by_me, post.pinned_at, post.hidden_at)
