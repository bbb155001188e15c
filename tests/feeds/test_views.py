"""The watch pages in the browser: /watch/ for a person, /c/<slug>/feeds/ for managers."""

import pytest
from django.test import Client

from rucher.feeds import services
from rucher.feeds.models import WatchFeed
from tests.feeds.conftest import rss

pytestmark = pytest.mark.django_db


def _client(person, language="fr"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(person)
    return client


def test_a_manager_follows_a_feed_and_sees_it_published(
    club, allow, django_capture_on_commit_callbacks
):
    from rucher.core.testing import run_queued_tasks

    allow.routes["/feed.xml"] = lambda r: (
        200,
        {},
        rss(("a1", "Nouvelle version", "<p>Détails</p>")),
    )
    client = _client(club.manager)
    assert client.get("/c/veille-techno/feeds/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/c/veille-techno/feeds/", {"url": allow.url("/feed.xml")})
    assert response.status_code == 302
    run_queued_tasks()
    page = client.get("/c/veille-techno/feeds/").content.decode()
    assert "Tech news" in page
    stream = _client(club.member).get("/c/veille-techno/").content.decode()
    assert "Nouvelle version" in stream
    assert "Détails" in stream


def test_a_bad_address_shows_the_error_and_creates_nothing(club):
    response = _client(club.manager, "en").post(
        "/c/veille-techno/feeds/", {"url": "ftp://x.example/"}
    )
    assert response.status_code == 400
    assert "Only http:// and https:// addresses are allowed." in response.content.decode()
    assert not WatchFeed.objects.exists()


def test_members_cannot_manage_feeds(club):
    feed = services.feed_subscribe_community(
        actor=club.manager, community=club.community, url="https://news.example/feed"
    )
    client = _client(club.member)
    assert client.get("/c/veille-techno/feeds/").status_code == 403
    assert client.post(f"/feeds/{feed.pk}/delete").status_code == 403
    assert WatchFeed.objects.filter(pk=feed.pk).exists()


def test_the_watch_page_lists_ones_own_items(
    club, allow, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from rucher.core.testing import run_queued_tasks

    allow.routes["/feed.xml"] = lambda r: (
        200,
        {},
        rss(*[(f"g{i}", f"Article {i}", "texte") for i in range(30)]),
    )
    client = _client(club.member)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/watch/", {"url": allow.url("/feed.xml")}).status_code == 302
    run_queued_tasks()
    with django_assert_max_num_queries(12):
        page = client.get("/watch/").content.decode()
    assert "Article 0<" in page
    assert "Tech news" in page
    # Someone else sees none of it, and cannot touch the feed.
    other = _client(club.outsider)
    assert "Article 0<" not in other.get("/watch/").content.decode()
    feed = WatchFeed.objects.get()
    assert other.post(f"/feeds/{feed.pk}/delete").status_code == 404
    assert other.post(f"/feeds/{feed.pk}/poll").status_code == 404
    assert client.get("/watch/?cursor=bad").status_code == 400
