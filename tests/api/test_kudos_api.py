"""POST /api/v1/kudos: public thanks, and every bad input in the API.md error shape."""

import pytest

from rucher.recognition.models import Kudos, OrganisationValue, PersonScore
from tests.communities.personas import build_world
from tests.shared import shared_fixture

pytestmark = pytest.mark.django_db


@shared_fixture
def world(admin_user):
    return build_world(admin_user)


def thank(api, **data):
    payload = {
        "to": "manager",
        "message": "Merci pour la revue",
        "community": "open-club",
        "value": "Entraide",
        **data,
    }
    return api.call("POST", "/kudos", payload)


def test_it_publishes_the_thanks_post(world, client_for):
    response = thank(client_for(world.people["member"]))
    assert response.status_code == 201, response.json()
    body = response.json()
    kudos = Kudos.objects.get()
    assert body["id"] == kudos.post_id and body["kind"] == "kudos"
    assert body["kudos"] == {"id": kudos.pk, "to": "manager", "value": "Entraide"}
    assert body["author"]["username"] == "member"
    assert body["communities"] == [{"slug": "open-club", "name": "Open club"}]
    assert PersonScore.objects.get(person=world.people["manager"]).total == 10
    # It is a post like any other: readable, likeable.
    manager = client_for(world.people["manager"])
    assert manager.call("GET", f"/posts/{kudos.post_id}").json()["kind"] == "kudos"
    assert manager.call("POST", f"/posts/{kudos.post_id}/like").status_code == 200


def test_the_value_may_be_an_id(world, client_for):
    value = OrganisationValue.objects.get(name="Audace")
    response = thank(client_for(world.people["member"]), value=value.pk)
    assert response.status_code == 201
    assert response.json()["kudos"]["value"] == "Audace"


@pytest.mark.parametrize(
    ("giver", "data", "field"),
    [
        ("member", {"to": "member"}, "to"),
        ("member", {"to": "nobody"}, "to"),
        ("member", {"to": "outsider", "community": "private-club"}, "to"),
        ("member", {"value": "Paresse"}, "value"),
        ("member", {"value": None}, "value"),
        ("member", {"message": " "}, "message"),
        ("outsider", {}, "community"),
        ("outsider", {"community": "private-club"}, "community"),
        # A secret community the caller cannot see is just unknown (nothing revealed).
        ("outsider", {"community": "secret-club"}, "community"),
        ("member", {"community": "no-such-club"}, "community"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(world, client_for, giver, data, field):
    response = thank(client_for(world.people[giver]), **data)
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid" and field in body["fields"]
    assert not Kudos.objects.exists()


def test_the_secret_community_answer_is_the_same_as_a_missing_one(world, client_for):
    api = client_for(world.people["outsider"])
    secret = thank(api, community="secret-club").json()
    missing = thank(api, community="ghost-club").json()
    assert secret["fields"]["community"][0].replace("secret-club", "X") == missing["fields"][
        "community"
    ][0].replace("ghost-club", "X")


@pytest.mark.parametrize(
    "data",
    [
        {"message": "x" * 2001},
        {"to": 12},
        {"extra": True},
        {"message": None},
    ],
)
def test_malformed_input_is_a_422(world, client_for, data):
    response = thank(client_for(world.people["member"]), **data)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_anonymous_is_401(anon_api):
    assert thank(anon_api).status_code == 401
