"""The 404 and 500 pages: in the site's layout, in production and in development (DEBUG) for
people who are not staff; a secret community hidden from a person gives the very same page as
a community that does not exist."""

import pytest
from django.test import Client
from django.test.utils import override_settings

from rucher.core.testing import page_without_tokens

pytestmark = pytest.mark.django_db


def _pages(client, world):
    return (
        client.get(f"/c/{world.communities['secret'].slug}/"),
        client.get("/c/no-such-community/"),
        client.get("/no/such/page/"),
    )


@pytest.mark.parametrize("debug", [False, True])
def test_a_hidden_secret_community_gives_the_same_friendly_404(world, client_for, debug):
    with override_settings(DEBUG=debug):
        secret, missing, nowhere = _pages(client_for(world.people["outsider"]), world)
    assert secret.status_code == missing.status_code == nowhere.status_code == 404
    assert page_without_tokens(secret.content) == page_without_tokens(missing.content)
    assert page_without_tokens(secret.content) == page_without_tokens(nowhere.content)
    body = secret.content.decode()
    assert "This page cannot be found" in body
    assert 'class="topbar"' in body and 'href="/"' in body  # the site's layout
    assert world.communities["secret"].slug not in body
    assert "Traceback" not in body and "URLconf" not in body


def test_in_french_too(world, client_for):
    with override_settings(DEBUG=True):
        body = client_for(world.people["outsider"], language="fr").get("/c/nope/").content
    assert "Cette page est introuvable" in body.decode()


def test_anonymous_visitors_get_the_friendly_404_in_development():
    with override_settings(DEBUG=True):
        response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/no/such/page/")
    assert response.status_code == 404
    assert "This page cannot be found" in response.content.decode()


def test_staff_keep_the_technical_page_in_development(world, client_for, admin_user):
    with override_settings(DEBUG=True):
        body = client_for(admin_user).get("/no/such/page/").content.decode()
    assert "This page cannot be found" not in body
    assert "URLconf" in body


def test_the_api_keeps_its_json_404(world, client_for):
    with override_settings(DEBUG=True):
        response = client_for(world.people["outsider"]).get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert "This page cannot be found" not in response.content.decode()


def test_a_crash_shows_the_friendly_500(world, client_for, monkeypatch):
    from rucher.communities import selectors

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "communities_visible_to", crash)
    client = client_for(world.people["member"])
    client.raise_request_exception = False
    with override_settings(DEBUG=True):
        response = client.get("/communities/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert "boom" not in body and "Traceback" not in body


def test_the_production_500_page_renders_without_a_request():
    from django.test import RequestFactory
    from django.views import defaults

    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content or b"Une erreur" in response.content


def test_the_administration_is_branded_with_translated_app_names(admin_user):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(admin_user)
    body = client.get("/admin/").content.decode()
    assert "Rucher — administration" in body
    assert "Communautés" in body and "Plateforme" in body  # app names in French
    assert ">Communities<" not in body
