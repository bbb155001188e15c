"""The home feed (F-FEED): sources, access, order, keyset pages, on-top and selected blocks."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rucher.accounts import services as accounts_services
from rucher.actions import memberships as membership_actions
from rucher.communities import services as community_services
from rucher.content import curation
from rucher.content.feed import feed_for_person, home_feed
from rucher.core.factories import PersonFactory
from tests.notifications.posts import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(world):
    """Member of the open community only; follows the owner."""
    person = PersonFactory(username="reader", display_name="Reader")
    membership_actions.community_join(person=person, community=world.communities["open"])
    accounts_services.follow_create(follower=person, followee=world.people["owner"])
    return person


def _ids(page):
    return [post.pk for post in page.items]


def test_it_shows_posts_of_my_communities_and_of_people_i_follow(world, reader):
    w = world.communities
    other = community_services.community_create(
        creator=world.people["manager"], name="Elsewhere", kind="interest", visibility="open"
    )
    mine = make_post(world.people["member"], [w["open"]], body="in my community")
    followed = make_post(world.people["owner"], [other], body="by someone I follow")
    stranger = make_post(world.people["manager"], [other], body="neither")
    ids = _ids(feed_for_person(reader))
    assert mine.pk in ids and followed.pk in ids
    assert stranger.pk not in ids


def test_it_never_shows_a_followed_persons_post_in_a_community_i_cannot_read(world, reader):
    secret = make_post(world.people["owner"], [world.communities["secret"]], body="secret")
    private = make_post(world.people["owner"], [world.communities["private"]], body="private")
    ids = _ids(feed_for_person(reader))
    assert secret.pk not in ids and private.pk not in ids


def test_it_drops_the_posts_of_a_community_as_soon_as_i_leave_it(world):
    member = world.people["member"]
    post = make_post(world.people["owner"], [world.communities["private"]])
    assert post.pk in _ids(feed_for_person(member))
    community_services.community_leave(person=member, community=world.communities["private"])
    assert post.pk not in _ids(feed_for_person(member))


def test_it_leaves_hidden_posts_out_even_for_their_moderators(world):
    hidden = make_post(world.people["member"], [world.communities["open"]], hidden=True)
    for person in ("member", "manager", "administrator"):
        assert hidden.pk not in _ids(feed_for_person(world.people[person]))


def test_it_shows_only_the_readable_communities_of_a_cross_post(world, reader):
    w = world.communities
    post = make_post(world.people["owner"], [w["open"], w["secret"]])
    (item,) = [p for p in feed_for_person(reader).items if p.pk == post.pk]
    assert [c.slug for c in item.visible_communities] == [w["open"].slug]


def test_it_walks_newest_first_without_duplicates_or_gaps(world):
    now = timezone.now()
    same_time = now - timedelta(hours=1)
    posts = [
        make_post(
            world.people["owner"],
            [world.communities["open"]],
            # Several posts share a timestamp: the id breaks the tie.
            created_at=same_time if i % 3 == 0 else now - timedelta(minutes=i),
        )
        for i in range(25)
    ]
    expected = [p.pk for p in sorted(posts, key=lambda p: (p.created_at, p.pk), reverse=True)]
    seen, cursor = [], None
    while True:
        page = feed_for_person(world.people["member"], cursor=cursor, limit=7)
        seen += _ids(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == expected


def test_it_flags_what_i_liked_and_bookmarked(world):
    from rucher.content.models import PostLike

    member = world.people["member"]
    post = make_post(world.people["owner"], [world.communities["open"]])
    PostLike.objects.create(post=post, person=member)
    curation.bookmark_create(person=member, post=post)
    (item,) = feed_for_person(member).items
    assert item.liked_by_me and item.bookmarked_by_me


def test_it_puts_pinned_and_featured_posts_on_top_once(world):
    member, manager = world.people["member"], world.people["manager"]
    old = make_post(
        manager, [world.communities["open"]], created_at=timezone.now() - timedelta(days=30)
    )
    for _ in range(3):
        make_post(manager, [world.communities["open"]])
    curation.post_pin(actor=manager, post=old)
    feed = home_feed(member, limit=2)
    assert [p.pk for p in feed.on_top] == [old.pk]
    walked, cursor = [], None
    while True:
        page = feed_for_person(member, cursor=cursor, limit=2)
        walked += _ids(page)
        if not (cursor := page.next_cursor):
            break
    assert old.pk not in walked and len(walked) == 3
    # Next pages carry no on-top block.
    assert home_feed(member, cursor=feed.page.next_cursor, limit=2).on_top == []


def test_it_keeps_five_on_top_newest_pin_first(world):
    manager = world.people["manager"]
    posts = [make_post(manager, [world.communities["open"]]) for _ in range(7)]
    for post in posts:
        curation.post_pin(actor=manager, post=post)
    on_top = home_feed(world.people["member"]).on_top
    assert [p.pk for p in on_top] == [p.pk for p in reversed(posts)][:5]


def test_it_selects_featured_posts_of_communities_i_may_read(world, reader):
    w, manager = world.communities, world.people["manager"]
    open_post = make_post(manager, [w["private"], w["open"]])
    secret_post = make_post(manager, [w["secret"]])
    curation.post_feature(actor=manager, post=open_post, community_slug=w["open"].slug)
    curation.post_feature(actor=manager, post=secret_post)
    other = community_services.community_create(
        creator=manager, name="Elsewhere", kind="interest", visibility="open"
    )
    elsewhere = make_post(manager, [other])
    curation.post_feature(actor=manager, post=elsewhere)
    selected = [p.pk for p in home_feed(reader).selected]
    # The open community's post is on top for its member already: not repeated.
    assert elsewhere.pk in selected
    assert secret_post.pk not in selected
    assert open_post.pk not in selected


def test_the_home_page_shows_the_feed_and_loads_more_with_htmx(world, client_for):
    member = world.people["member"]
    for i in range(25):
        make_post(world.people["owner"], [world.communities["open"]], title=f"Post number {i}")
    client = client_for(member)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Post number 24" in html and "Post number 4" not in html
    cursor = response.context["feed"].page.next_cursor
    more = client.get(f"/?cursor={cursor}", HTTP_HX_REQUEST="true")
    assert more.status_code == 200
    assert "Post number 4" in more.content.decode()
    assert "<html" not in more.content.decode()
    assert client.get("/?cursor=tampered").status_code == 400


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("limit", [20, 50])
def test_the_home_page_runs_a_fixed_number_of_queries(world, client_for, monkeypatch, limit):
    import rucher.content.feed as feed_module

    member, manager = world.people["member"], world.people["manager"]
    client = client_for(member)
    first = make_post(manager, [world.communities["open"]])
    # Blocks present from the start: an empty block costs no query at all.
    curation.post_pin(actor=manager, post=first)
    _home_queries(client)  # warms the caches (charter, colleague of the day)
    baseline = _home_queries(client)
    w = world.communities
    for i in range(limit + 5):
        post = make_post(manager, [w["open"], w["private"], w["secret"]], title=f"p{i}")
        post.tags.create(name=f"t{i}", slug=f"t{i}")
    for post in list(feed_module._visible(member)[:7]):
        curation.post_pin(actor=manager, post=post)
        curation.post_feature(actor=manager, post=post)
    monkeypatch.setattr(feed_module, "FEED_PAGE_SIZE", limit)
    assert _home_queries(client) == baseline
    assert len(client.get("/").context["feed"].page.items) == limit
