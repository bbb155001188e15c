"""Migration à l’ouverture, dans un vrai navigateur et en français : une administratrice
importe l’export Yammer de démonstration depuis la page des imports, suit la progression (la
page se rafraîchit toute seule), lit le rapport, puis ouvre une communauté importée. L’import
tourne en tâche de fond : le test vide la file lui-même avec run_queued_tasks()."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rucher.core.factories import PersonFactory
from rucher.core.testing import run_queued_tasks

FIXTURE = Path(__file__).parent.parent / "fixtures" / "yammer_export.zip"

pytestmark = pytest.mark.french


@pytest.mark.e2e
def test_an_administrator_migrates_from_yammer(page: Page, live_server, connexion):
    PersonFactory(
        username="ines", display_name="Inès Admin", is_staff=True, is_superuser=True, language="fr"
    )
    connexion("ines")

    page.locator("summary", has_text="Plus").click()
    page.get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", name="Imports", exact=True)).to_be_visible()
    page.get_by_label("Quoi importer").select_option("yammer_zip")
    page.get_by_label("Fichier").set_input_files(str(FIXTURE))
    page.get_by_role("button", name="Importer").click()

    # Queued: the page says so and keeps refreshing itself.
    expect(page).to_have_url(re.compile(r"/imports/\d+/$"))
    expect(page.get_by_role("heading", name="En attente")).to_be_visible()
    run_queued_tasks()  # the worker
    expect(page.get_by_role("heading", name="Terminé")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("heading", name="Rapport")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Lignes rejetées\s*:\s*\d+"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Messages\.csv, ligne \d+")).first).to_be_visible()

    page.get_by_role("link", name="Communautés", exact=True).click()
    page.get_by_role("link", name="Qualité & amélioration continue").click()
    expect(page.get_by_role("heading", name="Qualité & amélioration continue")).to_be_visible()
    # The imported threads are there, with their original dates (2019).
    expect(page.locator("#stream article.feed-item").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"2019")).first).to_be_visible()
