"""The administrators' import pages: start an import, watch its progress, read the report."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rucher.core.testing import run_queued_tasks
from rucher.imports.models import ImportRun

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent.parent / "fixtures" / "yammer_export.zip"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _client(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(person)
    return client


def test_an_administrator_imports_from_the_page_and_reads_the_report(
    admin_user, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client = _client(admin_user)
    assert client.get("/imports/").status_code == 200
    upload = SimpleUploadedFile("export.zip", FIXTURE.read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/", {"format": "yammer_zip", "file": upload})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page  # refreshes while queued
    run_queued_tasks()
    with django_assert_max_num_queries(8):
        page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "every 2s" not in page
    assert "Rapport" in page or "Report" in page
    assert "Messages.csv" in page  # rejected rows with their file and line
    assert "export.zip" in client.get("/imports/").content.decode()


def test_a_bad_form_is_refused_with_its_errors(admin_user):
    response = _client(admin_user).post("/imports/", {"format": "yammer_zip"})
    assert response.status_code == 400
    assert not ImportRun.objects.exists()


def test_members_see_no_import_page(admin_user, member):
    run = ImportRun.objects.create(format="yammer_zip", started_by=admin_user, file="x")
    client = _client(member)
    assert client.get("/imports/").status_code == 404
    assert client.get(f"/imports/{run.pk}/").status_code == 404
