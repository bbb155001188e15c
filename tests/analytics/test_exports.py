"""CSV downloads: UTF-8 with a BOM, the separator Excel expects, formulas neutralised."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from rucher.analytics.exports import cell, csv_text
from rucher.analytics.facts import local_day
from rucher.analytics.rollups import rollup_day
from rucher.communities import services as community_services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+33 6 12", "'+33 6 12"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("Équipe", "Équipe"),
        (-12.5, -12.5),
        (7, 7),
        (None, ""),
        (date(2026, 3, 2), "2026-03-02"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_escaped(value, expected):
    assert cell(value) == expected


def test_the_text_starts_with_a_bom_and_follows_the_language():
    with translation.override("fr"):
        assert csv_text(["a", "b"], [["é", 1]]) == "\ufeffa;b\r\né;1\r\n"
    with translation.override("en"):
        assert csv_text(["a", "b"], [["é", 1]]) == "\ufeffa,b\r\né,1\r\n"


def test_a_community_named_like_a_formula_is_escaped_in_the_download(world, client_for):
    community_services.community_create(
        creator=world.people["owner"], name="=HYPERLINK(evil)", kind="interest", visibility="open"
    )
    rollup_day(day=local_day() - timedelta(days=1))
    response = client_for(world.people["administrator"], language="fr").get(
        "/analytics/export/communities.csv?period=7"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="rucher-communities-')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "'=HYPERLINK(evil);" in text
    assert "\n=HYPERLINK" not in text


@pytest.mark.parametrize(
    "table", ["overview", "timeseries", "communities", "departments", "contributors", "newcomers"]
)
def test_every_table_downloads(world, client_for, table):
    response = client_for(world.people["administrator"]).get(f"/analytics/export/{table}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_downloads_follow_the_dashboard_access(world, client_for):
    assert (
        client_for(world.people["member"]).get("/analytics/export/overview.csv").status_code == 404
    )
    assert (
        client_for(world.people["administrator"]).get("/analytics/export/nothing.csv").status_code
        == 404
    )
    bad = client_for(world.people["administrator"]).get(
        "/analytics/export/overview.csv?period=custom&since=x"
    )
    assert bad.status_code == 400
