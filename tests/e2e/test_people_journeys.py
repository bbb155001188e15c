"""A newcomer's first journeys through Rucher, in a real browser: log in and accept the charter,
complete the profile, switch language, find and follow a colleague, upload a photo."""

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from rucher.accounts import services
from rucher.accounts.models import User
from rucher.core.factories import PASSWORD, PersonFactory


def completeness(page: Page):
    return page.get_by_role("progressbar", name="Profile completeness")


@pytest.mark.e2e
def test_login_then_accept_the_charter(page: Page, live_server):
    services.charter_publish(
        author=None, text_fr="Soyons bienveillants.", text_en="Be kind to each other."
    )
    PersonFactory(username="nina", display_name="Nina Newcomer", accepted_charter_version=0)

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Log in to Rucher")).to_be_visible()
    page.get_by_label("Username").fill("nina")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))

    page.get_by_label("Username").fill("nina")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Not accepted yet: every page leads to the charter, in the person's language.
    expect(page).to_have_url(re.compile(r"/charter/\?next=/$"))
    expect(page.get_by_role("heading", name="Network charter")).to_be_visible()
    expect(page.get_by_text("Be kind to each other.")).to_be_visible()
    page.get_by_role("link", name="People").click()
    expect(page).to_have_url(re.compile(r"/charter/\?next=/people/$"))

    page.get_by_role("button", name="I accept the charter").click()
    expect(page).to_have_url(re.compile(r"/people/$"))
    page.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("heading", name="Hello Nina Newcomer")).to_be_visible()
    assert User.objects.get(username="nina").accepted_charter_version >= 1

    page.goto(f"{live_server.url}/charter/")
    expect(page.get_by_text("You have accepted this version of the charter.")).to_be_visible()
    expect(page.get_by_role("button", name="I accept the charter")).to_have_count(0)


@pytest.mark.e2e
def test_complete_the_profile_raises_completeness(page: Page, live_server, login):
    PersonFactory(username="paul", display_name="Paul Profile")
    login("paul")
    expect(completeness(page)).to_have_attribute("aria-valuenow", "0")

    page.locator("summary", has_text="More").click()
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Edit my profile").click()
    expect(page.get_by_role("heading", name="Edit my profile")).to_be_visible()
    expect(completeness(page)).to_have_attribute("aria-valuenow", "0")

    page.get_by_label("Job title").fill("Contrôleur de gestion")
    page.get_by_label("Department").fill("Finance")
    page.get_by_label("Site", exact=True).fill("Lyon")
    page.get_by_label("About me").fill("I help teams read their **numbers**.")
    page.get_by_label("Expertise").fill("Excel, Power BI, , lean management")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_contain_text("Your profile has been saved.")
    # job title 10 + department 10 + site 10 + bio 15 + expertise 15
    expect(completeness(page)).to_have_attribute("aria-valuenow", "60")
    expect(completeness(page)).to_contain_text("60")
    expect(page.get_by_label("Expertise")).to_have_value("Excel, Power BI, lean management")

    page.locator("summary", has_text="More").click()
    page.get_by_role("link", name="My profile").click()
    expect(page.get_by_role("heading", name="Paul Profile", level=1)).to_be_visible()
    expect(page.get_by_text("Contrôleur de gestion")).to_be_visible()
    expect(page.get_by_text("Finance · Lyon")).to_be_visible()
    expect(page.locator(".prose strong")).to_have_text("numbers")
    expect(page.get_by_role("link", name="Power BI")).to_be_visible()


@pytest.mark.e2e
def test_switch_language_is_remembered_on_the_person(page: Page, live_server, login, new_context):
    # The browser asks for English; the person chose French, which wins once signed in.
    PersonFactory(username="lea", display_name="Léa Langue", language="fr")
    login("lea")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fr")
    expect(page.get_by_role("button", name="Français")).to_have_count(0)

    page.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("button", name="Français")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_have_count(0)
    page.reload()
    expect(html).to_have_attribute("lang", "en")
    assert User.objects.get(username="lea").language == "en"

    # Switching back from another page returns to that page, in French.
    page.get_by_role("link", name="People").click()
    page.get_by_role("button", name="Français").click()
    expect(html).to_have_attribute("lang", "fr")
    expect(page).to_have_url(re.compile(r"/people/$"))
    expect(page.get_by_role("button", name="English")).to_be_visible()
    assert User.objects.get(username="lea").language == "fr"

    # Saved on the person, not only in this browser's cookie: a fresh English browser that
    # signs in as Léa gets French.
    other = new_context().new_page()
    other.goto(f"{live_server.url}/accounts/login/")
    expect(other.locator("html")).to_have_attribute("lang", "en")
    other.get_by_label("Username").fill("lea")
    other.get_by_label("Password", exact=True).fill(PASSWORD)
    other.get_by_role("button", name="Log in").click()
    expect(other.locator("html")).to_have_attribute("lang", "fr")
    expect(other.get_by_role("button", name="English")).to_be_visible()


@pytest.mark.e2e
def test_find_a_colleague_and_follow_them(page: Page, live_server, login):
    PersonFactory(username="bob", display_name="Bob Member", department="Finance", site="Lyon")
    PersonFactory(
        username="carol",
        display_name="Carol Colleague",
        department="Ventes",
        site="Nantes",
        job_title="Responsable grands comptes",
    )
    PersonFactory(
        username="caroline", display_name="Caroline Compta", department="Finance", site="Lyon"
    )
    PersonFactory(
        username="victor", display_name="Victor Ventes", department="Ventes", site="Nantes"
    )
    login("bob")

    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    cards = page.locator(".person-card")
    expect(cards).to_have_count(4)

    page.get_by_role("searchbox", name="Search").fill("carol")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Carol Colleague")).to_be_visible()
    expect(page.get_by_role("link", name="Caroline Compta")).to_be_visible()
    expect(cards).to_have_count(2)

    page.get_by_label("Department").select_option("Ventes")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"q=carol.*department=Ventes"))
    expect(cards).to_have_count(1)
    expect(page.get_by_role("link", name="Caroline Compta")).to_have_count(0)

    page.get_by_role("link", name="Carol Colleague").click()
    expect(page.get_by_role("heading", name="Carol Colleague", level=1)).to_be_visible()
    expect(page.get_by_text("Responsable grands comptes")).to_be_visible()
    expect(page.get_by_text("0 followers")).to_be_visible()

    # The follow button is swapped in place by htmx (the script is served from static files).
    with page.expect_response(re.compile(r"/people/carol/follow$")) as follow:
        page.get_by_role("button", name="Follow", exact=True).click()
    assert follow.value.ok
    assert follow.value.request.headers.get("hx-request") == "true"
    expect(page.get_by_role("button", name="Unfollow")).to_be_visible()

    page.reload()
    expect(page.get_by_text("1 follower", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Unfollow")).to_be_visible()
    assert User.objects.get(username="carol").follower_count == 1

    page.get_by_role("button", name="Unfollow").click()
    expect(page.get_by_role("button", name="Follow", exact=True)).to_be_visible()
    page.reload()
    expect(page.get_by_text("0 followers")).to_be_visible()


@pytest.mark.e2e
def test_upload_a_photo_shows_the_avatar(page: Page, live_server, login, tmp_path: Path):
    PersonFactory(username="fanny", display_name="Fanny Photo")
    photo = tmp_path / "me.png"
    Image.new("RGB", (64, 48), (242, 169, 0)).save(photo, format="PNG")
    login("fanny")

    page.goto(f"{live_server.url}/settings/profile/")
    expect(completeness(page)).to_have_attribute("aria-valuenow", "0")
    expect(page.locator("img.avatar")).to_have_count(0)
    page.get_by_label("Photo").set_input_files(photo)
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_role("status")).to_contain_text("Your photo has been updated.")
    expect(completeness(page)).to_have_attribute("aria-valuenow", "20")
    expect(page.get_by_role("button", name="Remove")).to_be_visible()

    page.locator("summary", has_text="More").click()
    page.get_by_role("link", name="My profile").click()
    avatar = page.locator(".profile-head img.avatar")
    expect(avatar).to_have_attribute("src", "/people/fanny/photo")
    # The image really loaded (served to signed-in members, re-encoded as a JPEG).
    avatar.evaluate("img => img.decode()")
    assert avatar.evaluate("img => img.naturalWidth") == 64
    response = page.request.get(f"{live_server.url}/people/fanny/photo")
    assert response.ok
    assert response.headers["content-type"] == "image/jpeg"
