"""The leaderboard pages: /leaderboard/ and /c/<slug>/leaderboard/ (F-LEADERBOARD)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rucher.content.models import Post, PostCommunity
from rucher.core.factories import PersonFactory
from rucher.recognition import ranking_views
from tests.recognition.ranking_helpers import exclude, grant

pytestmark = pytest.mark.django_db


def rows(body: str) -> list[str]:
    """The ranked people of a page, as "#rank name points" ("=rank" when the rank is shared with
    the row before, which shows it)."""
    found = re.findall(
        r'<span class="rank" data-rank="(\d+)"( data-tied)?>.*?<a href="/people/[^"]+/">([^<]+)</a>'
        r'.*?<span class="points">(\d+) points?</span>',
        body,
        flags=re.S,
    )
    return [f"{'=' if tied else '#'}{rank} {name} {points}" for rank, tied, name, points in found]


@pytest.fixture
def ranked(world):
    """Points this week: the member 8 (in the open club), the manager 8, the owner 3."""
    now = timezone.now()
    p = world.people
    grant(p["member"], 8, now, community=world.communities["open"])
    grant(p["manager"], 8, now, community=world.communities["private"])
    grant(p["owner"], 3, now, community=world.communities["secret"])
    return world


def test_the_leaderboard_ranks_and_highlights_the_viewer(ranked, client_for):
    response = client_for(ranked.people["member"]).get("/leaderboard/")
    assert response.status_code == 200
    body = response.content.decode()
    assert rows(body) == ["#1 Member 8", "=1 Manager 8", "#2 Owner 3"]
    assert re.search(r'class="rank-row mine" aria-current="true">\s*<span class="rank"', body)
    assert body.count("rank-row mine") == 1
    assert "You are number 1 with 8 points." in body
    assert 'href="/leaderboard/" aria-current="page"' in body  # the main navigation


def test_a_person_without_points_is_told_so(ranked, client_for):
    body = client_for(ranked.people["outsider"]).get("/leaderboard/").content.decode()
    assert "You are not ranked here yet" in body
    assert "rank-row mine" not in body


def test_the_period_tabs(ranked, client_for):
    old = timezone.now() - timezone.timedelta(days=400)
    grant(ranked.people["ambassador"], 100, old)
    client = client_for(ranked.people["member"])
    for period in ("week", "month"):
        body = client.get(f"/leaderboard/?period={period}").content.decode()
        assert "Ambassador" not in "".join(rows(body)), period
        assert f'href="?period={period}" aria-current="page"' in body
    body = client.get("/leaderboard/?period=all").content.decode()
    assert rows(body)[0] == "#1 Ambassador 100"
    # An unknown period shows the week.
    assert client.get("/leaderboard/?period=year").context["period"] == "week"


def test_excluded_accounts_are_absent(ranked, client_for):
    exclude(ranked.people["manager"])
    body = client_for(ranked.people["member"]).get("/leaderboard/").content.decode()
    assert rows(body) == ["#1 Member 8", "#2 Owner 3"]


def test_the_community_filter_offers_only_readable_communities(ranked, client_for):
    body = client_for(ranked.people["outsider"]).get("/leaderboard/").content.decode()
    assert 'value="open-club"' in body
    assert "Secret club" not in body and "secret-club" not in body
    assert "Private club" not in body
    member_body = client_for(ranked.people["member"]).get("/leaderboard/").content.decode()
    assert 'value="secret-club"' in member_body


def test_the_filter_shows_a_community_board(ranked, client_for):
    client = client_for(ranked.people["member"])
    body = client.get("/leaderboard/?community=open-club").content.decode()
    assert rows(body) == ["#1 Member 8"]
    assert '<option value="open-club" selected>' in body


def test_a_community_tab_shows_its_board(ranked, client_for):
    client = client_for(ranked.people["member"])
    response = client.get("/c/private-club/leaderboard/")
    assert response.status_code == 200
    body = response.content.decode()
    assert rows(body) == ["#1 Manager 8"]
    assert 'href="/c/private-club/leaderboard/" aria-current="page"' in body
    # The tab is offered on the community's pages.
    assert "/c/open-club/leaderboard/" in client.get("/c/open-club/").content.decode()


@pytest.mark.parametrize(
    ("slug", "allowed", "refused"),
    [
        ("secret-club", ["member", "owner", "administrator"], ["outsider", "requester", "leaver"]),
        ("private-club", ["member", "administrator"], ["outsider", "requester", "leaver"]),
        ("open-club", ["outsider", "member", "leaver"], []),
    ],
)
def test_a_community_board_follows_the_community_access(ranked, client_for, slug, allowed, refused):
    for position in allowed:
        client = client_for(ranked.people[position])
        assert client.get(f"/c/{slug}/leaderboard/").status_code == 200, position
        assert client.get(f"/leaderboard/?community={slug}").status_code == 200, position
    for position in refused:
        client = client_for(ranked.people[position])
        assert client.get(f"/c/{slug}/leaderboard/").status_code == 404, position
        assert client.get(f"/leaderboard/?community={slug}").status_code == 404, position


def test_a_member_who_leaves_loses_the_board_at_once(ranked, client_for):
    from rucher.communities.services import community_leave

    member = ranked.people["member"]
    client = client_for(member)
    assert client.get("/c/secret-club/leaderboard/").status_code == 200
    community_leave(person=member, community=ranked.communities["secret"])
    assert client.get("/c/secret-club/leaderboard/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client_for):
    response = client_for().get("/leaderboard/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_unknown_communities_and_odd_slugs_are_404(ranked, client_for):
    client = client_for(ranked.people["member"])
    assert client.get("/c/nope/leaderboard/").status_code == 404
    assert client.get("/leaderboard/?community=nope").status_code == 404
    assert client.get("/leaderboard/?community=a%00b").status_code == 404
    assert client.get("/leaderboard/?community=" + "x" * 500).status_code == 404


def test_the_organisation_board_never_reveals_secret_content(ranked, client_for):
    secret = ranked.communities["secret"]
    owner = ranked.people["owner"]
    post = Post.objects.create(author=owner, title="Project Nightingale", body="Hush")
    PostCommunity.objects.create(post=post, community=secret, created_at=post.created_at)
    grant(owner, 20, timezone.now(), community=secret)
    outsider = client_for(ranked.people["outsider"])
    for period in ("week", "month", "all"):
        body = outsider.get(f"/leaderboard/?period={period}").content.decode()
        assert "#1 Owner 23" in rows(body)  # the points count, wherever earned
        for secret_word in ("Nightingale", "Secret club", "secret-club", f"/posts/{post.pk}/"):
            assert secret_word not in body, (period, secret_word)


def test_load_more_pages_with_htmx(world, client_for, monkeypatch):
    monkeypatch.setattr(ranking_views, "PAGE_SIZE", 2)
    now = timezone.now()
    for i, points in enumerate([9, 9, 8, 7, 7]):
        grant(PersonFactory(display_name=f"Runner {i}"), points, now)
    client = client_for(world.people["member"])
    first = client.get("/leaderboard/")
    assert rows(first.content.decode()) == ["#1 Runner 0 9", "=1 Runner 1 9"]
    cursor = first.context["board"].next_cursor
    more = client.get(f"/leaderboard/?period=week&cursor={cursor}", HTTP_HX_REQUEST="true")
    text = more.content.decode()
    assert "<html" not in text
    assert rows(text) == ["#2 Runner 2 8", "#3 Runner 3 7"]
    assert 'class="load-more"' in text
    assert client.get("/leaderboard/?cursor=tampered").status_code == 400
    # A cursor of the week is not one of the month.
    assert client.get(f"/leaderboard/?period=month&cursor={cursor}").status_code == 400


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url", ["/leaderboard/", "/leaderboard/?period=all", "/c/open-club/leaderboard/"]
)
def test_the_pages_cost_the_same_queries_whatever_the_page_size(
    world, client_for, monkeypatch, url
):
    client = client_for(world.people["member"])
    now = timezone.now()
    grant(world.people["member"], 1, now, community=world.communities["open"])
    _queries(client, url)  # warms the session and caches
    monkeypatch.setattr(ranking_views, "PAGE_SIZE", 3)
    few = _queries(client, url)
    for i in range(40):
        grant(PersonFactory(), i + 2, now, community=world.communities["open"])
    monkeypatch.setattr(ranking_views, "PAGE_SIZE", 30)
    many = _queries(client, url)
    assert many == few
