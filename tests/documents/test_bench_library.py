"""The bench's document library (tests/bench/runner.py) builds once and lists."""

import pytest

from rucher.documents.models import Document
from tests.bench.runner import BENCH_DOCUMENTS, _bench_library

pytestmark = pytest.mark.django_db


def test_the_bench_library_is_built_once(world, private_club, web):
    _bench_library(private_club, world.people["member"])
    _bench_library(private_club, world.people["member"])
    documents = Document.objects.filter(community=private_club)
    assert documents.count() == BENCH_DOCUMENTS
    assert not documents.filter(latest__isnull=True).exists()
    page = web(world.people["member"]).get(f"/c/{private_club.slug}/documents/")
    assert page.status_code == 200 and "bench-0000.pdf" in page.content.decode()
