"""The document library (F-DOCS): folders, uploads and versions, the access matrix, bad input,
previews in the background, and the API as API.md says."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from rucher.accounts import services as account_services
from rucher.communities.models import Community
from rucher.communities.services import community_leave
from rucher.core.testing import run_queued_tasks
from rucher.documents import services
from rucher.documents.models import Document, DocumentVersion, Folder
from rucher.toolbox.services import community_tabs_set
from tests.api.conftest import ApiClient
from tests.documents.helpers import pdf_bytes, png_bytes, upload
from tests.querycount import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_for(world):
    def make(position: str) -> ApiClient:
        _token, raw = account_services.token_create(person=world.people[position], name="t")
        return ApiClient(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


def post_file(client, slug: str, name: str, data: bytes, **extra):
    body = {"file": SimpleUploadedFile(name, data), **extra}
    return client.post(f"/api/v1/communities/{slug}/documents", body)


def add(world, community, name="notes.txt", data=b"hello", *, folder=None, who="member"):
    return services.document_upload(
        uploader=world.people[who], community=community, folder=folder, file=upload(name, data)
    )


def stored_files() -> set[str]:
    found: set[str] = set()
    for year in (
        default_storage.listdir("documents")[0] if default_storage.exists("documents") else []
    ):
        if year == "previews":
            continue
        for month in default_storage.listdir(f"documents/{year}")[0]:
            found |= {
                f"documents/{year}/{month}/{f}"
                for f in default_storage.listdir(f"documents/{year}/{month}")[1]
            }
    return found


# --- Folders, uploads and versions -------------------------------------------------------


def test_members_upload_list_and_read_documents_through_the_api(world, private_club, api_for):
    member = api_for("member")
    folder = member.call("POST", f"/communities/{private_club.slug}/folders", {"name": "Compta"})
    assert folder.status_code == 201, folder.content
    folder_id = folder.json()["id"]
    assert folder.json() == {"id": folder_id, "name": "Compta", "parent": None}

    created = post_file(member, private_club.slug, "rapport.pdf", pdf_bytes(), folder=folder_id)
    assert created.status_code == 201, created.content
    doc = created.json()
    assert doc["name"] == "rapport.pdf"
    assert doc["content_type"] == "application/pdf"
    assert doc["version"] == 1 and doc["versions"] == 1
    assert doc["folder"] == folder_id
    assert doc["preview_url"] is None  # drawn in the background

    root = member.call("GET", f"/communities/{private_club.slug}/documents")
    assert root.status_code == 200
    body = root.json()
    assert body["folder"] is None
    assert [f["name"] for f in body["folders"]] == ["Compta"]
    assert body["items"] == []
    inside = member.call("GET", f"/communities/{private_club.slug}/documents?folder={folder_id}")
    listed = inside.json()
    assert listed["folder"]["id"] == folder_id
    assert [d["id"] for d in listed["items"]] == [doc["id"]]
    assert set(listed["items"][0]) >= {
        "id",
        "name",
        "size",
        "content_type",
        "version",
        "versions",
        "updated_at",
        "url",
        "preview_url",
    }
    one = member.call("GET", f"/documents/{doc['id']}")
    assert one.status_code == 200 and one.json()["name"] == "rapport.pdf"
    download = member.get(doc["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_the_same_name_in_the_same_folder_adds_a_version(world, private_club, api_for):
    member, manager = api_for("member"), api_for("manager")
    first = post_file(member, private_club.slug, "plan.txt", b"first draft")
    second = post_file(manager, private_club.slug, "plan.txt", b"second draft, longer")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["version"] == 2 and second.json()["size"] == len(b"second draft, longer")
    versions = member.call("GET", f"/documents/{first.json()['id']}/versions").json()["items"]
    assert [(v["number"], v["uploader"]) for v in versions] == [(2, "manager"), (1, "member")]
    assert all(v["created_at"] for v in versions)
    # Every version stays downloadable.
    for version, text in ((1, b"first draft"), (2, b"second draft, longer")):
        got = member.get(next(v["url"] for v in versions if v["number"] == version))
        assert got.status_code == 200
        assert b"".join(got.streaming_content) == text
    # Elsewhere, the same name is another document.
    folder = Folder.objects.create(community=private_club, name="Autre")
    other = post_file(member, private_club.slug, "plan.txt", b"other", folder=folder.pk)
    assert other.json()["id"] != first.json()["id"] and other.json()["version"] == 1


def test_a_new_version_from_the_document_page_keeps_the_documents_name(world, private_club, web):
    version = add(world, private_club, "budget.txt", b"v1")
    client = web(world.people["manager"])
    response = client.post(
        f"/c/{private_club.slug}/documents/upload",
        {
            "file": SimpleUploadedFile("budget-final.txt", b"v2"),
            "document": version.document_id,
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(pk=version.document_id)
    assert document.version_count == 2 and document.name == "budget.txt"
    assert Document.objects.count() == 1


def test_folders_nest_rename_and_move(world, private_club, api_for):
    member = api_for("member")
    a = member.call("POST", f"/communities/{private_club.slug}/folders", {"name": "A"}).json()
    b = member.call(
        "POST", f"/communities/{private_club.slug}/folders", {"name": "B", "parent": a["id"]}
    ).json()
    assert b["parent"] == a["id"]
    renamed = member.call("PATCH", f"/folders/{b['id']}", {"name": "B2"})
    assert renamed.status_code == 200 and renamed.json() == {**b, "name": "B2"}
    moved = member.call("PATCH", f"/folders/{b['id']}", {"parent": None})
    assert moved.json()["parent"] is None
    again = member.call("PATCH", f"/folders/{a['id']}", {"parent": b["id"]})
    assert again.status_code == 200 and again.json()["parent"] == b["id"]


def test_a_folder_moved_into_itself_or_its_own_sub_folder_is_400(world, private_club, api_for):
    member = api_for("member")
    a = member.call("POST", f"/communities/{private_club.slug}/folders", {"name": "A"}).json()
    b = member.call(
        "POST", f"/communities/{private_club.slug}/folders", {"name": "B", "parent": a["id"]}
    ).json()
    c = member.call(
        "POST", f"/communities/{private_club.slug}/folders", {"name": "C", "parent": b["id"]}
    ).json()
    for target in (a["id"], b["id"], c["id"]):
        response = member.call("PATCH", f"/folders/{a['id']}", {"parent": target})
        assert response.status_code == 400, target
        assert response.json()["code"] == "folder_loop"
        assert "parent" in response.json()["fields"]
    assert Folder.objects.get(pk=a["id"]).parent_id is None  # nothing changed


def test_a_folder_moved_to_another_communitys_folder_is_404(
    world, private_club, open_club, api_for
):
    manager = api_for("manager")
    a = manager.call("POST", f"/communities/{private_club.slug}/folders", {"name": "A"}).json()
    elsewhere = manager.call("POST", f"/communities/{open_club.slug}/folders", {"name": "X"})
    response = manager.call("PATCH", f"/folders/{a['id']}", {"parent": elsewhere.json()["id"]})
    assert response.status_code == 404


def test_only_an_empty_folder_is_deleted(world, private_club, api_for):
    member = api_for("member")
    a = member.call("POST", f"/communities/{private_club.slug}/folders", {"name": "A"}).json()
    b = member.call(
        "POST", f"/communities/{private_club.slug}/folders", {"name": "B", "parent": a["id"]}
    ).json()
    refused = member.call("DELETE", f"/folders/{a['id']}")
    assert refused.status_code == 409 and refused.json()["code"] == "folder_not_empty"
    post_file(member, private_club.slug, "x.txt", b"x", folder=b["id"])
    refused = member.call("DELETE", f"/folders/{b['id']}")
    assert refused.status_code == 409 and refused.json()["code"] == "folder_not_empty"
    assert Folder.objects.count() == 2
    member.call("DELETE", f"/documents/{Document.objects.get().pk}")
    assert member.call("DELETE", f"/folders/{b['id']}").status_code == 204
    assert member.call("DELETE", f"/folders/{a['id']}").status_code == 204
    assert not Folder.objects.exists()


def test_the_web_refuses_to_delete_a_non_empty_folder(world, private_club, web):
    folder = services.folder_create(
        actor=world.people["member"], community=private_club, name="Plein"
    )
    add(world, private_club, folder=folder)
    response = web(world.people["member"]).post(f"/documents/folders/{folder.pk}/delete")
    assert response.status_code == 302
    assert Folder.objects.filter(pk=folder.pk).exists()


def test_folder_names_are_unique_where_they_stand(world, private_club, api_for):
    member = api_for("member")
    url = f"/communities/{private_club.slug}/folders"
    assert member.call("POST", url, {"name": "A"}).status_code == 201
    again = member.call("POST", url, {"name": "A"})
    assert again.status_code == 400 and "name" in again.json()["fields"]
    assert member.call("POST", url, {"name": "  "}).status_code == 400


def test_delete_is_for_the_author_or_managers(world, private_club, api_for):
    version = add(world, private_club)
    doc_id = version.document_id
    assert api_for("ambassador").call("DELETE", f"/documents/{doc_id}").status_code == 403
    assert api_for("manager").call("DELETE", f"/documents/{doc_id}").status_code == 204
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    own = add(world, private_club, "mine.txt")
    assert api_for("member").call("DELETE", f"/documents/{own.document_id}").status_code == 204


def test_deleting_a_document_removes_its_files(
    world, private_club, api_for, django_capture_on_commit_callbacks
):
    version = add(world, private_club, "a.txt", b"one")
    add(world, private_club, "a.txt", b"two")
    names = list(DocumentVersion.objects.values_list("file", flat=True))
    assert all(default_storage.exists(n) for n in names)
    with django_capture_on_commit_callbacks(execute=True):
        api_for("member").call("DELETE", f"/documents/{version.document_id}")
    assert not any(default_storage.exists(n) for n in names)


def test_readers_of_an_open_community_read_but_do_not_upload(world, open_club, api_for):
    add(world, open_club)
    outsider = api_for("outsider")
    assert outsider.call("GET", f"/communities/{open_club.slug}/documents").status_code == 200
    refused = post_file(outsider, open_club.slug, "x.txt", b"x")
    assert refused.status_code == 403
    assert Document.objects.count() == 1


# --- The access matrix --------------------------------------------------------------------

DENIED = ("outsider", "leaver", "removed", "requester")


@pytest.mark.parametrize("visibility", ["private", "secret"])
@pytest.mark.parametrize("position", DENIED)
def test_the_library_is_404_to_those_who_may_not_read_it(world, api_for, web, visibility, position):
    community = world.communities[visibility]
    version = add(world, community, "secret.txt", b"s")
    doc = version.document
    client = api_for(position)
    assert client.call("GET", f"/communities/{community.slug}/documents").status_code == 404
    assert client.call("GET", f"/documents/{doc.pk}").status_code == 404
    assert client.call("GET", f"/documents/{doc.pk}/versions").status_code == 404
    assert client.call("DELETE", f"/documents/{doc.pk}").status_code == 404
    assert post_file(client, community.slug, "x.txt", b"x").status_code == 404
    assert client.get(f"/documents/{doc.pk}/v1/secret.txt").status_code == 404
    page = web(world.people[position])
    assert page.get(f"/c/{community.slug}/documents/").status_code == 404
    assert page.get(f"/documents/{doc.pk}/").status_code == 404
    assert page.get(f"/documents/{doc.pk}/v1/secret.txt").status_code == 404
    assert (
        page.post(
            f"/c/{community.slug}/documents/upload", {"file": SimpleUploadedFile("y.txt", b"y")}
        ).status_code
        == 404
    )
    assert page.post(f"/documents/{doc.pk}/delete").status_code == 404
    assert Document.objects.count() == 1 and DocumentVersion.objects.count() == 1


def test_a_member_who_leaves_loses_the_library_at_once(world, private_club, api_for):
    version = add(world, private_club)
    client = api_for("member")
    url = f"/documents/{version.document_id}/v1/notes.txt"
    assert client.get(url).status_code == 200
    community_leave(person=world.people["member"], community=private_club)
    assert client.get(url).status_code == 404
    assert client.call("GET", f"/communities/{private_club.slug}/documents").status_code == 404
    assert client.call("GET", f"/documents/{version.document_id}/versions").status_code == 404


def test_a_library_whose_tab_is_off_is_404(world, private_club, api_for, web):
    version = add(world, private_club)
    community_tabs_set(
        actor=world.people["owner"],
        community=private_club,
        tabs_on=[t for t in Community.Tab.values if t != "documents"],
    )
    client = api_for("member")
    assert client.call("GET", f"/communities/{private_club.slug}/documents").status_code == 404
    assert client.call("GET", f"/documents/{version.document_id}").status_code == 404
    assert client.get(f"/documents/{version.document_id}/v1/notes.txt").status_code == 404
    assert post_file(client, private_club.slug, "x.txt", b"x").status_code == 404
    page = web(world.people["member"])
    assert page.get(f"/c/{private_club.slug}/documents/").status_code == 404
    assert b"/documents/" not in page.get(f"/c/{private_club.slug}/").content


@pytest.mark.parametrize("position", ["member", "manager", "administrator"])
def test_readers_download_with_the_safe_headers_of_attachments(
    world, private_club, api_for, position
):
    version = add(world, private_club, "page.txt", b"<b>not html</b>")
    response = api_for(position).get(f"/documents/{version.document_id}/v1/page.txt")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment")


# --- Bad input ----------------------------------------------------------------------------


@override_settings(RUCHER_DOCUMENT_MAX_BYTES=1000)
def test_a_file_over_the_limit_is_413_with_the_limit(world, private_club, api_for, web):
    response = post_file(api_for("member"), private_club.slug, "big.txt", b"a" * 1001)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "1000" in response.json()["detail"]
    page = web(world.people["member"]).post(
        f"/c/{private_club.slug}/documents/upload",
        {"file": SimpleUploadedFile("big.txt", b"a" * 1001)},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert page.status_code == 413 and "1000" in page.json()["detail"]
    assert not Document.objects.exists() and not stored_files()


def test_the_default_limit_is_50_mb():
    assert services.document_max_bytes() == 50 * 1024 * 1024


@pytest.mark.parametrize(
    "name,data",
    [
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("page.html", b"<!DOCTYPE html><html><body>hi</body></html>"),
        ("page.txt", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'),
        ("logo.txt", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("fake.pdf", b"just text pretending"),
        ("empty.txt", b""),
    ],
)
def test_executables_html_svg_and_lies_are_refused_like_attachments(
    world, private_club, api_for, name, data
):
    response = post_file(api_for("member"), private_club.slug, name, data)
    assert response.status_code == 400, response.content
    attachment = api_for("member").post(
        "/api/v1/attachments", {"file": SimpleUploadedFile(name, data)}
    )
    assert response.json()["code"] == attachment.json()["code"] == "invalid"
    assert "file" in response.json()["fields"]
    assert not Document.objects.exists() and not stored_files()


def test_a_failed_database_write_leaves_no_file(world, private_club, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(services, "_record_version", broken)
    with pytest.raises(RuntimeError):
        add(world, private_club, "a.txt", b"data")
    assert not stored_files()
    assert not Document.objects.exists()


def test_a_new_version_of_another_type_is_refused(world, private_club):
    add(world, private_club, "plan.txt", b"text")
    with pytest.raises(Exception) as refused:
        add(world, private_club, "plan.txt", png_bytes())
    assert "plan.txt" in str(refused.value)
    assert DocumentVersion.objects.count() == 1
    assert len(stored_files()) == 1


# --- Previews -----------------------------------------------------------------------------


def test_previews_are_drawn_in_the_background_for_images_and_pdf(
    world, private_club, api_for, django_capture_on_commit_callbacks
):
    member = api_for("member")
    with django_capture_on_commit_callbacks(execute=True):
        pdf = post_file(member, private_club.slug, "r.pdf", pdf_bytes()).json()
        png = post_file(member, private_club.slug, "p.png", png_bytes(800, 600)).json()
        txt = post_file(member, private_club.slug, "t.txt", b"text").json()
    assert run_queued_tasks() == 2  # text has no preview: no job
    for doc in (pdf, png):
        read = member.call("GET", f"/documents/{doc['id']}").json()
        assert read["preview_url"], doc
        image = member.get(read["preview_url"])
        assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
        assert image["Cache-Control"].startswith("private")
    assert member.call("GET", f"/documents/{txt['id']}").json()["preview_url"] is None
    assert (
        api_for("outsider")
        .get(member.call("GET", f"/documents/{pdf['id']}").json()["preview_url"])
        .status_code
        == 404
    )


def test_the_preview_job_is_idempotent(world, private_club):
    version = add(world, private_club, "r.pdf", pdf_bytes())
    assert services.version_preview_make(version_id=version.pk) is True
    first = DocumentVersion.objects.get(pk=version.pk).preview.name
    assert services.version_preview_make(version_id=version.pk) is False
    assert DocumentVersion.objects.get(pk=version.pk).preview.name == first
    assert default_storage.listdir("documents/previews")[1] == [f"{version.pk}.jpg"]
    assert services.version_preview_make(version_id=10**9) is False  # gone: nothing to do


def test_the_preview_job_is_retried_after_a_failure(
    world, private_club, monkeypatch, django_capture_on_commit_callbacks
):
    from rucher.documents import tasks

    calls = {"n": 0}
    real = services.render_preview

    def flaky(version):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("storage hiccup")
        return real(version)

    monkeypatch.setattr(services, "render_preview", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.document_upload(
            uploader=world.people["member"],
            community=private_club,
            folder=None,
            file=upload("p.png", png_bytes()),
            on_commit=tasks.queue_preview,
        )
    assert run_queued_tasks() == 2
    assert calls["n"] == 2
    assert DocumentVersion.objects.get(pk=version.pk).preview


def test_a_broken_pdf_gets_no_preview_and_no_endless_retry(world, private_club):
    version = add(world, private_club, "broken.pdf", b"%PDF-1.4\nnot really a pdf")
    assert services.version_preview_make(version_id=version.pk) is False
    assert not DocumentVersion.objects.get(pk=version.pk).preview


# --- Pages --------------------------------------------------------------------------------


def test_the_documents_tab_lists_folders_and_documents(world, private_club, web):
    folder = services.folder_create(
        actor=world.people["member"], community=private_club, name="Procédures"
    )
    add(world, private_club, "lisez-moi.txt", b"x")
    add(world, private_club, "dedans.txt", b"x", folder=folder)
    client = web(world.people["member"])
    root = client.get(f"/c/{private_club.slug}/documents/")
    assert root.status_code == 200
    text = root.content.decode()
    assert "Procédures" in text and "lisez-moi.txt" in text and "dedans.txt" not in text
    assert 'type="file"' in text and 'enctype="multipart/form-data"' in text
    inside = client.get(f"/c/{private_club.slug}/documents/?folder={folder.pk}").content.decode()
    assert "dedans.txt" in inside and "lisez-moi.txt" not in inside
    tabs = client.get(f"/c/{private_club.slug}/").content.decode()
    assert f"/c/{private_club.slug}/documents/" in tabs


def test_the_plain_form_uploads_without_javascript(world, private_club, web):
    folder = services.folder_create(
        actor=world.people["member"], community=private_club, name="Dossier"
    )
    client = web(world.people["member"])
    response = client.post(
        f"/c/{private_club.slug}/documents/upload",
        {"file": SimpleUploadedFile("note.txt", b"bonjour"), "folder": folder.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert "note.txt" in response.content.decode()
    assert Document.objects.get().folder == folder


def test_the_web_pages_create_rename_and_move_folders(world, private_club, web):
    client = web(world.people["member"])
    client.post(f"/c/{private_club.slug}/documents/folders/new", {"name": "A"})
    a = Folder.objects.get(name="A")
    client.post(f"/c/{private_club.slug}/documents/folders/new", {"name": "B", "parent": a.pk})
    b = Folder.objects.get(name="B")
    assert b.parent == a
    form = client.get(f"/documents/folders/{a.pk}/edit/")
    assert form.status_code == 200
    loop = client.post(f"/documents/folders/{a.pk}/edit/", {"name": "A", "parent": b.pk})
    assert loop.status_code == 400
    assert Folder.objects.get(pk=a.pk).parent is None
    client.post(f"/documents/folders/{b.pk}/edit/", {"name": "B2", "parent": ""})
    b.refresh_from_db()
    assert b.name == "B2" and b.parent is None
    assert (
        web(world.people["ambassador"]).get(f"/documents/folders/{a.pk}/edit/").status_code == 404
    )


def test_the_document_page_shows_versions_with_who_and_when(world, private_club, web):
    add(world, private_club, "plan.txt", b"one", who="member")
    version = add(world, private_club, "plan.txt", b"two", who="manager")
    page = web(world.people["member"]).get(f"/documents/{version.document_id}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Version 2" in text and "Version 1" in text
    assert "Manager" in text and "Member" in text
    assert f"/documents/{version.document_id}/v1/plan.txt" in text


def test_the_list_page_and_the_api_answer_in_a_fixed_number_of_queries(
    world, private_club, web, api_for
):
    client = web(world.people["member"])
    api = api_for("member")
    url = f"/c/{private_club.slug}/documents/"
    api_url = f"/communities/{private_club.slug}/documents"
    client.get(url)  # warm-up: the day's activity row
    api.call("GET", api_url)
    counts = []
    for n in (1, 15):
        while Document.objects.count() < n:
            add(world, private_club, f"f{Document.objects.count()}.txt", b"x")
        Folder.objects.create(community=private_club, name=f"dir{n}")
        with count_queries() as web_queries:
            assert client.get(url).status_code == 200
        with count_queries() as api_queries:
            assert api.call("GET", api_url).status_code == 200
        counts.append((web_queries.count, api_queries.count))
    assert counts[0] == counts[1], counts
    assert counts[0][0] <= 14 and counts[0][1] <= 10, counts


def test_the_list_is_paged_by_cursor(world, private_club, api_for):
    for i in range(5):
        add(world, private_club, f"doc{i}.txt", b"x")
    api = api_for("member")
    first = api.call("GET", f"/communities/{private_club.slug}/documents?limit=3").json()
    assert [d["name"] for d in first["items"]] == ["doc0.txt", "doc1.txt", "doc2.txt"]
    second = api.call(
        "GET", f"/communities/{private_club.slug}/documents?limit=3&cursor={first['next']}"
    ).json()
    assert [d["name"] for d in second["items"]] == ["doc3.txt", "doc4.txt"]
    assert second["next"] is None
    bad = api.call("GET", f"/communities/{private_club.slug}/documents?cursor=nope")
    assert bad.status_code == 400


def test_deleting_a_community_deletes_its_library(world, private_club):
    outer = services.folder_create(actor=world.people["member"], community=private_club, name="A")
    inner = services.folder_create(
        actor=world.people["member"], community=private_club, name="B", parent=outer
    )
    add(world, private_club, "x.txt", b"x", folder=inner)
    add(world, private_club, "x.txt", b"y", folder=inner)
    Community.objects.filter(pk=private_club.pk).delete()
    assert not Folder.objects.exists() and not Document.objects.exists()
    assert not DocumentVersion.objects.exists()
