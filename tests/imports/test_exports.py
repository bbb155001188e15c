"""Personal and community exports: the ZIP's contents, the 7-day link for its owner only, the
email, and who may ask."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from rucher.accounts import services as accounts
from rucher.actions import comments as comment_actions
from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions
from rucher.communities import services as communities
from rucher.content import attachments as uploads
from rucher.content import curation
from rucher.core.testing import run_queued_tasks
from rucher.imports.models import DataExport
from rucher.mail.models import OutboxMessage
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _api(person):
    _token, raw = accounts.token_create(person=person, name="tests")
    return ApiClient(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def history(member, colleague):
    club = communities.community_create(
        creator=member, name="Club photo", kind="interest", visibility="private"
    )
    communities.membership_set_role(actor=member, community=club, person=colleague, role="member")
    photo = uploads.attachment_upload(
        uploader=member, file=SimpleUploadedFile("notes.txt", b"mes notes")
    )
    post = post_actions.post_publish(
        author=member,
        communities=[club],
        title="Sortie",
        body="Dimanche ?",
        attachment_ids=[photo.pk],
    )
    comment_actions.comment_publish(author=colleague, post=post, body="Oui !")
    theirs = post_actions.post_publish(author=colleague, communities=[club], body="Photos")
    like_actions.post_like(person=member, post=theirs)
    curation.bookmark_create(person=member, post=theirs)
    return club, post, theirs


def _zip_of(response):
    data = b"".join(response.streaming_content)
    return zipfile.ZipFile(io.BytesIO(data))


def test_a_person_exports_their_data_and_gets_a_link_by_email(
    member, history, django_capture_on_commit_callbacks
):
    club, post, theirs = history
    api = _api(member)
    assert api.get("/api/v1/me/export").json()["status"] == "none"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/me/export")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    run_queued_tasks()
    state = api.get("/api/v1/me/export").json()
    assert state["status"] == "done"
    archive = _zip_of(api.get(state["url"]))
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["username"] == "bob"
    assert data["profile"]["email"] == member.email
    assert [p["title"] for p in data["posts"]] == ["Sortie"]
    assert data["likes"]["posts"] == [theirs.pk]
    assert data["points"]["total"] > 0
    assert data["files"][0]["name"] == "notes.txt"
    assert archive.read(data["files"][0]["path"]) == b"mes notes"
    # Someone else's comment is not in it.
    assert data["comments"] == []
    assert data["bookmarks"] == [theirs.pk]
    email = OutboxMessage.objects.get(key__startswith="data_export:")
    assert email.recipient_id == member.pk


def test_the_link_is_for_its_owner_only_and_for_7_days(
    member, colleague, history, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _api(member).post("/api/v1/me/export")
    run_queued_tasks()
    export = DataExport.objects.get()
    url = f"/exports/{export.pk}/download"
    other = Client()
    other.force_login(colleague)
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
    owner = Client()
    owner.force_login(member)
    assert owner.get(url).status_code == 200
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert owner.get(url).status_code == 404
    state = _api(member).get("/api/v1/me/export").json()
    assert (state["status"], state["url"]) == ("expired", None)


def test_a_double_request_makes_one_export(member, django_capture_on_commit_callbacks):
    api = _api(member)
    first = api.post("/api/v1/me/export").json()
    second = api.post("/api/v1/me/export").json()
    assert first["id"] == second["id"]
    assert DataExport.objects.count() == 1


def test_managers_export_their_community(
    member, colleague, history, django_capture_on_commit_callbacks
):
    club, post, theirs = history
    assert _api(colleague).post(f"/api/v1/communities/{club.slug}/export").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = _api(member).post(f"/api/v1/communities/{club.slug}/export")
    assert response.status_code == 202
    run_queued_tasks()
    state = _api(member).get(f"/api/v1/communities/{club.slug}/export").json()
    archive = _zip_of(_api(member).get(state["url"]))
    data = json.loads(archive.read("data.json"))
    assert data["community"]["slug"] == club.slug
    assert {m["username"] for m in data["members"]} == {"bob", "carol"}
    sortie = next(p for p in data["posts"] if p["title"] == "Sortie")
    assert sortie["comments"][0]["body"] == "Oui !"
    assert any(name.startswith("files/") for name in archive.namelist())


def test_an_outsider_cannot_export_a_secret_community(member, admin_user):
    secret = communities.community_create(
        creator=member, name="Projet X", kind="project", visibility="secret"
    )
    outsider = accounts.person_create(
        username="olga", email="olga@example.org", display_name="Olga"
    )
    assert _api(outsider).post(f"/api/v1/communities/{secret.slug}/export").status_code == 404


def test_the_privacy_page_says_what_is_held(member, history, django_assert_max_num_queries):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(member)
    with django_assert_max_num_queries(20):
        page = client.get("/settings/privacy/").content.decode()
    assert "Mes données" in page
    response = client.post("/settings/privacy/export")
    assert response.status_code == 302
    assert DataExport.objects.filter(requested_by=member).exists()


def test_expired_export_files_are_purged(member, django_capture_on_commit_callbacks):
    from rucher.imports.exports import exports_purge_expired

    with django_capture_on_commit_callbacks(execute=True):
        _api(member).post("/api/v1/me/export")
    run_queued_tasks()
    export = DataExport.objects.get()
    storage, name = export.file.storage, export.file.name
    assert storage.exists(name)
    assert exports_purge_expired(now=timezone.now() + timedelta(days=8)) == 1
    assert not storage.exists(name)
    assert not DataExport.objects.get().file
