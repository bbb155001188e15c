"""Public thanks (F-RECOGNITION): the service, its bad input, the web form, the stream line and
the profile (only thanks the viewer may read)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.communities import services as communities
from rucher.content.models import Post
from rucher.core.factories import PersonFactory
from rucher.moderation import services as moderation
from rucher.notifications.messages import notification_message
from rucher.notifications.models import Notification
from rucher.recognition.kudos import kudos_give
from rucher.recognition.models import Kudos, OrganisationValue, PointsEntry
from tests.recognition.test_points import assert_consistent, total

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The messages checked below are the English ones.
    with translation.override("en"):
        yield


@pytest.fixture
def people(world):
    return world.people


def give(world, *, giver="member", to="manager", visibility="open", **kwargs):
    data = {
        "giver": world.people[giver],
        "community": world.communities[visibility],
        "to": to,
        "message": "Thanks for the **review**!",
        "value": "Entraide",
    }
    data.update(kwargs)
    return kudos_give(**data)


def nothing_written():
    assert not Kudos.objects.exists()
    assert not Post.objects.filter(kind="kudos").exists()
    assert not PointsEntry.objects.filter(reason="kudos_received").exists()
    assert not Notification.objects.filter(kind="kudos").exists()


def test_the_default_values_exist():
    assert list(OrganisationValue.objects.values_list("name", flat=True)) == [
        "Entraide",
        "Audace",
        "Exigence",
        "Bienveillance",
    ]


def test_a_thanks_is_a_post_a_row_points_and_a_notification(world, people):
    kudos = give(world)
    post = kudos.post
    assert post.kind == "kudos" and post.author == people["member"]
    assert "<strong>review</strong>" in post.body_html
    assert list(post.communities.all()) == [world.communities["open"]]
    assert kudos.receiver == people["manager"] and kudos.value.name == "Entraide"
    assert total(people["manager"]) == 10
    assert total(people["member"]) == 0  # thanking earns the giver nothing
    notification = Notification.objects.get(kind="kudos")
    assert notification.recipient == people["manager"]
    assert notification.post == post
    assert "Member thanked you publicly (Entraide)" in notification_message(notification)
    assert_consistent()


def test_the_value_is_given_by_name_or_id_and_is_optional_without_active_values(world, people):
    value = OrganisationValue.objects.get(name="Audace")
    assert give(world, value=value.pk).value == value
    assert give(world, to="ambassador", value="  audace ").value == value
    OrganisationValue.objects.update(active=False)
    kudos = give(world, to="owner", value=None)
    assert kudos.value is None


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"to": "member"}, "to", "cannot thank yourself"),
        ({"to": "nobody"}, "to", "Unknown person"),
        ({"to": "bad\x00name"}, "to", "Unknown person"),
        ({"to": "outsider", "visibility": "private"}, "to", "cannot read"),
        ({"to": "leaver", "visibility": "secret"}, "to", "cannot read"),
        ({"giver": "outsider"}, "community", "Join"),
        ({"giver": "requester", "visibility": "private"}, "community", "Join"),
        ({"value": "Paresse"}, "value", "Unknown value"),
        ({"value": None}, "value", "Choose one of the values"),
        ({"value": 10**9}, "value", "Unknown value"),
        ({"message": "   "}, "message", "Say why"),
        ({"message": "x" * 2001}, "message", "2000"),
        ({"message": "bad\x00text"}, "message", ""),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(
    world, kwargs, field, message
):
    with pytest.raises(ValidationError) as exc:
        give(world, **kwargs)
    assert message in " ".join(exc.value.message_dict[field])
    nothing_written()


def test_an_inactive_value_or_a_departed_colleague_is_refused(world, departed):
    OrganisationValue.objects.filter(name="Audace").update(active=False)
    with pytest.raises(ValidationError) as exc:
        give(world, value="Audace")
    assert "value" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        give(world, to=departed.username)
    assert "to" in exc.value.message_dict
    nothing_written()


def test_a_person_removed_from_the_community_cannot_be_thanked_there(world, people):
    membership_actions.membership_remove(
        actor=people["owner"], community=world.communities["open"], person=people["manager"]
    )
    with pytest.raises(ValidationError) as exc:
        give(world)
    assert "cannot read" in exc.value.message_dict["to"][0]


def test_thanks_between_the_same_two_people_pay_once_a_day(world, people):
    give(world)
    give(world, message="Again")
    assert Kudos.objects.count() == 2
    assert total(people["manager"]) == 10
    give(world, giver="ambassador")
    assert total(people["manager"]) == 20


def test_deleting_or_hiding_the_thanks_withdraws_the_points(world, people):
    kudos = give(world)
    moderation.post_hide(actor=people["owner"], post=kudos.post)
    assert total(people["manager"]) == 0
    moderation.post_restore(actor=people["owner"], post=kudos.post)
    assert total(people["manager"]) == 10
    post_actions.post_remove(actor=people["member"], post=kudos.post)
    assert total(people["manager"]) == 0
    assert not Kudos.objects.exists()
    assert_consistent()


# --- web ------------------------------------------------------------------------------------------


def test_the_form_is_prefilled_from_a_profile_and_a_community(world, client_for, people):
    client = client_for(people["member"])
    body = client.get("/people/manager/thank/").content.decode()
    assert 'value="manager"' in body
    assert "Thank Manager" in body
    # Only the giver's communities are offered (never a secret one they are not in).
    outsider_form = client_for(people["outsider"]).get("/thank/").content.decode()
    assert "Join a community to thank colleagues" in outsider_form
    body = client.get("/thank/?community=private-club").content.decode()
    assert '<option value="private-club" selected>' in body
    assert client.get("/people/nobody/thank/").status_code == 404
    community_page = client.get("/c/open-club/").content.decode()
    assert 'href="/thank/?community=open-club"' in community_page


def test_posting_the_form_publishes_the_thanks(world, client_for, people):
    client = client_for(people["member"])
    value = OrganisationValue.objects.get(name="Exigence")
    response = client.post(
        "/people/manager/thank/",
        {"to": "manager", "community": "open-club", "value": str(value.pk), "message": "Bravo"},
    )
    kudos = Kudos.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/posts/{kudos.post_id}/"
    page = client.get(response["Location"]).content.decode()
    assert "Member</a> thanks <a" in page
    assert "Exigence" in page and "Bravo" in page
    stream = client_for(people["outsider"]).get("/c/open-club/").content.decode()
    assert "Member</a> thanks <a" in stream and "Exigence" in stream


def test_posting_bad_input_shows_the_errors_and_writes_nothing(world, client_for, people):
    client = client_for(people["member"])
    response = client.post(
        "/thank/", {"to": "member", "community": "open-club", "value": "", "message": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." in body
    response = client.post(
        "/thank/",
        {
            "to": "member",
            "community": "open-club",
            "value": str(OrganisationValue.objects.first().pk),
            "message": "Me!",
        },
    )
    assert response.status_code == 400
    assert "cannot thank yourself" in response.content.decode()
    # A community that is not one of theirs is not a valid choice.
    response = client.post(
        "/thank/",
        {
            "to": "manager",
            "community": "secret-club-nope",
            "value": str(OrganisationValue.objects.first().pk),
            "message": "Hi",
        },
    )
    assert response.status_code == 400
    nothing_written()


def test_an_outsider_gets_404_on_a_private_communitys_thanks(world, client_for, people):
    kudos = give(world, visibility="private")
    assert client_for(people["outsider"]).get(f"/posts/{kudos.post_id}/").status_code == 404
    assert client_for(people["ambassador"]).get(f"/posts/{kudos.post_id}/").status_code == 200


def test_the_profile_shows_only_the_thanks_the_viewer_may_read(world, client_for, people):
    give(world, visibility="secret", message="Secret thanks")
    give(world, giver="ambassador", message="Open thanks")
    hidden = give(world, giver="owner", message="Hidden thanks")
    moderation.post_hide(actor=people["owner"], post=hidden.post)
    outsider = client_for(people["outsider"]).get("/people/manager/").content.decode()
    assert "Open thanks" in outsider
    assert "Secret thanks" not in outsider and "Hidden thanks" not in outsider
    insider = client_for(people["member"]).get("/people/manager/").content.decode()
    assert "Secret thanks" in insider and "Open thanks" in insider
    assert 'href="/people/manager/points/"' in insider
    assert 'href="/people/manager/thank/"' in insider
    own = client_for(people["manager"]).get("/people/manager/").content.decode()
    assert "My points" in own and "/people/manager/thank/" not in own


def test_a_member_who_left_loses_the_secret_thanks_at_once(world, client_for, people):
    kudos = give(world, visibility="secret", giver="ambassador", to="manager")
    client = client_for(people["member"])
    assert client.get(f"/posts/{kudos.post_id}/").status_code == 200
    communities.community_leave(person=people["member"], community=world.communities["secret"])
    assert client.get(f"/posts/{kudos.post_id}/").status_code == 404
    assert "Thanks for the" not in client.get("/people/manager/").content.decode()


def _stream_queries(client):
    client.get("/c/open-club/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/c/open-club/")
    assert response.status_code == 200
    return len(ctx)


def test_the_stream_costs_the_same_queries_whatever_the_number_of_thanks(world, client_for, people):
    client = client_for(people["outsider"])
    give(world)
    few = _stream_queries(client)
    for i in range(6):
        colleague = PersonFactory(username=f"colleague{i}")
        give(world, to=colleague.username, message=f"Thanks {i}")
    assert _stream_queries(client) == few


def test_the_home_feed_costs_the_same_queries_whatever_the_number_of_thanks(
    world, client_for, people
):
    client = client_for(people["manager"])
    give(world)

    def queries():
        client.get("/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx)

    few = queries()
    for i in range(5):
        give(world, giver="ambassador", to=PersonFactory(username=f"c{i}").username)
    assert queries() == few
