"""A feed that reads (issue 15): unread must-reads on top until acknowledged, pinned posts as a
compact strip, each post once per page, cards with excerpts, and landing back in the feed after
publishing from the composer."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.actions import posts as post_actions
from rucher.content import curation
from rucher.content.feed import home_feed, unread_must_read_ids
from rucher.content.models import Post
from rucher.content.templatetags.post_tags import is_long
from rucher.recognition.badges import badges_check
from tests.notifications.posts import make_post

pytestmark = pytest.mark.django_db


def _ids(posts):
    return [post.pk for post in posts]


def test_an_unread_must_read_stays_on_top_of_the_home_feed_until_read(world):
    w, member = world.communities, world.people["member"]
    older = make_post(world.people["owner"], [w["open"]], title="Procedure", must_read=True)
    newer = make_post(world.people["owner"], [w["open"]], title="Latest news")
    feed = home_feed(member)
    assert _ids(feed.must_read) == [older.pk]
    assert older.pk not in _ids(feed.page.items) and newer.pk in _ids(feed.page.items)

    curation.post_mark_read(person=member, post=older)
    feed = home_feed(member)
    assert feed.must_read == []
    assert _ids(feed.page.items)[:2] == [newer.pk, older.pk]


def test_a_must_read_is_not_on_top_for_its_author_nor_outside_my_communities(world):
    w = world.communities
    mine = make_post(world.people["member"], [w["open"]], must_read=True)
    secret = make_post(world.people["owner"], [w["secret"]], must_read=True)
    assert unread_must_read_ids(world.people["member"]) == [secret.pk]
    assert unread_must_read_ids(world.people["owner"]) == [mine.pk]
    # Someone who left the community no longer has it waiting.
    assert unread_must_read_ids(world.people["leaver"]) == []
    assert unread_must_read_ids(world.people["outsider"]) == []


def test_a_post_shows_once_on_the_home_page_pinned_must_read_or_not(world, client_for):
    w, owner = world.communities, world.people["owner"]
    both = make_post(owner, [w["open"]], title="Pinned and must read", must_read=True)
    pinned = make_post(owner, [w["open"]], title="Only pinned")
    plain = make_post(owner, [w["open"]], title="Plain")
    curation.post_pin(actor=owner, post=both)
    curation.post_pin(actor=owner, post=pinned)
    curation.post_feature(actor=owner, post=pinned)

    page = client_for(world.people["member"]).get("/").content.decode()
    for post in (both, pinned, plain):
        assert page.count(f'id="feed-post-{post.pk}"') == 1, post.title
    # The must-read card carries its acknowledgement; the pinned one is a line of the strip.
    assert re.search(rf'id="feed-post-{both.pk}"[^>]*>', page)
    card = page.split(f'id="feed-post-{both.pk}"')[1].split("</article>")[0]
    assert "I have read it" in card and f'action="/posts/{both.pk}/read"' in card
    strip = page.split('class="pinned-strip"')[1].split("</section>")[0]
    assert "Only pinned" in strip and "Pinned and must read" not in strip


def test_i_have_read_it_on_the_home_card_works_without_javascript(world, client_for):
    post = make_post(world.people["owner"], [world.communities["open"]], must_read=True)
    client = client_for(world.people["member"])
    response = client.post(f"/posts/{post.pk}/read", {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "I have read it" not in page and page.count(f'id="feed-post-{post.pk}"') == 1


def test_the_community_page_keeps_an_unread_must_read_on_top_and_pins_in_a_strip(world, client_for):
    community, owner = world.communities["open"], world.people["owner"]
    must = make_post(owner, [community], title="Read me first", must_read=True)
    pinned = make_post(owner, [community], title="Pinned rules")
    make_post(owner, [community], title="Newest chat")
    curation.post_pin(actor=owner, post=pinned, community_slug=community.slug)
    curation.post_pin(actor=owner, post=must, community_slug=community.slug)

    client = client_for(world.people["member"])
    page = client.get(f"/c/{community.slug}/").content.decode()
    assert page.count(f'id="post-{must.pk}"') == 1 and page.count(f'id="post-{pinned.pk}"') == 1
    assert page.index("Read me first") < page.index('id="composer"') < page.index("Newest chat")
    strip = page.split('class="pinned-strip"')[1].split("</section>")[0]
    assert "Pinned rules" in strip and "Read me first" not in strip

    curation.post_mark_read(person=world.people["member"], post=must)
    page = client.get(f"/c/{community.slug}/").content.decode()
    assert "I have read it" not in page
    # Read, it is a pinned post again: a line of the strip.
    assert "Read me first" in page.split('class="pinned-strip"')[1].split("</section>")[0]


def test_the_community_page_costs_the_same_queries_with_must_reads_and_pins(world, client_for):
    community, owner = world.communities["open"], world.people["owner"]
    client = client_for(world.people["member"])
    first = make_post(owner, [community], must_read=True)
    make_post(owner, [community], title="In the stream")  # an empty block costs no query
    curation.post_pin(actor=owner, post=make_post(owner, [community]), community_slug="open-club")
    client.get(f"/c/{community.slug}/")  # warms the caches
    with CaptureQueriesContext(connection) as few:
        client.get(f"/c/{community.slug}/")
    for i in range(4):
        make_post(owner, [community], title=f"m{i}", must_read=True)
        pinned = make_post(owner, [community], title=f"p{i}")
        curation.post_pin(actor=owner, post=pinned, community_slug=community.slug)
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"/c/{community.slug}/").content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    # The three newest wait on top; the oldest is in the stream until those are read.
    assert page.count(">I have read it<") == 3 and page.count(f'id="post-{first.pk}"') == 1


def test_a_long_text_is_clamped_with_read_more(world, client_for):
    long_post = make_post(
        world.people["owner"], [world.communities["open"]], body="word " * 200, title="Long"
    )
    make_post(world.people["owner"], [world.communities["open"]], body="Short.", title="Short")
    page = client_for(world.people["member"]).get("/").content.decode()
    card = page.split(f'id="feed-post-{long_post.pk}"')[1].split("</article>")[0]
    assert "excerpt clamped" in card and f'href="/posts/{long_post.pk}/">Read more' in card
    assert page.count(">Read more<") == 1
    assert is_long("line\n" * 6) and not is_long("a\nb")


def test_the_card_shows_the_author_job_title_and_image_thumbnails(content, world, client_for):
    world.people["owner"].job_title = "Head of quality"
    world.people["owner"].save(update_fields=["job_title"])
    post = content.posts["open"]
    page = client_for(world.people["member"]).get("/").content.decode()
    card = page.split(f'id="feed-post-{post.pk}"')[1].split("</article>")[0]
    assert "Head of quality" in card
    assert 'class="thumb"' in card and 'loading="lazy"' in card


# --- publishing from the composer lands back in the feed ----------------------------------


def test_publishing_from_the_composer_comes_back_to_the_feed_with_a_link_to_the_post(
    world, client_for
):
    client = client_for(world.people["member"])
    response = client.post(
        "/posts/new/",
        {"communities": ["open-club"], "kind": "post", "body": "Hello all", "next": "/"},
    )
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/").content.decode()
    toast = page.split('id="toasts"')[1].split("</div>")[0]
    assert "Your post has been published." in toast
    assert f'<a href="/posts/{post.pk}/">See the post</a>' in toast
    # What it earned, at once: the points of a post and the first post badge.
    assert "+15 points" in toast and "Badge earned: First post" in toast
    # The new post is the first of the feed.
    assert page.index(f'id="feed-post-{post.pk}"') < page.index('id="feed"') + 2000


def test_the_composer_of_a_community_page_comes_back_to_it(world, client_for):
    client = client_for(world.people["member"])
    response = client.post(
        "/posts/new/",
        {"communities": ["open-club"], "kind": "post", "body": "Hi", "next": "/c/open-club/"},
    )
    assert response["Location"] == "/c/open-club/"


def test_a_next_leading_elsewhere_is_ignored(world, client_for):
    client = client_for(world.people["member"])
    response = client.post(
        "/posts/new/",
        {"communities": ["open-club"], "body": "Hi", "kind": "post", "next": "https://evil.test/"},
    )
    assert response["Location"] == f"/posts/{Post.objects.get().pk}/"


def test_a_refused_post_from_the_composer_keeps_where_to_come_back(world, client_for):
    client = client_for(world.people["member"])
    response = client.post(
        "/posts/new/", {"communities": ["open-club"], "kind": "post", "body": "", "next": "/"}
    )
    assert response.status_code == 400 and Post.objects.count() == 0
    assert '<input type="hidden" name="next" value="/">' in response.content.decode()


def test_the_composer_form_says_where_to_come_back(world, client_for):
    page = client_for(world.people["member"]).get("/c/open-club/").content.decode()
    composer = page.split('id="composer"')[1].split("</form>")[0]
    assert '<input type="hidden" name="next" value="/c/open-club/">' in composer


def test_publishing_a_post_twice_earns_points_but_the_badge_once(world, client_for):
    client = client_for(world.people["member"])
    post_actions.post_publish(
        author=world.people["member"], communities=[world.communities["open"]], body="first"
    )
    badges_check(person_id=world.people["member"].pk)  # what the background check does
    client.post("/posts/new/", {"communities": ["open-club"], "kind": "post", "body": "again"})
    page = client.get("/").content.decode()
    assert "+5 points" in page and "Badge earned" not in page
