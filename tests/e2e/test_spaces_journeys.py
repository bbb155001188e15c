"""Les espaces d'une communauté, dans un vrai navigateur et en français : créer un événement
qui se répète chaque semaine, y répondre « J'y vais », télécharger son .ics (relu avec
icalendar) ; poser un sondage, y voter et voir les résultats en barres."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from rucher.actions import memberships as membership_actions
from rucher.agenda.models import Event, Rsvp
from rucher.communities.models import Community
from rucher.communities.services import community_create
from rucher.core.factories import PersonFactory
from rucher.polls.models import Poll

pytestmark = [pytest.mark.french, pytest.mark.browser_context_args(accept_downloads=True)]


def _atelier() -> Community:
    owner = PersonFactory(username="olga", display_name="Olga Owner", language="fr")
    community = community_create(
        creator=owner,
        name="Atelier vélo",
        slug="atelier-velo",
        kind=Community.Kind.INTEREST,
        visibility=Community.Visibility.OPEN,
        description="Réparer ensemble.",
    )
    camille = PersonFactory(username="camille", display_name="Camille Martin", language="fr")
    membership_actions.community_join(person=camille, community=community)
    return community


@pytest.mark.e2e
def test_creer_un_evenement_repondre_et_telecharger_son_ics(
    page: Page, live_server, connexion, tmp_path: Path
):
    community = _atelier()
    connexion("camille")
    page.goto(f"{live_server.url}/c/{community.slug}/events/")
    page.get_by_role("link", name="Nouvel événement").click()

    debut = (timezone.localtime() + timedelta(days=3)).replace(hour=12, minute=30)
    jusqu_au = (debut + timedelta(weeks=3)).date()
    page.get_by_label("Titre", exact=True).fill("Réparation du midi")
    page.get_by_label("Début", exact=True).fill(debut.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Fin", exact=True).fill(
        (debut + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("Répéter", exact=True).select_option(label="Chaque semaine")
    page.get_by_label("Jusqu’au", exact=True).fill(jusqu_au.isoformat())
    page.get_by_label("Lieu", exact=True).fill("Garage, bâtiment B")
    page.get_by_role("button", name="Créer l’événement").click()

    expect(page.get_by_text("Événement créé.")).to_be_visible()
    expect(page.get_by_role("heading", name="Réparation du midi")).to_be_visible()
    expect(page.locator(".event-repeats")).to_contain_text("Chaque semaine, jusqu’au")
    expect(page.get_by_text("Prochaines dates")).to_be_visible()
    event = Event.objects.get()
    assert (event.recurrence, event.recurrence_until) == ("weekly", jusqu_au)

    # Répondre : « J'y vais » (pour toutes les dates de la série).
    expect(page.get_by_text("votre réponse vaut pour toutes les dates")).to_be_visible()
    page.get_by_role("button", name="J’y vais").click()
    expect(page.get_by_role("button", name="J’y vais")).to_have_attribute("aria-pressed", "true")
    assert Rsvp.objects.get(event=event).answer == "yes"
    expect(page.locator("article")).to_contain_text("Camille Martin")

    # Télécharger le .ics, et le relire.
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Ajouter à mon agenda (.ics)").click()
    fichier = tmp_path / "evenement.ics"
    telechargement.value.save_as(fichier)
    [vevent] = Calendar.from_ical(fichier.read_bytes()).walk("VEVENT")
    assert str(vevent["summary"]) == "Réparation du midi"
    assert vevent["rrule"]["FREQ"] == ["WEEKLY"]
    assert vevent.decoded("dtstart") == event.starts_at

    # Les quatre dates apparaissent dans l'onglet Événements et dans mon agenda.
    page.goto(f"{live_server.url}/c/{community.slug}/events/")
    expect(page.locator(".event-item")).to_have_count(4)
    page.goto(f"{live_server.url}/agenda/")
    expect(page.get_by_role("heading", name="Mon agenda")).to_be_visible()
    expect(page.locator(".event-item", has_text="Réparation du midi")).to_have_count(4)


@pytest.mark.e2e
def test_poser_un_sondage_voter_et_voir_les_resultats(page: Page, live_server, connexion):
    community = _atelier()
    connexion("camille")
    page.goto(f"{live_server.url}/c/{community.slug}/polls/")
    page.get_by_role("link", name="Nouveau sondage").click()
    page.get_by_label("Question", exact=True).fill("Quel jour pour l’atelier ?")
    page.get_by_label("Choix", exact=True).fill("Mardi\nJeudi")
    page.get_by_role("button", name="Poser la question").click()

    poll = Poll.objects.get()
    expect(page.get_by_role("heading", name="Quel jour pour l’atelier ?")).to_be_visible()
    page.get_by_label("Jeudi").check()
    page.get_by_role("button", name="Voter").click()

    resultats = page.locator(".poll-results li")
    expect(page.get_by_role("heading", name="Résultats")).to_be_visible()
    expect(resultats.nth(1)).to_contain_text("1 vote")
    expect(resultats.nth(1)).to_contain_text("Camille Martin")
    expect(resultats.nth(1).locator("meter.poll-bar")).to_have_attribute("value", "100")
    expect(resultats.nth(0).locator("meter.poll-bar")).to_have_attribute("value", "0")
    expect(page.get_by_text("1 votant")).to_be_visible()
    # Changer d'avis jusqu'à la clôture.
    expect(page.get_by_role("button", name="Changer mon vote")).to_be_visible()
    page.get_by_label("Mardi").check()
    page.get_by_role("button", name="Changer mon vote").click()
    expect(resultats.nth(0)).to_contain_text("1 vote")
    poll.refresh_from_db()
    assert (poll.counts, poll.voter_count) == ([1, 0], 1)
