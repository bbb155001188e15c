"""GET /charter, POST /charter/accept, and /me's charter_accepted."""

import pytest

from rucher.accounts import services
from rucher.accounts.models import Charter, CharterAcceptance
from rucher.core.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(db):
    return PersonFactory(username="nina", accepted_charter_version=0)


def publish(django_capture_on_commit_callbacks, admin_user, text_en="Be kind."):
    with django_capture_on_commit_callbacks(execute=True):
        return services.charter_publish(
            author=admin_user, text_fr="Soyez aimables.", text_en=text_en
        )


def test_it_shows_the_charter_in_my_language(
    newcomer, client_for, admin_user, django_capture_on_commit_callbacks
):
    charter = publish(django_capture_on_commit_callbacks, admin_user)
    client = client_for(newcomer)
    response = client.call("GET", "/charter")
    assert response.status_code == 200
    assert response.json() == {"version": charter.version, "text": "Be kind.", "accepted": False}
    services.profile_update(person=newcomer, changes={"language": "fr"})
    assert client.call("GET", "/charter").json()["text"] == "Soyez aimables."


def test_accepting_the_charter_flips_me(
    newcomer, client_for, admin_user, django_capture_on_commit_callbacks
):
    first = publish(django_capture_on_commit_callbacks, admin_user)
    client = client_for(newcomer)
    assert client.call("GET", "/me").json()["charter_accepted"] is False

    response = client.call("POST", "/charter/accept")
    assert response.status_code == 200
    assert response.json() == {"version": first.version, "accepted": True}
    assert client.call("GET", "/me").json()["charter_accepted"] is True
    assert client.call("GET", "/charter").json()["accepted"] is True
    assert CharterAcceptance.objects.filter(person=newcomer, charter=first).exists()

    second = publish(django_capture_on_commit_callbacks, admin_user, text_en="Be kinder.")
    assert second.version == first.version + 1
    assert client.call("GET", "/me").json()["charter_accepted"] is False
    assert client.call("GET", "/charter").json() == {
        "version": second.version,
        "text": "Be kinder.",
        "accepted": False,
    }
    client.call("POST", "/charter/accept")
    assert client.call("GET", "/me").json()["charter_accepted"] is True


def test_it_is_404_when_no_charter_is_published(api):
    Charter.objects.all().delete()
    response = api.call("GET", "/charter")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api.call("POST", "/charter/accept").status_code == 404


def test_the_api_is_usable_before_accepting(
    newcomer, client_for, admin_user, django_capture_on_commit_callbacks
):
    publish(django_capture_on_commit_callbacks, admin_user)
    client = client_for(newcomer)
    assert client.call("GET", "/people").status_code == 200
