"""POST /api/v1/imports and GET /api/v1/imports/{id}: administrators only, in the background."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rucher.accounts import services as accounts
from rucher.content.models import Post
from rucher.core.testing import run_queued_tasks
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent.parent / "fixtures" / "yammer_export.zip"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _api(person):
    _token, raw = accounts.token_create(person=person, name="tests")
    return ApiClient(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _upload(name="yammer_export.zip", data=None):
    return SimpleUploadedFile(name, data if data is not None else FIXTURE.read_bytes())


def test_an_administrator_imports_the_yammer_export_in_the_background(
    admin_user, django_capture_on_commit_callbacks
):
    api = _api(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/imports", {"file": _upload(), "format": "yammer_zip"})
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["status"] == "queued"
    queued = api.get(f"/api/v1/imports/{body['id']}").json()
    assert queued["status"] == "queued"
    assert queued["report"] is None
    run_queued_tasks()
    done = api.get(f"/api/v1/imports/{body['id']}").json()
    assert done["status"] == "done"
    assert done["progress"]["done"] == done["progress"]["total"] > 300
    assert done["report"]["created"]["posts"] > 50
    assert set(done["report"]["rejected"][0]) >= {"row", "reason"}
    assert Post.objects.count() == done["report"]["created"]["posts"]


def test_a_refused_archive_fails_with_its_reason(admin_user, django_capture_on_commit_callbacks):
    api = _api(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/imports", {"file": _upload(data=b"not a zip"), "format": "yammer_zip"}
        )
    run_queued_tasks()
    run = api.get(f"/api/v1/imports/{response.json()['id']}").json()
    assert run["status"] == "failed"
    assert "ZIP" in run["error"]


def test_members_cannot_import_nor_see_imports(
    admin_user, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_id = (
            _api(admin_user)
            .post("/api/v1/imports", {"file": _upload(), "format": "yammer_zip", "dry_run": "true"})
            .json()["id"]
        )
    api = _api(member)
    response = api.post("/api/v1/imports", {"file": _upload(), "format": "yammer_zip"})
    assert response.status_code == 403
    assert api.get(f"/api/v1/imports/{run_id}").status_code == 404


def test_bad_input_is_a_clear_error(admin_user):
    api = _api(admin_user)
    response = api.post("/api/v1/imports", {"file": _upload(), "format": "excel"})
    assert response.status_code in (400, 422)
    assert "format" in response.json()["fields"]
    assert api.post("/api/v1/imports", {"format": "yammer_zip"}).status_code in (400, 422)
    assert api.get("/api/v1/imports/999999").status_code == 404
