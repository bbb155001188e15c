"""Every date filter checks its range (issue 13, item 9): `?since=0001-01-01` on the answer-time
reports answered 500 (OverflowError). The only date filters are the reports' since/until: the
organisation's report and a community's on the web, and GET /api/v1/reports/answer-times."""

import pytest
from django.test import Client

from rucher.accounts import services as accounts

pytestmark = pytest.mark.django_db

WEB_PATHS = ["/questions/report/", "/c/open-club/questions/report/"]
OUT_OF_RANGE = [
    "since=0001-01-01",
    "until=0001-01-01",
    "since=9999-12-31",
    "until=9999-12-31",
    "since=1899-12-31",
]


@pytest.mark.parametrize("path", WEB_PATHS)
@pytest.mark.parametrize("query", OUT_OF_RANGE)
def test_the_web_report_refuses_a_date_out_of_range(world, client_for, path, query):
    response = client_for(world.people["member"]).get(f"{path}?{query}")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Give a date between" in body and 'class="errorlist"' in body
    assert 'id="report-questions"' not in body


@pytest.mark.parametrize("path", WEB_PATHS)
def test_the_web_report_refuses_an_end_before_the_start(world, client_for, path):
    client = client_for(world.people["member"])
    response = client.get(f"{path}?since=2026-06-10&until=2026-06-01")
    assert response.status_code == 400
    assert "The end date comes before the start date." in response.content.decode()
    fine = client.get(f"{path}?since=1900-01-01&until=2999-12-31")
    assert fine.status_code == 200 and 'id="report-questions"' in fine.content.decode()


def test_the_web_error_is_in_french_too(world, client_for):
    response = client_for(world.people["member"], language="fr").get(
        "/questions/report/?since=0001-01-01"
    )
    assert response.status_code == 400
    assert "Indiquez une date entre" in response.content.decode()


def test_an_outsider_still_gets_a_404_for_a_community_they_cannot_read(world, client_for):
    outsider = client_for(world.people["outsider"])
    assert outsider.get("/c/secret-club/questions/report/?since=0001-01-01").status_code == 404
    assert outsider.get("/c/secret-club/questions/report/").status_code == 404


def _api(person):
    _token, raw = accounts.token_create(person=person, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(
    "query",
    [
        *OUT_OF_RANGE,
        "since=0001-01-01T00:00:00%2B14:00",
        "until=9999-12-31T23:59:59-12:00",
        "community=open-club&since=0001-01-01",
    ],
)
def test_the_api_report_refuses_a_date_out_of_range(world, query):
    response = _api(world.people["member"]).get(f"/api/v1/reports/answer-times?{query}")
    assert response.status_code == 400
    body = response.json()
    field = query.split("&")[-1].split("=")[0]
    assert body["code"] == "invalid" and list(body["fields"]) == [field]
    assert body["detail"].startswith("Give a date between")


def test_the_api_report_refuses_an_end_before_the_start(world):
    api = _api(world.people["member"])
    response = api.get("/api/v1/reports/answer-times?since=2026-06-10&until=2026-06-01T12:00:00Z")
    assert response.status_code == 400
    assert response.json()["fields"] == {"until": ["The end date comes before the start date."]}
    fine = api.get("/api/v1/reports/answer-times?since=1900-01-01&until=2999-12-31")
    assert fine.status_code == 200 and fine.json()["questions"] == 0
