"""Analytics in a real browser, in French: an administrator opens the dashboard, changes the
period and downloads a table as CSV; a manager sees only their own community."""

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect

from rucher.actions import posts as post_actions
from rucher.analytics.facts import local_day, organisation_tz
from rucher.analytics.rollups import rollup_day
from rucher.communities.models import Community
from rucher.communities.services import community_create
from rucher.core.factories import PersonFactory
from tests.analytics.conftest import clock


def _world():
    admin = PersonFactory(username="ada", display_name="Ada Admin", is_staff=True, language="fr")
    manon = PersonFactory(username="manon", display_name="Manon Manager", language="fr")
    rita = PersonFactory(username="rita", display_name="Rita Other")
    ours = community_create(
        creator=manon, name="Jardin partagé", slug="jardin", kind=Community.Kind.INTEREST,
        visibility=Community.Visibility.OPEN, description="Les légumes.",
    )  # fmt: skip
    theirs = community_create(
        creator=rita, name="Club secret", slug="club-secret", kind=Community.Kind.INTEREST,
        visibility=Community.Visibility.SECRET, description="Chut.",
    )  # fmt: skip
    yesterday = local_day() - timedelta(days=1)
    with clock(datetime.combine(yesterday, time(10), tzinfo=organisation_tz())):
        post_actions.post_publish(author=manon, communities=[ours], body="Les tomates sont là")
        post_actions.post_publish(author=rita, communities=[theirs], body="Rien à voir")
    rollup_day(day=yesterday)
    return admin, manon


@pytest.mark.e2e
def test_an_administrator_changes_the_period_and_downloads_a_csv(page: Page, live_server, login):
    _world()
    login("ada")
    page.goto(f"{live_server.url}/analytics/")
    expect(page.get_by_role("heading", name="Tableau de bord", exact=True)).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile("Lecteurs, contributeurs et créateurs"))
    ).to_be_visible()
    expect(page.get_by_role("link", name="Club secret")).to_be_visible()
    page.get_by_label("90 jours").check()
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(r"period=90"))
    expect(page.get_by_role("img", name="Personnes actives par semaine")).to_be_visible()
    health = page.locator("section", has=page.get_by_role("heading", name="Santé des communautés"))
    with page.expect_download() as download_info:
        health.get_by_role("link", name="Télécharger (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("rucher-communities-")
    text = download.path().read_text(encoding="utf-8")
    assert text.startswith("\ufeffcommunauté;")
    assert "Jardin partagé;jardin;" in text


@pytest.mark.e2e
def test_a_manager_sees_only_their_community(page: Page, live_server, login):
    _world()
    login("manon")
    page.goto(f"{live_server.url}/stats/")
    page.get_by_role("link", name="Ouvrir le tableau de bord").click()
    expect(page.get_by_role("heading", name=re.compile("Tableau de bord"))).to_be_visible()
    expect(page.get_by_role("link", name="Jardin partagé")).to_be_visible()
    expect(page.get_by_text("Club secret")).to_have_count(0)
    response = page.goto(f"{live_server.url}/analytics/?community=club-secret")
    assert response is not None and response.status == 404
