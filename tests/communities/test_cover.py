"""A community's cover image (issue 14, item 12): managers upload it on the web or through the
API; it is re-encoded and cut to a 3:1 band under the pixel budget; it is served only to those
who may see the community, cookie or Bearer token; the API gives its URL and the caller's
address for posting by email (members only)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from rucher.accounts import services as accounts
from rucher.communities import services
from rucher.communities.models import Community
from rucher.core.audit import AuditEvent
from tests.core.test_images import bomb_png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _png(size=(2400, 1200), extra: bytes = b"") -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (20, 120, 200))
    image.save(out, format="PNG")
    return out.getvalue() + extra


def _upload(data: bytes, name: str = "cover.png"):
    return SimpleUploadedFile(name, data, content_type="image/png")


def _api(person):
    _token, raw = accounts.token_create(person=person, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def test_a_manager_uploads_a_cover_cut_to_a_band(world, client_for):
    community = world.communities["private"]
    client = client_for(world.people["manager"])
    response = client.post(
        f"/c/{community.slug}/manage/cover", {"cover": _upload(_png(extra=b"PAYLOAD"))}
    )
    assert response.status_code == 302
    community.refresh_from_db()
    with community.cover.open("rb") as handle:
        stored = handle.read()
    assert b"PAYLOAD" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size) == ("JPEG", (1500, 500))
    assert AuditEvent.objects.filter(action="community.cover", target=community.slug).exists()
    page = client.get(f"/c/{community.slug}/").content.decode()
    assert f"/c/{community.slug}/cover?v=" in page


@pytest.mark.parametrize(
    ("position", "visibility", "status"),
    [
        ("member", "secret", 200),
        ("outsider", "private", 200),  # the card of a private community is seen by all
        ("outsider", "secret", 404),
        ("leaver", "secret", 404),
        ("removed", "secret", 404),
    ],
)
def test_the_cover_is_served_to_who_may_see_the_community(
    world, client_for, position, visibility, status
):
    community = world.communities[visibility]
    services.community_cover_set(
        actor=world.people["owner"], community=community, upload=_upload(_png())
    )
    response = client_for(world.people[position]).get(f"/c/{community.slug}/cover")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, max-age=3600"
        assert response["X-Content-Type-Options"] == "nosniff"
    assert Client().get(f"/c/{community.slug}/cover").status_code == 302  # anonymous: log in


def test_members_cannot_change_the_cover(world, client_for):
    community = world.communities["open"]
    response = client_for(world.people["member"]).post(
        f"/c/{community.slug}/manage/cover", {"cover": _upload(_png())}
    )
    assert response.status_code == 403
    community.refresh_from_db()
    assert not community.cover


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not an image at all", "Upload an image in JPEG, PNG, GIF or WebP format."),
        (bomb_png(), "The image is too large: 169 megapixels"),
    ],
)
def test_a_bad_cover_is_refused_and_nothing_is_written(world, client_for, data, message):
    community = world.communities["open"]
    client = client_for(world.people["owner"])
    response = client.post(f"/c/{community.slug}/manage/cover", {"cover": _upload(data)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Community.objects.get(pk=community.pk).cover


def test_the_api_sets_the_cover_and_gives_its_url_to_a_bearer(world):
    community = world.communities["open"]
    owner = _api(world.people["owner"])
    response = owner.post(f"/api/v1/communities/{community.slug}/cover", {"file": _upload(_png())})
    assert response.status_code == 200, response.content
    url = response.json()["cover_url"]
    assert url.startswith(f"/c/{community.slug}/cover?v=")
    image = _api(world.people["member"]).get(url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    removed = owner.delete(f"/api/v1/communities/{community.slug}/cover")
    assert removed.status_code == 200 and removed.json()["cover_url"] is None
    refused = _api(world.people["member"]).post(
        f"/api/v1/communities/{community.slug}/cover", {"file": _upload(_png())}
    )
    assert refused.status_code == 403


def test_the_api_gives_members_their_posting_address_and_nobody_else(world, settings):
    community = world.communities["open"]
    mine = _api(world.people["member"]).get(f"/api/v1/communities/{community.slug}").json()
    address = mine["email_address"]
    assert address.startswith(f"{community.slug}+")
    assert address.endswith(f"@{settings.RUCHER_MAIL_DOMAIN}")
    # The same address the community page shows the member.
    page = Client()
    page.force_login(world.people["member"])
    assert address in page.get(f"/c/{community.slug}/").content.decode()
    for position in ("outsider", "leaver", "removed", "requester"):
        body = _api(world.people[position]).get(f"/api/v1/communities/{community.slug}").json()
        assert body["email_address"] is None, position
