"""La recherche dans un vrai navigateur, en français : une membre tape dans la barre du haut,
voit les suggestions (htmx), ouvre tous les résultats, puis filtre par communauté."""

import re

import pytest
from playwright.sync_api import Page, expect

from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.communities.models import Community
from rucher.communities.services import community_create
from rucher.core.factories import PersonFactory

pytestmark = pytest.mark.french


@pytest.mark.e2e
def test_chercher_depuis_la_barre_du_haut_puis_filtrer(page: Page, live_server, connexion):
    olivier = PersonFactory(username="olivier", display_name="Olivier", language="fr")
    camille = PersonFactory(username="camille", display_name="Camille", language="fr")
    ruches = community_create(
        creator=olivier,
        name="Club Ruches",
        slug="club-ruches",
        kind=Community.Kind.INTEREST,
        visibility=Community.Visibility.OPEN,
    )
    jardin = community_create(
        creator=olivier,
        name="Club Jardin",
        slug="club-jardin",
        kind=Community.Kind.INTEREST,
        visibility=Community.Visibility.OPEN,
    )
    secret = community_create(
        creator=olivier,
        name="Club Secret",
        slug="club-secret",
        kind=Community.Kind.INTEREST,
        visibility=Community.Visibility.SECRET,
    )
    for community in (ruches, jardin):
        membership_actions.community_join(person=camille, community=community)
    dans_ruches = post_actions.post_publish(
        author=olivier,
        communities=[ruches],
        title="Réunion des apiculteurs",
        body="Nous préparons la réunion de printemps.",
    )
    dans_jardin = post_actions.post_publish(
        author=olivier, communities=[jardin], title="Compte rendu", body="La réunion du potager."
    )
    post_actions.post_publish(
        author=olivier, communities=[secret], title="Réunion secrète", body="Personne ne sait."
    )

    connexion("camille")

    boite = page.locator("#topbar-q")
    boite.fill("reunions")
    suggestions = page.locator("#topbar-suggestions")
    expect(
        suggestions.get_by_role("link", name=re.compile("Réunion des apiculteurs"))
    ).to_be_visible()
    expect(suggestions).not_to_contain_text("secrète")
    suggestions.get_by_role("link", name=re.compile("Tous les résultats")).click()

    expect(page).to_have_url(re.compile(r"/search/\?q=reunions"))
    resultats = page.locator("#search-results")
    expect(resultats.locator(f'a[href="/posts/{dans_ruches.pk}/"]')).to_be_visible()
    expect(resultats.locator(f'a[href="/posts/{dans_jardin.pk}/"]')).to_be_visible()
    expect(resultats.locator("mark").first).to_be_visible()
    expect(resultats).not_to_contain_text("secrète")

    page.get_by_label("Communauté").select_option("club-jardin")
    page.locator("form.search-form").get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"community=club-jardin"))
    expect(resultats.locator(f'a[href="/posts/{dans_jardin.pk}/"]')).to_be_visible()
    expect(resultats.locator(f'a[href="/posts/{dans_ruches.pk}/"]')).to_have_count(0)
