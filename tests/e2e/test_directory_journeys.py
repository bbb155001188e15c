"""L'annuaire des communautés sur un téléphone, en français : « Vos collègues ont rejoint » propose
la communauté d'une collègue suivie ; « Rejoindre » sur la carte fait entrer sans quitter la page
(htmx remplace la carte) ; pour une communauté privée, la carte envoie une demande."""

import re

import pytest
from playwright.sync_api import Page, expect

from rucher.accounts import services as account_services
from rucher.actions import memberships as membership_actions
from rucher.communities.models import Community, Membership
from rucher.communities.services import community_create
from rucher.core.factories import PersonFactory

pytestmark = pytest.mark.french


@pytest.mark.e2e
def test_rejoindre_depuis_l_annuaire_sans_quitter_la_page(
    page: Page, live_server, connexion
) -> None:
    olga = PersonFactory(username="olga", display_name="Olga Owner", language="fr")
    nora = PersonFactory(username="nora", display_name="Nora Nouvelle", language="fr")
    lise = PersonFactory(username="lise", display_name="Lise Lectrice", language="fr")
    account_services.follow_create(follower=nora, followee=lise)
    qualite = community_create(
        creator=olga,
        name="Qualité",
        slug="qualite",
        kind=Community.Kind.EXPERTISE,
        visibility=Community.Visibility.OPEN,
        description="Les **audits** et la norme ISO 9001.",
    )
    membership_actions.community_join(person=lise, community=qualite)
    community_create(
        creator=olga,
        name="Direction",
        slug="direction",
        kind=Community.Kind.PROJECT,
        visibility=Community.Visibility.PRIVATE,
    )

    page.set_viewport_size({"width": 390, "height": 844})
    connexion("nora")
    page.goto(f"{live_server.url}/communities/")

    suggestions = page.get_by_role("region", name="Vos collègues ont rejoint")
    carte = suggestions.locator("article", has_text="Qualité")
    expect(carte).to_contain_text("Lise Lectrice en est membre")
    expect(carte).to_contain_text("Les audits et la norme ISO 9001.")
    expect(carte).to_contain_text("2 membres")
    carte.get_by_role("button", name="Rejoindre").click()
    expect(carte.get_by_role("status")).to_have_text("Bienvenue dans Qualité !")
    expect(carte).to_contain_text("Vous êtes membre")
    expect(carte).to_contain_text("3 membres")
    expect(page).to_have_url(re.compile(r"/communities/$"))
    assert Membership.objects.get(community=qualite, person=nora).status == "member"

    privee = page.locator("#communities article", has_text="Direction")
    privee.get_by_role("button", name="Demander à rejoindre").click()
    expect(privee).to_contain_text("Demande en attente")
    assert Membership.objects.get(community__slug="direction", person=nora).status == "requested"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
