"""Names, titles and other one-line fields refuse line breaks and invisible or
direction-changing characters (issue 13, item 10: "\\u202eadmin\\u200b" rendered as another
name); bodies keep them. One rule (rucher.core.text.check_single_line) for the web forms, the
services and the API, each family tested on both faces."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rucher.accounts import services as accounts
from rucher.accounts.models import AccessToken, User
from rucher.actions import posts as post_actions
from rucher.communities.models import Community
from rucher.content import attachments
from rucher.content.models import Post, Tag
from rucher.core.text import check_single_line, without_hidden
from rucher.recognition.models import OrganisationValue
from tests.communities.personas import build_world
from tests.shared import shared_fixture

pytestmark = pytest.mark.django_db

SPOOF = "\u202eadmin\u200b"
BAD = [SPOOF, "two\nlines", "carriage\rreturn", "tab\there", "ad\u200dmin", "\ufeffbom", "x\u2028y"]
GOOD = [
    "Ana Müller",
    "Zoë O’Neil",
    "👨\u200d👩\u200d👧 family",
    "می\u200cخواهم",
    "李小龍",
    "R&D / IT",
]


@shared_fixture
def world(admin_user):
    return build_world(admin_user)


def _web(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


def _api(person):
    _token, raw = accounts.token_create(person=person, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def _json(client, method, path, data):
    return getattr(client, method)(f"/api/v1{path}", data, content_type="application/json")


@pytest.mark.parametrize("value", BAD)
def test_the_rule_refuses_hidden_characters(value):
    with pytest.raises(ValidationError) as caught:
        check_single_line(value)
    assert caught.value.code == "hidden_characters"
    assert "U+" in caught.value.messages[0]


@pytest.mark.parametrize("value", GOOD)
def test_the_rule_keeps_real_names(value):
    assert check_single_line(value) == value


def test_the_rule_still_refuses_nul_and_long_text():
    with pytest.raises(ValidationError):
        check_single_line("a\x00b")
    with pytest.raises(ValidationError):
        check_single_line("x" * 11, max_length=10)


# --- profiles ------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["display_name", "job_title", "department", "site", "phone"])
def test_the_web_profile_form_refuses_a_spoofed_one_liner(world, field):
    member = world.people["member"]
    data = {"display_name": "Member", field: SPOOF}
    response = _web(member).post("/settings/profile/", data)
    assert response.status_code == 400
    assert "direction-changing characters" in response.content.decode()
    member.refresh_from_db()
    assert getattr(member, field) != SPOOF and member.display_name == "Member"


@pytest.mark.parametrize("field", ["display_name", "job_title", "department", "site", "phone"])
def test_the_api_refuses_a_spoofed_one_liner_naming_the_field(world, field):
    response = _json(_api(world.people["member"]), "patch", "/me", {field: "A\r\nB"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["fields"]) == [field]
    assert "U+000D" in body["fields"][field][0]
    assert getattr(User.objects.get(username="member"), field) != "A\r\nB"


def test_declared_skills_refuse_hidden_characters_web_and_api(world):
    member = world.people["member"]
    web = _web(member).post(
        "/settings/profile/", {"display_name": "Member", "expertise": "py\u200bthon, go"}
    )
    assert web.status_code == 400
    api = _json(_api(member), "patch", "/me", {"interests": ["ok", "a\u2066b"]})
    assert api.status_code == 400 and list(api.json()["fields"]) == ["interests"]
    assert not member.declared_skills.exists()


def test_bodies_keep_their_lines_and_marks(world):
    text = "line one\nline two \u202eRTL\u202c and \u200b"
    response = _json(_api(world.people["member"]), "patch", "/me", {"bio": text})
    assert response.status_code == 200
    assert User.objects.get(username="member").bio == text


def test_a_new_person_from_the_api_is_checked_too(world):
    response = _json(
        _api(world.people["administrator"]),
        "post",
        "/people",
        {"username": "erin", "email": "erin@example.com", "display_name": SPOOF},
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["display_name"]
    assert not User.objects.filter(username="erin").exists()


def test_a_token_name_is_one_line(world):
    member = world.people["member"]
    with pytest.raises(ValidationError) as caught:
        accounts.token_create(person=member, name="laptop\nadmin")
    assert list(caught.value.message_dict) == ["name"]
    assert not AccessToken.objects.filter(name__contains="admin").exists()


# --- posts, questions and tags -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["post", "question"])
def test_the_web_post_form_refuses_a_spoofed_title(world, kind):
    response = _web(world.people["member"]).post(
        "/posts/new/",
        {"communities": ["open-club"], "kind": kind, "title": SPOOF, "body": "text"},
    )
    assert response.status_code == 400
    assert "direction-changing characters" in response.content.decode()
    assert not Post.objects.exists()


def test_the_api_refuses_a_spoofed_title_or_tag_and_keeps_the_body(world):
    api = _api(world.people["member"])
    post = {"communities": ["open-club"], "kind": "question", "body": "b"}
    response = _json(api, "post", "/posts", {**post, "title": "Two\nlines"})
    assert response.status_code == 400 and list(response.json()["fields"]) == ["title"]
    response = _json(api, "post", "/posts", {**post, "tags": ["py\u200bthon"]})
    assert response.status_code == 400 and list(response.json()["fields"]) == ["tags"]
    assert not Post.objects.exists() and not Tag.objects.exists()
    body = "first\nsecond \u202eevil\u202c"
    created = _json(api, "post", "/posts", {**post, "title": "Fine", "body": body})
    assert created.status_code == 201
    edited = _json(api, "patch", f"/posts/{created.json()['id']}", {"title": SPOOF})
    assert edited.status_code == 400 and list(edited.json()["fields"]) == ["title"]
    assert Post.objects.get().title == "Fine" and Post.objects.get().body == body


def test_the_web_post_edit_refuses_a_spoofed_title(world):
    member = world.people["member"]
    post = post_actions.post_publish(
        author=member, communities=[world.communities["open"]], title="Fine", body="b"
    )
    response = _web(member).post(f"/posts/{post.pk}/edit/", {"title": SPOOF, "body": "b"})
    assert response.status_code == 400
    post.refresh_from_db()
    assert post.title == "Fine"


# --- communities ---------------------------------------------------------------------------


def test_the_web_community_form_refuses_a_spoofed_name(world):
    response = _web(world.people["member"]).post(
        "/communities/new/",
        {"name": SPOOF, "description": "d", "kind": "thematic", "visibility": "open"},
    )
    assert response.status_code == 400
    assert "direction-changing characters" in response.content.decode()
    assert not Community.objects.filter(name=SPOOF).exists()


def test_the_api_refuses_a_spoofed_community_name(world):
    api = _api(world.people["member"])
    new = {"description": "d\nwith \u202elines", "kind": "thematic", "visibility": "open"}
    response = _json(api, "post", "/communities", {**new, "name": "Club\u2067x"})
    assert response.status_code == 400 and list(response.json()["fields"]) == ["name"]
    created = _json(api, "post", "/communities", {**new, "name": "Club", "slug": "club-x"})
    assert created.status_code == 201
    renamed = _json(_api(world.people["member"]), "patch", "/communities/club-x", {"name": SPOOF})
    assert renamed.status_code == 400 and list(renamed.json()["fields"]) == ["name"]
    assert Community.objects.get(slug="club-x").name == "Club"


# --- organisation values (admin) and file names ----------------------------------------------


def test_an_organisation_value_is_one_line(admin_user):
    value = OrganisationValue(name=SPOOF, description="Fine")
    with pytest.raises(ValidationError) as caught:
        value.full_clean()
    assert list(caught.value.message_dict) == ["name"]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin_user)
    response = client.post(
        "/admin/recognition/organisationvalue/add/",
        {"name": "Care", "description": "line\nbreak", "position": 0, "active": "on"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "direction-changing characters" in response.content.decode()
    assert not OrganisationValue.objects.filter(name="Care").exists()


def test_an_uploaded_file_name_loses_its_hidden_characters(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("report\u202efdp.txt", b"plain text", "text/plain")
    attachment = attachments.attachment_upload(uploader=world.people["member"], file=upload)
    assert attachment.name == "reportfdp.txt"
    assert without_hidden("a\u200bb\u202ec 👨\u200d👩") == "abc 👨\u200d👩"
