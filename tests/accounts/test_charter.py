"""The charter gate, accepting the charter, and publishing new versions."""

from urllib.parse import quote

import pytest

from rucher.accounts import services
from rucher.accounts.models import Charter, CharterAcceptance
from rucher.core.factories import PersonFactory
from rucher.core.models import AuditEvent


@pytest.fixture
def newcomer(db):
    """Someone who has not accepted the charter yet."""
    return PersonFactory(username="nina", display_name="Nina Newcomer", accepted_charter_version=0)


@pytest.fixture
def newcomer_client(client_for, newcomer):
    return client_for(newcomer)


def _publish(admin_client, django_capture_on_commit_callbacks, **texts):
    data = {"text_fr": "Charte v2", "text_en": "Charter v2", **texts}
    with django_capture_on_commit_callbacks(execute=True):
        return admin_client.post("/charter/publish/", data)


def test_it_starts_with_the_charter_published_by_the_migration(db):
    charter = Charter.objects.get()
    assert charter.version == 1
    assert charter.text_fr and charter.text_en


@pytest.mark.parametrize("path", ["/", "/people/", "/people/?q=ab&site=Lyon", "/settings/"])
def test_it_sends_a_newcomer_to_the_charter_first(newcomer_client, path):
    response = newcomer_client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/charter/?next=" + quote(path)


def test_it_tells_htmx_to_redirect(newcomer_client):
    response = newcomer_client.get("/people/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/charter/?next=" + quote("/people/")
    assert response.content == b""


def test_it_lets_a_newcomer_reach_the_charter(newcomer_client):
    assert newcomer_client.get("/charter/").status_code == 200


def test_it_lets_a_newcomer_switch_language(newcomer_client, newcomer):
    response = newcomer_client.post("/i18n/language/", {"language": "en", "next": "/charter/"})
    assert response["Location"] == "/charter/"
    newcomer.refresh_from_db()
    assert newcomer.language == "en"


def test_it_keeps_the_query_string_through_the_gate(newcomer_client):
    response = newcomer_client.get("/people/?site=Lyon")
    charter_url = response["Location"]
    response = newcomer_client.get(charter_url)
    assert response.context["next"] == "/people/?site=Lyon"
    response = newcomer_client.post("/charter/", {"version": "1", "next": response.context["next"]})
    assert response["Location"] == "/people/?site=Lyon"


def test_it_lets_a_newcomer_log_out(newcomer_client):
    response = newcomer_client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"


def test_it_does_not_gate_people_who_accepted(member_client):
    assert member_client.get("/").status_code == 200


def test_it_does_not_gate_anonymous_visitors(client_for, db):
    response = client_for().get("/")
    assert response["Location"].startswith("/accounts/login/")


def test_it_shows_the_charter_to_accept(newcomer_client):
    response = newcomer_client.get("/charter/?next=/people/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rucher usage charter" in body  # English text for an English browser
    assert 'name="version" value="1"' in body
    assert 'name="next" value="/people/"' in body
    assert not response.context["accepted"]


def test_it_shows_the_french_text_to_a_french_browser(client_for, newcomer):
    response = client_for(newcomer, language="fr").get("/charter/")
    assert "<h2>Charte d'utilisation de Rucher</h2>" in response.content.decode()


def test_it_requires_sign_in_for_the_charter(client_for, db):
    response = client_for().get("/charter/")
    assert response["Location"].startswith("/accounts/login/")


def test_it_accepts_the_charter_and_goes_to_next(newcomer_client, newcomer):
    response = newcomer_client.post("/charter/", {"version": "1", "next": "/people/"})
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    newcomer.refresh_from_db()
    assert newcomer.accepted_charter_version == 1
    assert CharterAcceptance.objects.filter(person=newcomer, charter__version=1).count() == 1
    assert newcomer_client.get("/").status_code == 200


def test_it_never_redirects_to_an_external_next(newcomer_client, newcomer):
    response = newcomer_client.post("/charter/", {"version": "1", "next": "https://evil.example"})
    assert response["Location"] == "/"
    response = newcomer_client.post("/charter/", {"version": "1", "next": "//evil.example/x"})
    assert response["Location"] == "/"


def test_it_accepts_twice_without_a_second_row(newcomer_client, newcomer):
    newcomer_client.post("/charter/", {"version": "1"})
    newcomer_client.post("/charter/", {"version": "1"})
    assert CharterAcceptance.objects.filter(person=newcomer).count() == 1


def test_it_refuses_a_stale_version(newcomer_client, newcomer, admin_user):
    services.charter_publish(author=admin_user, text_fr="v2", text_en="v2")
    response = newcomer_client.post("/charter/", {"version": "1", "next": "/people/"}, follow=True)
    assert response.redirect_chain[0] == ("/charter/", 302)
    assert "The charter changed while you were reading it" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.accepted_charter_version == 0
    assert not CharterAcceptance.objects.filter(person=newcomer).exists()


@pytest.mark.parametrize("version", ["", "abc", "999"])
def test_it_refuses_a_bogus_version(newcomer_client, newcomer, version):
    response = newcomer_client.post("/charter/", {"version": version})
    assert response["Location"] == "/charter/"
    newcomer.refresh_from_db()
    assert newcomer.accepted_charter_version == 0


def test_it_lets_an_administrator_open_the_publish_page(admin_client):
    response = admin_client.get("/charter/publish/")
    assert response.status_code == 200
    assert response.context["form"].initial["text_en"].startswith("## Rucher usage charter")


def test_it_hides_the_publish_page_from_members(member_client):
    assert member_client.get("/charter/publish/").status_code == 404
    assert (
        member_client.post("/charter/publish/", {"text_fr": "x", "text_en": "y"}).status_code == 404
    )
    assert Charter.objects.count() == 1


def test_it_publishes_a_new_version_everyone_must_accept(
    client_for, admin_client, admin_user, django_capture_on_commit_callbacks
):
    reader = PersonFactory(username="rita", accepted_charter_version=1)
    reader_client = client_for(reader)
    assert reader_client.get("/").status_code == 200  # the current charter is now cached

    response = _publish(admin_client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == "/charter/"
    charter = Charter.objects.get(version=2)
    assert charter.published_by == admin_user
    assert (charter.text_fr, charter.text_en) == ("Charte v2", "Charter v2")

    response = reader_client.get("/")
    assert response["Location"] == "/charter/?next=/"
    response = reader_client.post("/charter/", {"version": "2", "next": "/"})
    assert response["Location"] == "/"
    assert reader_client.get("/").status_code == 200
    assert set(
        CharterAcceptance.objects.filter(person=reader).values_list("charter__version", flat=True)
    ) == {2}


def test_it_audits_a_publication(admin_client, admin_user, django_capture_on_commit_callbacks):
    _publish(admin_client, django_capture_on_commit_callbacks)
    event = AuditEvent.objects.get(action="charter.publish")
    assert event.actor == admin_user
    assert event.target == "v2"


def test_it_numbers_versions_in_sequence(admin_client, django_capture_on_commit_callbacks):
    _publish(admin_client, django_capture_on_commit_callbacks)
    _publish(admin_client, django_capture_on_commit_callbacks, text_en="")
    assert list(Charter.objects.values_list("version", flat=True)) == [3, 2, 1]


def test_it_rejects_empty_texts(admin_client, django_capture_on_commit_callbacks):
    response = _publish(admin_client, django_capture_on_commit_callbacks, text_fr="  ", text_en="")
    assert response.status_code == 400
    assert response.context["form"].errors["text_fr"]
    assert Charter.objects.count() == 1
    assert not AuditEvent.objects.filter(action="charter.publish").exists()


def test_it_rejects_control_characters(admin_client, django_capture_on_commit_callbacks):
    response = _publish(admin_client, django_capture_on_commit_callbacks, text_en="bad\x07")
    assert response.status_code == 400
    assert response.context["form"].errors["text_en"]
    assert Charter.objects.count() == 1


def test_it_falls_back_to_the_other_language(db):
    charter = Charter(version=9, text_fr="Seulement en français", text_en="")
    assert charter.text_for("en") == "Seulement en français"
    assert Charter(version=9, text_fr="", text_en="Only English").text_for("fr") == "Only English"
