"""The public numbers (/stats/): every member sees them, and only communities they may read."""

from datetime import timedelta

import pytest

from rucher.analytics.facts import local_day
from rucher.analytics.models import ActivityDay
from rucher.analytics.rollups import rollup_day
from rucher.analytics.selectors import public_numbers
from tests.analytics.conftest import paris
from tests.analytics.helpers import History, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def recent(world):
    p, c = world.people, world.communities
    yesterday = local_day() - timedelta(days=1)
    at = paris(yesterday.year, yesterday.month, yesterday.day, 10, 0)
    history = History()
    for _ in range(3):
        publish(history, "post", p["member"], [c["secret"]], at)
    publish(history, "post", p["member"], [c["open"]], at)
    publish(history, "post", p["member"], [c["private"]], at)
    ActivityDay.objects.create(person=p["outsider"], day=yesterday)
    rollup_day(day=yesterday)
    return yesterday


def test_an_outsider_sees_the_network_figures_but_no_secret_community(world, recent, client_for):
    response = client_for(world.people["outsider"]).get("/stats/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Open club" in body
    assert "Secret club" not in body and "Private club" not in body
    numbers = response.context["numbers"]
    assert numbers.active_month == 2  # the outsider and the member (who posted)
    assert "Open the dashboard" not in body


def test_a_member_sees_their_communities_ranked(world, recent):
    numbers = public_numbers(world.people["member"])
    names = [h.community.name for h in numbers.communities]
    assert names[0] == "Secret club" and set(names) == {"Secret club", "Open club", "Private club"}


def test_a_removed_member_no_longer_sees_the_open_club(world, recent):
    names = [h.community.name for h in public_numbers(world.people["removed"]).communities]
    assert "Open club" not in names


def test_managers_get_a_link_to_the_dashboard(world, recent, client_for):
    body = client_for(world.people["manager"]).get("/stats/").content.decode()
    assert "Open the dashboard" in body


def test_anonymous_people_log_in_first(client):
    assert client.get("/stats/").status_code == 302


def test_the_page_costs_a_fixed_number_of_queries(
    world, recent, client_for, django_assert_max_num_queries
):
    client = client_for(world.people["member"])
    client.get("/stats/")
    with django_assert_max_num_queries(16):
        assert client.get("/stats/").status_code == 200
