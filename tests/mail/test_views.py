"""Web pages: the email preferences form, and the unsubscribe link (GET confirms, POST and
RFC 8058 one-click POST unsubscribe, logged out; tampered links are refused)."""

import pytest
from django.test import Client

from rucher.mail import preferences
from rucher.mail.models import EmailPreference

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_en(member):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    member.language = "en"
    member.save(update_fields=["language"])
    client.force_login(member)
    return client


def test_the_preferences_page_shows_one_choice_per_kind(client_en):
    response = client_en.get("/settings/email/")
    assert response.status_code == 200
    body = response.content.decode()
    for kind in preferences.preference_kinds():
        assert f'name="{kind}"' in body
    assert "Comment on my post" in body
    assert "Digest of my communities" in body
    assert '<option value="immediate" selected>' in body  # mention's default
    assert "In the weekly digest" in body


def test_the_preferences_page_offers_four_presets_and_the_details_behind_customise(client_en):
    body = client_en.get("/settings/email/").content.decode()
    for value in ("all", "essential", "daily", "pause", "custom"):
        assert f'name="preset" value="{value}"' in body
    essential = 'name="preset" value="essential" aria-describedby="preset-essential-help"'
    assert f"{essential} checked" in body
    assert "Everything by email" in body and "Daily summary" in body
    # The 29 choices are folded: <details> without "open" while a preset is in use.
    assert '<details class="customise">' in body
    assert "<summary>Customise</summary>" in body


def test_choosing_a_preset_sets_every_kind(client_en, member):
    data = preferences.deliveries_for(member) | {"preset": "pause"}
    assert client_en.post("/settings/email/", data).status_code == 302
    assert set(preferences.deliveries_for(member).values()) == {"never"}
    body = client_en.get("/settings/email/").content.decode()
    assert 'value="pause" aria-describedby="preset-pause-help" checked' in body
    data = preferences.deliveries_for(member) | {"preset": "daily"}
    client_en.post("/settings/email/", data)
    assert preferences.deliveries_for(member)["comment"] == "daily"


def test_a_choice_changed_under_customise_wins_over_the_unchanged_preset(client_en, member):
    data = preferences.deliveries_for(member) | {"preset": "essential", "like": "immediate"}
    assert client_en.post("/settings/email/", data).status_code == 302
    assert preferences.delivery_for(member, "like") == "immediate"
    assert preferences.delivery_for(member, "comment") == "immediate"
    body = client_en.get("/settings/email/").content.decode()
    assert 'value="custom" aria-describedby="preset-custom-help" checked' in body
    assert '<details class="customise" open>' in body


def test_the_settings_page_links_to_it(client_en):
    assert 'href="/settings/email/"' in client_en.get("/settings/").content.decode()


def test_saving_preferences(client_en, member):
    data = preferences.deliveries_for(member) | {"like": "daily", "digest": "never"}
    response = client_en.post("/settings/email/", data)
    assert response.status_code == 302
    assert preferences.delivery_for(member, "like") == "daily"
    assert preferences.delivery_for(member, "digest") == "never"


def test_a_bad_value_saves_nothing(client_en, member):
    data = preferences.deliveries_for(member) | {"like": "daily", "digest": "immediate"}
    response = client_en.post("/settings/email/", data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not EmailPreference.objects.exists()


def test_the_preferences_page_needs_a_login():
    response = Client().get("/settings/email/")
    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


def _url(person, kind="comment"):
    return f"/mail/unsubscribe/{preferences.unsubscribe_token(person_id=person.pk, kind=kind)}/"


def test_get_asks_for_confirmation_without_changing_anything(member):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(_url(member))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Stop receiving emails about “Comment on my post”?" in body
    assert '<button type="submit"' in body
    # Nothing about the person is shown.
    assert member.display_name not in body and member.email not in body
    assert preferences.delivery_for(member, "comment") == "immediate"


def test_post_unsubscribes_logged_out(member):
    client = Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    response = client.post(_url(member))
    assert response.status_code == 200
    assert "You will no longer receive emails about “Comment on my post”." in (
        response.content.decode()
    )
    assert preferences.delivery_for(member, "comment") == "never"
    # Twice is harmless.
    assert client.post(_url(member)).status_code == 200


def test_one_click_post_from_a_mail_client(member):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        _url(member, "digest"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert preferences.delivery_for(member, "digest") == "never"
    assert preferences.delivery_for(member, "comment") == "immediate"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_refused(member, method):
    url = _url(member)
    tampered = url[:-3] + ("A" if url[-3] != "A" else "B") + "/"
    response = getattr(Client(HTTP_ACCEPT_LANGUAGE="en"), method)(tampered)
    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in response.content.decode()
    assert not EmailPreference.objects.exists()


def test_a_departed_persons_link_is_refused(departed):
    assert Client().post(_url(departed)).status_code == 400
    assert not EmailPreference.objects.exists()


def test_other_methods_are_refused(member):
    assert Client().put(_url(member)).status_code == 405
