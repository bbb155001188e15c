"""A 50 MB upload streams to the storage: memory stays flat (measured with tracemalloc: the
peak of Python allocations during the request stays a small fraction of the file's size)."""

import tracemalloc

import pytest

from rucher.accounts import services as account_services
from rucher.documents.models import Document
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db

SIZE = 50 * 1024 * 1024
CHUNK = 1024 * 1024
BOUNDARY = "----rucher-streaming-test"


def _multipart_body(path, *, name: str) -> int:
    """Writes a multipart body with one `file` part of SIZE bytes (a PDF's header, then
    filler) to `path`, chunk by chunk; returns its length."""
    head = (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    with path.open("wb") as out:
        out.write(head)
        out.write(b"%PDF-1.4\n")
        written = len(b"%PDF-1.4\n")
        filler = b"0" * CHUNK
        while written < SIZE:
            piece = filler[: min(CHUNK, SIZE - written)]
            out.write(piece)
            written += len(piece)
        out.write(tail)
    return path.stat().st_size


def test_a_50_mb_upload_streams_with_flat_memory(world, private_club, tmp_path):
    _token, raw = account_services.token_create(person=world.people["member"], name="t")
    client = ApiClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    # Warm-up: the first request imports the URLconf, the API and their libraries (tens of MB
    # of Python objects that have nothing to do with the upload).
    from django.core.files.uploadedfile import SimpleUploadedFile

    warm = client.post(
        f"/api/v1/communities/{private_club.slug}/documents",
        {"file": SimpleUploadedFile("petit.txt", b"warm-up")},
    )
    assert warm.status_code == 201
    body = tmp_path / "body.bin"
    length = _multipart_body(body, name="gros-rapport.pdf")
    with body.open("rb") as stream:
        tracemalloc.start()
        try:
            response = client.request(
                REQUEST_METHOD="POST",
                PATH_INFO=f"/api/v1/communities/{private_club.slug}/documents",
                CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
                CONTENT_LENGTH=str(length),
                **{"wsgi.input": stream},
            )
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert response.status_code == 201, response.content
    assert response.json()["size"] == SIZE
    document = Document.objects.get(name="gros-rapport.pdf")
    assert document.latest.file.size == SIZE
    # The whole file would be 50 MB; reading it in memory even once would show here.
    assert peak < SIZE / 10, f"peak {peak / 1e6:.1f} MB"
