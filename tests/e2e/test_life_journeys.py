"""Everyday life in a real browser, in French: Bob offers his Paris desk for next week; Léa,
visiting from Lyon, books it for Tuesday; Bob sees who booked it. Camille offers a carpool
Paris → Lyon and accepts a rider, which takes a seat."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rucher.core.factories import PersonFactory
from rucher.life import services
from rucher.life.models import Desk, DeskBooking, Floor, Service, Site


def _switch(page: Page, login, username: str) -> None:
    page.context.clear_cookies()
    login(username)


@pytest.mark.e2e
def test_a_desk_offered_booked_and_seen_by_its_owner(page: Page, live_server, login):
    bob = PersonFactory(username="bob", display_name="Bob Martin", site="Paris", language="fr")
    PersonFactory(username="lea", display_name="Léa Rousseau", site="Lyon", language="fr")
    paris = Site.objects.create(name="Paris")
    floor = Floor.objects.create(site=paris, name="2e étage")
    desk = Desk.objects.create(site=paris, floor=floor, label="P2-01", owner=bob)
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    tuesday = monday + timedelta(days=1)

    login("bob")
    page.goto(f"{live_server.url}/desks/")
    expect(page.get_by_role("heading", name="Partage de bureaux")).to_be_visible()
    page.get_by_label("Du").fill(monday.isoformat())
    page.get_by_label("Au").fill((monday + timedelta(days=4)).isoformat())
    page.get_by_role("button", name="Proposer mon bureau").click()
    expect(
        page.get_by_text("Votre bureau est proposé aux collègues pour ces jours.")
    ).to_be_visible()

    _switch(page, login, "lea")
    page.goto(f"{live_server.url}/desks/?site={paris.pk}&date={tuesday.isoformat()}")
    item = page.locator("li.desk", has_text="P2-01")
    item.get_by_role("button", name="Réserver").click()
    expect(page.get_by_text("Le bureau P2-01 est réservé pour vous.")).to_be_visible()
    assert DeskBooking.objects.filter(desk=desk, day=tuesday, person__username="lea").exists()

    _switch(page, login, "bob")
    page.goto(f"{live_server.url}/desks/")
    booked = page.locator("section.my-desk")
    expect(booked.get_by_text("Léa Rousseau")).to_be_visible()
    page.goto(f"{live_server.url}/desks/sites/{paris.pk}/week/?week={monday.isoformat()}")
    expect(page.locator("td.cell-booked", has_text="Léa Rousseau")).to_be_visible()


@pytest.mark.e2e
def test_a_carpool_offered_and_a_rider_accepted(page: Page, live_server, login):
    PersonFactory(username="camille", display_name="Camille Durand", language="fr")
    rider = PersonFactory(username="hugo", display_name="Hugo Petit", language="fr")
    Site.objects.create(name="Paris")
    day = timezone.localdate() + timedelta(days=3)

    login("camille")
    page.goto(f"{live_server.url}/services/new/")
    page.get_by_label("Type").select_option("offer")
    page.get_by_label("Catégorie").select_option("carpool")
    page.get_by_label("Titre").fill("Paris → Lyon vendredi")
    page.get_by_label("Du (ou le)").fill(day.isoformat())
    page.get_by_label("Covoiturage : départ de").fill("Paris")
    page.get_by_label("Covoiturage : destination").fill("Lyon")
    page.get_by_label("Covoiturage : places libres").fill("2")
    page.get_by_label("Réponses privées").uncheck()
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_role("heading", name="Paris → Lyon vendredi")).to_be_visible()
    expect(page.get_by_text("2 places libres")).to_be_visible()

    service = Service.objects.get()
    services.service_reply(actor=rider, service=service, body="Une place pour moi ?")
    page.reload()
    page.get_by_role("button", name="Accepter comme passager").click()
    expect(page.get_by_text("Passager accepté.")).to_be_visible()
    expect(page.get_by_text("1 place libre")).to_be_visible()
    service.refresh_from_db()
    assert service.seats == 1
