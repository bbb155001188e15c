"""The watch-feed API (API.md): managers run a community's feeds, a person their own."""

import pytest

from rucher.communities import services as communities
from rucher.core.testing import run_queued_tasks
from rucher.feeds import services
from rucher.feeds.models import WatchFeed, WatchItem
from tests.api.conftest import ApiClient
from tests.feeds.conftest import rss

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for():
    from rucher.accounts import services as accounts

    def make(person):
        _token, raw = accounts.token_create(person=person, name="tests")
        return ApiClient(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


def test_a_manager_adds_a_feed_which_is_polled_at_once(
    club, allow, client_for, django_capture_on_commit_callbacks
):
    allow.routes["/feed.xml"] = lambda r: (200, {}, rss(("a1", "First", "one")))
    api = client_for(club.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.call(
            "post", "/communities/veille-techno/feeds", {"url": allow.url("/feed.xml")}
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) >= {"id", "url", "title", "last_polled_at", "last_status", "error"}
    run_queued_tasks()
    listed = api.call("get", "/communities/veille-techno/feeds").json()
    assert listed["items"][0]["title"] == "Tech news"
    assert listed["items"][0]["last_status"] == "ok"
    assert listed["next"] is None


def test_poll_now_answers_202_and_polls(
    club, allow, client_for, django_capture_on_commit_callbacks
):
    allow.routes["/feed.xml"] = lambda r: (200, {}, rss(("a1", "First", "one")))
    feed = services.feed_subscribe_community(
        actor=club.manager, community=club.community, url=allow.url("/feed.xml")
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(club.manager).call("post", f"/feeds/{feed.pk}/poll")
    assert response.status_code == 202
    assert response.json() == {"id": feed.pk, "status": "queued"}
    run_queued_tasks()
    assert WatchItem.objects.filter(feed=feed).count() == 1


def test_a_member_is_forbidden_and_an_outsider_too(club, client_for):
    feed = services.feed_subscribe_community(
        actor=club.manager, community=club.community, url="https://news.example/feed"
    )
    member, outsider = client_for(club.member), client_for(club.outsider)
    assert member.call("get", "/communities/veille-techno/feeds").status_code == 403
    assert member.call("post", f"/feeds/{feed.pk}/poll").status_code == 403
    assert member.call("delete", f"/feeds/{feed.pk}").status_code == 403
    # A private community's card is visible to all (docs/decisions.md): managing it is 403.
    assert outsider.call("get", "/communities/veille-techno/feeds").status_code == 403
    assert outsider.call("post", f"/feeds/{feed.pk}/poll").status_code == 403
    assert outsider.call("delete", f"/feeds/{feed.pk}").status_code == 403


def test_a_secret_communitys_feeds_are_404_to_outsiders(club, client_for):
    secret = communities.community_create(
        creator=club.manager, name="Projet X", kind="project", visibility="secret"
    )
    feed = services.feed_subscribe_community(
        actor=club.manager, community=secret, url="https://news.example/feed"
    )
    outsider = client_for(club.outsider)
    assert outsider.call("get", f"/communities/{secret.slug}/feeds").status_code == 404
    assert outsider.call("post", f"/feeds/{feed.pk}/poll").status_code == 404
    assert outsider.call("delete", f"/feeds/{feed.pk}").status_code == 404
    assert WatchFeed.objects.filter(pk=feed.pk).exists()


def test_a_manager_removed_from_the_community_loses_the_feeds_at_once(club, client_for):
    feed = services.feed_subscribe_community(
        actor=club.manager, community=club.community, url="https://news.example/feed"
    )
    communities.membership_set_role(
        actor=club.manager, community=club.community, person=club.member, role="manager"
    )
    api = client_for(club.member)
    assert api.call("get", "/communities/veille-techno/feeds").status_code == 200
    communities.membership_remove(actor=club.manager, community=club.community, person=club.member)
    assert api.call("get", "/communities/veille-techno/feeds").status_code == 403
    assert api.call("delete", f"/feeds/{feed.pk}").status_code == 403
    assert WatchFeed.objects.filter(pk=feed.pk).exists()


def test_a_manager_deletes_a_feed(club, client_for):
    feed = services.feed_subscribe_community(
        actor=club.manager, community=club.community, url="https://news.example/feed"
    )
    assert client_for(club.manager).call("delete", f"/feeds/{feed.pk}").status_code == 204
    assert not WatchFeed.objects.exists()


def test_bad_urls_are_refused_with_the_field(club, client_for):
    api = client_for(club.manager)
    response = api.call("post", "/communities/veille-techno/feeds", {"url": "file:///etc/passwd"})
    assert response.status_code in (400, 422)
    assert "url" in response.json()["fields"]
    assert api.call("post", "/communities/veille-techno/feeds", {}).status_code in (400, 422)
    assert not WatchFeed.objects.exists()


def test_personal_feeds_and_the_watch_page(
    club, allow, client_for, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    allow.routes["/feed.xml"] = lambda r: (
        200,
        {},
        rss(*[(f"g{i}", f"Item {i}", f"text {i}") for i in range(25)]),
    )
    api = client_for(club.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.call("post", "/me/feeds", {"url": allow.url("/feed.xml")})
    assert response.status_code == 201
    run_queued_tasks()
    assert api.call("get", "/me/feeds").json()["items"][0]["last_status"] == "ok"
    with django_assert_max_num_queries(6):
        page = api.call("get", "/me/watch?limit=10").json()
    assert len(page["items"]) == 10
    assert set(page["items"][0]) >= {"title", "link", "source", "published_at"}
    assert page["items"][0]["source"] == "Tech news"
    rest = api.call("get", f"/me/watch?limit=100&cursor={page['next']}").json()
    assert len(rest["items"]) == 15
    assert rest["next"] is None
    # Someone else's personal feed is 404, and their watch page is their own.
    feed_id = response.json()["id"]
    other = client_for(club.outsider)
    assert other.call("post", f"/feeds/{feed_id}/poll").status_code == 404
    assert other.call("delete", f"/feeds/{feed_id}").status_code == 404
    assert other.call("get", "/me/watch").json()["items"] == []
    assert api.call("get", "/me/watch?cursor=forged").status_code == 400
