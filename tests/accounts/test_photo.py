"""Profile photos: re-encoded to JPEG, size-checked, served only to signed-in people."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rucher.accounts.services import COMPLETENESS_WEIGHTS, PHOTO_SIZE
from rucher.core.factories import PersonFactory

URL = "/settings/photo/"
JPEG_MAGIC = b"\xff\xd8\xff"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _image(fmt="PNG", size=(1200, 800), **save_kwargs) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format=fmt, **save_kwargs)
    return out.getvalue()


def _upload(client, data, name="me.png", content_type="image/png"):
    return client.post(URL, {"photo": SimpleUploadedFile(name, data, content_type=content_type)})


def _stored_files(root):
    people = root / "people"
    return sorted(people.iterdir()) if people.exists() else []


@pytest.fixture
def client(client_for, member):
    return client_for(member)


def test_it_reencodes_a_png_to_a_small_jpeg(client, member, _media):
    response = _upload(client, _image())
    assert response.status_code == 302
    assert response["Location"] == "/settings/profile/"
    member.refresh_from_db()
    assert member.photo.name.endswith(".jpg")
    files = _stored_files(_media)
    assert len(files) == 1
    data = files[0].read_bytes()
    assert data.startswith(JPEG_MAGIC)
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) == PHOTO_SIZE
        assert stored.size == (512, 341)


def test_it_keeps_a_small_photo_small(client, member, _media):
    _upload(client, _image(size=(100, 60)))
    with Image.open(_stored_files(_media)[0]) as stored:
        assert stored.size == (100, 60)


@pytest.mark.parametrize("fmt", ["JPEG", "GIF", "WEBP"])
def test_it_accepts_other_image_formats(client, member, _media, fmt):
    response = _upload(client, _image(fmt=fmt), name=f"me.{fmt.lower()}")
    assert response.status_code == 302
    assert _stored_files(_media)[0].read_bytes().startswith(JPEG_MAGIC)


def test_it_drops_exif_metadata(client, member, _media):
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera"  # Make
    _upload(client, _image(fmt="JPEG", exif=exif), name="me.jpg")
    with Image.open(_stored_files(_media)[0]) as stored:
        assert not dict(stored.getexif())


def test_it_raises_completeness_by_the_photo_weight(client, member):
    client.post("/settings/profile/", {"display_name": "Bob", "job_title": "Analyste"})
    member.refresh_from_db()
    before = member.profile_completeness
    assert before == COMPLETENESS_WEIGHTS["job_title"]
    _upload(client, _image())
    member.refresh_from_db()
    assert member.profile_completeness == before + COMPLETENESS_WEIGHTS["photo"]


def test_it_rejects_a_text_file_named_png(client, member, _media):
    response = _upload(client, b"just some text, not an image\n" * 10)
    assert response.status_code == 400
    assert response.context["photo_form"].errors["photo"] == [
        "Upload a photo in JPEG, PNG, GIF or WebP format."
    ]
    assert "Upload a photo in JPEG, PNG, GIF or WebP format." in response.content.decode()
    member.refresh_from_db()
    assert not member.photo
    assert member.profile_completeness == 0
    assert _stored_files(_media) == []


def test_it_rejects_a_truncated_image(client, member, _media):
    response = _upload(client, _image()[:200])
    assert response.status_code == 400
    member.refresh_from_db()
    assert not member.photo


def test_it_rejects_an_unsupported_image_format(client, member, _media):
    response = _upload(client, _image(fmt="BMP"), name="me.bmp", content_type="image/bmp")
    assert response.status_code == 400
    assert _stored_files(_media) == []


def test_it_rejects_an_oversize_photo(client, member, settings, _media):
    data = _image()
    settings.RUCHER_PHOTO_MAX_BYTES = len(data) - 1
    response = _upload(client, data)
    assert response.status_code == 400
    assert "too large" in response.context["photo_form"].errors["photo"][0]
    member.refresh_from_db()
    assert not member.photo
    assert _stored_files(_media) == []


def test_it_accepts_a_photo_at_the_size_limit(client, member, settings):
    data = _image()
    settings.RUCHER_PHOTO_MAX_BYTES = len(data)
    assert _upload(client, data).status_code == 302


def test_it_requires_a_file(client, member):
    response = client.post(URL, {})
    assert response.status_code == 400
    assert response.context["photo_form"].errors["photo"]


def test_it_rejects_get(client):
    assert client.get(URL).status_code == 405


def test_it_replaces_the_old_file(client, member, _media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, _image())
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, _image(size=(300, 300)))
    member.refresh_from_db()
    files = _stored_files(_media)
    assert [f.name for f in files] == [member.photo.name.split("/")[-1]]


def test_it_removes_the_photo(client, member, _media, django_capture_on_commit_callbacks):
    _upload(client, _image())
    member.refresh_from_db()
    with_photo = member.profile_completeness
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"action": "remove"})
    assert response["Location"] == "/settings/profile/"
    member.refresh_from_db()
    assert not member.photo
    assert member.profile_completeness == with_photo - COMPLETENESS_WEIGHTS["photo"]
    assert _stored_files(_media) == []


def test_it_serves_the_photo_to_signed_in_people(client, client_for, member, colleague):
    _upload(client, _image())
    response = client_for(colleague).get("/people/bob/photo")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=3600"
    body = b"".join(response.streaming_content)
    response.close()
    assert body.startswith(JPEG_MAGIC)


def test_it_hides_the_photo_from_anonymous_visitors(client, client_for, member):
    _upload(client, _image())
    response = client_for().get("/people/bob/photo")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_gives_404_for_an_unknown_person(client):
    assert client.get("/people/nobody/photo").status_code == 404


def test_it_gives_404_for_a_person_without_photo(client, colleague):
    assert client.get("/people/carol/photo").status_code == 404


def test_it_gives_404_for_a_departed_person_photo(client_for, member, _media):
    gone = PersonFactory(username="gone")
    _upload(client_for(gone), _image())
    gone.is_active = False
    gone.save()
    assert client_for(member).get("/people/gone/photo").status_code == 404


def test_it_gives_404_when_the_file_is_missing(client, member, _media):
    _upload(client, _image())
    for f in _stored_files(_media):
        f.unlink()
    assert client.get("/people/bob/photo").status_code == 404
