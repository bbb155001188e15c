"""The pixel budget (issue 13, decompression bombs): an image over RUCHER_IMAGE_MAX_PIXELS is
refused from its header, before any pixel is decoded, on every path that takes an image."""

import io
import struct
import zlib
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from PIL import Image, ImageFile

from rucher.content.models import Attachment
from rucher.core import images
from tests.communities.personas import build_world

pytestmark = pytest.mark.django_db


def bomb_png(width: int = 13_000, height: int = 13_000) -> bytes:
    """A PNG header announcing width × height pixels, with almost no data: decoding it would
    allocate width × height × 3 bytes (13,000² is 507 MB)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def small_png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def client_for():
    def make(person, *, language="en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(person)
        return client

    return make


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def never_decoded():
    """Any decoding of pixels fails the test: the refusal must come from the header."""
    with mock.patch.object(
        ImageFile.ImageFile, "load", side_effect=AssertionError("pixels were decoded")
    ) as load:
        yield load


def test_the_budget_is_read_from_the_header_without_decoding(never_decoded):
    with translation.override("en"), pytest.raises(images.ImageTooLarge) as caught:
        images.open_image_checked(bomb_png())
    assert caught.value.pixels == 13_000 * 13_000
    assert caught.value.message.startswith("The image is too large: 169 megapixels (at most 40).")
    never_decoded.assert_not_called()


def test_an_image_at_the_budget_opens(settings):
    settings.RUCHER_IMAGE_MAX_PIXELS = 100 * 50
    with images.open_image_checked(small_png((100, 50))) as image:
        assert image.size == (100, 50)
    with pytest.raises(images.ImageTooLarge) as caught:
        images.open_image_checked(small_png((101, 50)))
    assert caught.value.pixels == 5_050


def test_pillow_follows_the_budget(settings):
    images.configure_pillow()
    assert Image.MAX_IMAGE_PIXELS == 40_000_000


# --- profile photo (web; the API has no photo endpoint) ------------------------------------


def test_a_bomb_photo_is_refused_with_a_form_error(client_for, member, _media, never_decoded):
    client = client_for(member)
    response = client.post(
        "/settings/photo/",
        {"photo": SimpleUploadedFile("me.png", bomb_png(), content_type="image/png")},
    )
    assert response.status_code == 400
    error = response.context["photo_form"].errors["photo"][0]
    assert "169 megapixels (at most 40)" in error
    member.refresh_from_db()
    assert not member.photo
    assert not (_media / "people").exists()


def test_a_photo_over_a_lowered_budget_is_refused_in_french(client_for, member, settings):
    settings.RUCHER_IMAGE_MAX_PIXELS = 10_000
    client = client_for(member, language="fr")
    response = client.post(
        "/settings/photo/",
        {"photo": SimpleUploadedFile("me.png", small_png((200, 100)), content_type="image/png")},
    )
    assert response.status_code == 400
    error = response.context["photo_form"].errors["photo"][0]
    assert error.startswith("L’image est trop grande")
    assert (
        client.post(
            "/settings/photo/",
            {
                "photo": SimpleUploadedFile(
                    "me.png", small_png((100, 100)), content_type="image/png"
                )
            },
        ).status_code
        == 302
    )


# --- attachments (web, API, email) -------------------------------------------------------------


def test_a_bomb_attachment_is_refused_on_the_web(admin_user, client_for, never_decoded):
    world = build_world(admin_user)
    client = client_for(world.people["member"])
    response = client.post(
        "/posts/new/",
        {
            "communities": ["open-club"],
            "kind": "post",
            "body": "Look",
            "upload": [SimpleUploadedFile("map.png", bomb_png())],
        },
    )
    assert response.status_code == 400
    assert "169 megapixels (at most 40)" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_bomb_attachment_is_413_on_the_api(admin_user, client_for, never_decoded):
    world = build_world(admin_user)
    client = client_for(world.people["member"])
    response = client.post(
        "/api/v1/attachments",
        {"file": SimpleUploadedFile("map.png", bomb_png())},
    )
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "too_large"
    assert "169 megapixels (at most 40)" in body["detail"]
    assert not Attachment.objects.exists()


def test_an_attachment_under_the_budget_is_kept(admin_user, client_for, settings):
    settings.RUCHER_IMAGE_MAX_PIXELS = 10_000
    world = build_world(admin_user)
    client = client_for(world.people["member"])
    over = client.post(
        "/api/v1/attachments", {"file": SimpleUploadedFile("a.png", small_png((101, 100)))}
    )
    assert over.status_code == 413
    under = client.post(
        "/api/v1/attachments", {"file": SimpleUploadedFile("b.png", small_png((100, 100)))}
    )
    assert under.status_code == 201
    assert Attachment.objects.get().name == "b.png"


def test_huge_counts_are_written_in_plain_megapixels():
    with translation.override("en"):
        assert images.ImageTooLarge(1_234_000_000).message.startswith(
            "The image is too large: 1234 megapixels (at most 40)."
        )
    with translation.override("fr"):
        assert "0,05 mégapixels" in images.ImageTooLarge(50_000).message
