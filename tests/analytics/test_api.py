"""The analytics API: shapes of API.md, access, bad input, CSV."""

from datetime import timedelta

import pytest

from rucher.analytics.facts import local_day
from rucher.analytics.models import ActivityDay
from rucher.analytics.rollups import rollup_day
from rucher.communities import services as community_services
from tests.analytics.conftest import paris
from tests.analytics.helpers import History, comment, like, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def recent(world):
    """Yesterday: the member posts in the open club, the manager comments, the owner likes;
    the outsider only reads."""
    p, c = world.people, world.communities
    yesterday = local_day() - timedelta(days=1)
    at = paris(yesterday.year, yesterday.month, yesterday.day, 10, 0)
    history = History()
    post = publish(history, "post", p["member"], [c["open"]], at)
    comment(history, p["manager"], post, [c["open"]], at + timedelta(minutes=5))
    like(history, p["owner"], post, [c["open"]], at + timedelta(minutes=6))
    like(history, p["manager"], post, [c["open"]], at + timedelta(minutes=7))
    publish(history, "post", p["member"], [c["secret"]], at)
    ActivityDay.objects.create(person=p["outsider"], day=yesterday)
    rollup_day(day=yesterday)
    return yesterday


def test_overview_has_the_shape_of_api_md(world, recent, client_for):
    response = client_for(world.people["administrator"]).get(
        "/api/v1/analytics/overview?since=" + recent.isoformat() + "&until=" + recent.isoformat()
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {
        "active", "funnel", "posts", "comments", "likes", "questions",
        "answered_within_promise_share", "median_hours_to_first_answer",
    }  # fmt: skip
    assert body["posts"] == 2 and body["comments"] == 1 and body["likes"] == 2
    # creators: member; contributors: manager, owner; readers: the outsider.
    assert body["funnel"] == {"readers": 1, "contributors": 2, "creators": 1}
    assert body["active"] == {"day": 4.0, "week": 4, "month": 4}


def test_a_manager_reads_only_their_communities(world, recent, client_for):
    outsider = world.people["outsider"]
    other = community_services.community_create(
        creator=outsider, name="Other", kind="interest", visibility="open"
    )
    client = client_for(outsider)
    body = client.get("/api/v1/analytics/overview").json()
    assert body["posts"] == 0
    items = client.get("/api/v1/analytics/communities").json()["items"]
    assert [i["community"] for i in items] == [other.slug]
    response = client.get("/api/v1/analytics/overview?community=open-club")
    assert response.status_code == 403
    response = client.get("/api/v1/analytics/overview?community=secret-club")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize("path", ["overview", "timeseries", "communities", "departments"])
def test_members_get_404(world, client_for, path):
    response = client_for(world.people["member"]).get(f"/api/v1/analytics/{path}")
    assert response.status_code == 404


def test_anonymous_callers_get_401(client):
    assert client.get("/api/v1/analytics/overview").status_code == 401


@pytest.mark.parametrize(
    "query, field",
    [
        ("since=2026-02-30", "since"),
        ("since=2026-03-10&until=2026-03-01", "since"),
        ("since=2020-01-01&until=2022-01-01", "since"),
        ("until=2999-01-01", "until"),
    ],
)
def test_bad_dates_are_400_with_the_rule(world, client_for, query, field):
    response = client_for(world.people["administrator"]).get(f"/api/v1/analytics/overview?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body["fields"]


def test_bad_metric_or_interval_is_422(world, client_for):
    client = client_for(world.people["administrator"])
    assert client.get("/api/v1/analytics/timeseries?metric=money").status_code == 422
    assert client.get("/api/v1/analytics/timeseries?interval=year").status_code == 422


def test_timeseries_per_day_and_per_week(world, recent, client_for):
    client = client_for(world.people["administrator"])
    since = (recent - timedelta(days=13)).isoformat()
    days = client.get(
        f"/api/v1/analytics/timeseries?metric=posts&since={since}&until={recent}"
    ).json()
    assert len(days["points"]) == 14
    assert days["points"][-1] == {"at": recent.isoformat(), "value": 2}
    weeks = client.get(
        f"/api/v1/analytics/timeseries?metric=active&interval=week&since={since}&until={recent}"
    ).json()
    assert sum(p["value"] for p in weeks["points"]) == 4
    assert all(date_is_monday(p["at"]) for p in weeks["points"])


def date_is_monday(value: str) -> bool:
    from datetime import date

    return date.fromisoformat(value).weekday() == 0


def test_communities_are_paged_by_keyset(world, recent, client_for):
    from rucher.communities.models import Community

    client = client_for(world.people["administrator"])
    slugs, items, cursor = [], [], ""
    while True:
        page = client.get(f"/api/v1/analytics/communities?limit=2&cursor={cursor}").json()
        assert len(page["items"]) <= 2
        items += page["items"]
        slugs += [i["community"] for i in page["items"]]
        if not page["next"]:
            break
        cursor = page["next"]
    assert slugs == list(
        Community.objects.order_by("sort_name", "id").values_list("slug", flat=True)
    )
    assert client.get("/api/v1/analytics/communities?cursor=forged").status_code == 400
    open_club = next(i for i in items if i["community"] == "open-club")
    assert open_club["activity"] == 4 and open_club["status"] == "growing"


def test_departments(world, recent, client_for):
    p = world.people
    p["outsider"].department, p["outsider"].site = "Finance", "Lyon"
    p["outsider"].save(update_fields=["department", "site"])
    items = client_for(p["administrator"]).get("/api/v1/analytics/departments").json()["items"]
    finance = next(i for i in items if i["department"] == "Finance")
    assert finance == {
        "department": "Finance",
        "site": "Lyon",
        "people": 1,
        "active": 1,
        "share": 1.0,
    }


@pytest.mark.parametrize("how", ["accept", "format"])
def test_csv_with_accept_or_format(world, recent, client_for, how):
    client = client_for(world.people["administrator"])
    if how == "accept":
        response = client.get("/api/v1/analytics/overview", HTTP_ACCEPT="text/csv")
    else:
        response = client.get("/api/v1/analytics/overview?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffmetric,value\r\n")
    assert "posts,2\r\n" in text


def test_a_token_call_records_the_day(world, client):
    from rucher.accounts.services import token_create

    member = world.people["member"]
    _token, secret = token_create(person=member, name="cli")
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert ActivityDay.objects.filter(person=member, day=local_day()).exists()


def test_the_api_costs_a_fixed_number_of_queries(
    world, recent, client_for, django_assert_max_num_queries
):
    client = client_for(world.people["administrator"])
    client.get("/api/v1/analytics/overview")
    with django_assert_max_num_queries(14):
        assert client.get("/api/v1/analytics/overview").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/analytics/communities").status_code == 200
