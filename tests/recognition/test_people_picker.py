"""People pickers (issue 15): thanks, adding a member and the manager field take a name, not a
username; htmx suggests people as one types; a plain field still works without JavaScript."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from rucher.communities.models import Membership
from rucher.core.factories import PersonFactory
from rucher.recognition.kudos import kudos_give
from rucher.recognition.models import Kudos

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_thanks_go_to_a_colleague_typed_by_their_display_name(world):
    manager = world.people["manager"]
    kudos = kudos_give(
        giver=world.people["member"],
        community=world.communities["open"],
        to="MANAGER",  # the display name "Manager", case folded
        message="Merci !",
        value="Entraide",
    )
    assert kudos.receiver == manager


def test_an_ambiguous_name_asks_to_pick_and_writes_nothing(world):
    PersonFactory(username="m1", display_name="Marie Curie")
    PersonFactory(username="m2", display_name="Marie Curie")
    with pytest.raises(ValidationError) as exc:
        kudos_give(
            giver=world.people["member"],
            community=world.communities["open"],
            to="Marie Curie",
            message="Merci",
            value="Entraide",
        )
    assert "pick one from the suggestions" in exc.value.message_dict["to"][0]
    assert not Kudos.objects.exists()


def test_the_suggestions_fold_case_and_need_a_login(world, client_for):
    PersonFactory(username="eloise", display_name="Éloïse Martin", job_title="Juriste")
    PersonFactory(username="gone", display_name="Éloïse Partie", is_active=False)
    client = client_for(world.people["member"])
    html = client.get("/suggest/people/", {"to": "éloïse mar"}).content.decode()
    assert '<option value="eloise">Éloïse Martin · Juriste</option>' in html
    assert "gone" not in html
    assert client.get("/suggest/people/", {"to": "É"}).content.decode().strip() == ""
    anonymous = client_for(None).get("/suggest/people/", {"to": "eloise"})
    assert anonymous.status_code == 302


def test_the_thanks_form_is_a_people_picker_that_works_without_javascript(world, client_for):
    client = client_for(world.people["member"])
    page = client.get("/thank/?community=open-club").content.decode()
    assert 'list="kudos-to-suggestions"' in page and 'hx-get="/suggest/people/"' in page
    assert '<datalist id="kudos-to-suggestions"></datalist>' in page
    assert "username" not in page.split('name="to"')[0].rsplit("<label", 1)[1].lower()
    values = client.get("/thank/").context["form"].fields["value"].choices
    response = client.post(
        "/thank/",
        {"community": "open-club", "to": "Manager", "message": "Merci", "value": values[-1][0]},
    )
    assert response.status_code == 302
    assert Kudos.objects.get().receiver == world.people["manager"]


def test_a_manager_adds_a_member_by_name(world, client_for):
    newcomer = PersonFactory(username="n.dupont", display_name="Nadia Dupont")
    client = client_for(world.people["owner"])
    page = client.get("/c/open-club/manage/").content.decode()
    assert 'list="member-add-suggestions"' in page
    response = client.post(
        "/c/open-club/manage/members", {"username": "nadia dupont", "role": "member"}
    )
    assert response.status_code in (200, 302)
    assert Membership.objects.filter(
        community=world.communities["open"], person=newcomer, status=Membership.Status.MEMBER
    ).exists()
    # A member cannot use the manager's form, whatever the name.
    denied = client_for(world.people["member"]).post(
        "/c/open-club/manage/members", {"username": "Nadia Dupont", "role": "member"}
    )
    assert denied.status_code in (403, 404)


def test_a_colleague_named_suggest_keeps_their_profile(client_for):
    viewer = PersonFactory(username="viewer.s")
    PersonFactory(username="suggest", display_name="Sam Suggest")
    page = client_for(viewer).get("/people/suggest/")
    assert page.status_code == 200
    assert "Sam Suggest" in page.content.decode()
