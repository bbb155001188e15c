"""GET /api/v1/values (issue 14, item 3): a client discovers the values a public thanks must
name, then thanks a colleague with one of them."""

import pytest

from rucher.recognition.models import OrganisationValue
from tests.communities.personas import build_world
from tests.shared import shared_fixture

pytestmark = pytest.mark.django_db


@shared_fixture
def world(admin_user):
    return build_world(admin_user)


def test_it_lists_the_active_values_in_order_and_kudos_accept_them(world, client_for):
    OrganisationValue.objects.all().delete()
    second = OrganisationValue.objects.create(name="Audace", description="Oser", position=2)
    first = OrganisationValue.objects.create(name="Entraide", description="", position=1)
    OrganisationValue.objects.create(name="Retired", position=0, active=False)
    api = client_for(world.people["member"])
    response = api.call("GET", "/values")
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {"id": first.pk, "name": "Entraide", "description": ""},
            {"id": second.pk, "name": "Audace", "description": "Oser"},
        ],
        "next": None,
    }
    for item in response.json()["items"]:
        thanks = api.call(
            "POST",
            "/kudos",
            {"to": "manager", "message": "Merci", "community": "open-club", "value": item["id"]},
        )
        assert thanks.status_code == 201 and thanks.json()["kudos"]["value"] == item["name"]


def test_it_is_for_members_only(anon_api):
    response = anon_api.call("GET", "/values")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
