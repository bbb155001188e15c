"""The dashboard: who sees it, over which period, what it shows, and what it costs."""

from datetime import timedelta

import pytest

from rucher.analytics.facts import local_day
from rucher.analytics.models import ActivityDay
from rucher.analytics.rollups import rollup_day
from rucher.communities import services as community_services
from tests.analytics.conftest import paris
from tests.analytics.helpers import History, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(world):
    """A community of its own, managed by the outsider of the clubs."""
    return community_services.community_create(
        creator=world.people["outsider"], name="Other", kind="interest", visibility="open"
    )


@pytest.fixture
def recent(world):
    """Yesterday: a post in the open club and one in the secret club, rolled up."""
    yesterday = local_day() - timedelta(days=1)
    at = paris(yesterday.year, yesterday.month, yesterday.day, 10, 0)
    history = History()
    publish(history, "post", world.people["member"], [world.communities["open"]], at)
    publish(history, "post", world.people["member"], [world.communities["secret"]], at)
    ActivityDay.objects.create(person=world.people["outsider"], day=yesterday)
    rollup_day(day=yesterday)
    return yesterday


def test_an_administrator_sees_the_whole_network(world, recent, client_for):
    response = client_for(world.people["administrator"]).get("/analytics/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "The whole network." in body
    assert "Secret club" in body
    assert "<svg" in body and "<title" in body


def test_a_manager_sees_only_their_communities(world, other, recent, client_for):
    response = client_for(world.people["outsider"]).get("/analytics/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Other" in body
    assert "Open club" not in body and "Secret club" not in body


@pytest.mark.parametrize("position", ["member", "ambassador", "leaver", "removed", "requester"])
def test_members_get_404(world, position, client_for):
    assert client_for(world.people[position]).get("/analytics/").status_code == 404


def test_a_manager_on_another_community_gets_403_or_404_for_a_secret_one(world, other, client_for):
    client = client_for(world.people["outsider"])
    assert client.get("/analytics/?community=open-club").status_code == 403
    assert client.get("/analytics/?community=secret-club").status_code == 404
    assert client.get("/analytics/?community=no-such-club").status_code == 404
    assert client.get(f"/analytics/?community={other.slug}").status_code == 200


def test_a_manager_who_leaves_loses_the_dashboard_at_once(world, client_for):
    manager = world.people["manager"]
    client = client_for(manager)
    assert client.get("/analytics/").status_code == 200
    for community in world.communities.values():
        community_services.community_leave(person=manager, community=community)
    assert client.get("/analytics/").status_code == 404


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get("/analytics/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("period=custom&since=2026-13-01", "YYYY-MM-DD"),
        ("period=custom&since=2026-03-10&until=2026-03-01", "must not be after"),
        ("period=custom&since=2020-01-01&until=2022-01-01", "at most 366 days"),
        ("period=custom&until=2999-01-01", "future"),
        ("period=12", "Choose 7, 30, 90"),
    ],
)
def test_bad_periods_are_400_with_the_rule(world, client_for, query, message):
    response = client_for(world.people["administrator"]).get(f"/analytics/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("period", ["7", "30", "90"])
def test_the_period_selector_and_the_comparison(world, recent, client_for, period):
    response = client_for(world.people["administrator"]).get(f"/analytics/?period={period}")
    assert response.status_code == 200
    data = response.context["data"]
    assert data.period.days == int(period)
    assert data.previous.period.until == data.period.since - timedelta(days=1)
    assert data.current.posts == 2


def test_a_custom_period(world, recent, client_for):
    since = (recent - timedelta(days=3)).isoformat()
    response = client_for(world.people["administrator"]).get(
        f"/analytics/?period=custom&since={since}&until={recent.isoformat()}"
    )
    assert response.status_code == 200
    assert response.context["data"].period.days == 4


def test_the_dashboard_costs_a_fixed_number_of_queries(
    world, recent, client_for, django_assert_max_num_queries
):
    client = client_for(world.people["administrator"])
    client.get("/analytics/")  # the day's activity fact is written once
    with django_assert_max_num_queries(36):
        assert client.get("/analytics/?period=90").status_code == 200


def test_french(world, recent, client_for):
    response = client_for(world.people["administrator"], language="fr").get("/analytics/")
    body = response.content.decode()
    assert "Santé des communautés" in body
    assert "Lecteurs" in body
