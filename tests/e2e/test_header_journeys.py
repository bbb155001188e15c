"""L'en-tête sur un écran large, en français : une seule ligne à 1366 px (les entrées principales,
puis « Plus » qui replie le reste) ; « Plus » s'ouvre au clavier, se ferme avec Échap et rend le
focus ; sur une page repliée (Classement), « Plus » est marqué comme la section courante. Sur un
téléphone, la ligne du haut reste celle du bouton « Menu »."""

import re

import pytest
from playwright.sync_api import Page, expect

from rucher.core.factories import PersonFactory

pytestmark = pytest.mark.french


@pytest.mark.e2e
def test_l_en_tete_tient_sur_une_ligne_et_plus_replie_le_reste(
    page: Page, live_server, connexion
) -> None:
    # An administrator has the longest menu (moderation, integrations, imports, administration).
    PersonFactory(username="ada", display_name="Ada Admin", language="fr", is_staff=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    connexion("ada")

    entete = page.locator("header.topbar")
    box = entete.bounding_box()
    assert box is not None and box["height"] <= 64, f"the header is {box} high"
    navigation = page.get_by_role("navigation", name="Principal")
    for nom in ("Accueil", "Communautés", "Questions", "Personnes", "Agenda", "Notifications"):
        expect(navigation.get_by_role("link", name=nom, exact=True)).to_be_visible()
    plus = navigation.locator("summary", has_text="Plus")
    classement = navigation.get_by_role("link", name="Classement")
    expect(classement).to_be_hidden()

    # Au clavier : Entrée ouvre, Échap ferme et rend le focus à « Plus ».
    plus.focus()
    page.keyboard.press("Enter")
    expect(classement).to_be_visible()
    expect(navigation.get_by_role("link", name="Administration")).to_be_visible()
    page.keyboard.press("Tab")
    expect(navigation.get_by_role("link", name="Services")).to_be_focused()
    page.keyboard.press("Escape")
    expect(classement).to_be_hidden()
    expect(plus).to_be_focused()

    # Un clic ailleurs ferme aussi le menu ouvert.
    plus.click()
    expect(classement).to_be_visible()
    page.mouse.click(10, 600)  # the left margin, away from the open panel
    expect(classement).to_be_hidden()

    plus.click()
    classement.click()
    expect(page).to_have_url(re.compile(r"/leaderboard/$"))
    expect(navigation.locator("summary.is-current")).to_have_count(1)
    plus.click()
    expect(classement).to_have_attribute("aria-current", "page")

    # Sur un téléphone, la ligne du haut ne change pas : le bouton « Menu » ouvre le tout.
    page.set_viewport_size({"width": 390, "height": 844})
    box = entete.bounding_box()
    assert box is not None and box["height"] <= 80
    expect(navigation).to_be_hidden()
