"""Personas shared by every test: an administrator, a member, another member, an outsider-free
org (everyone is a colleague until communities exist), and an inactive (departed) person."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.test.utils import override_settings
from django.utils import translation

from rucher.core.factories import PASSWORD, PersonFactory
from rucher.core.testing import flush_queue

pytest.register_assert_rewrite("tests.shared")
from tests.shared import shared_fixture  # noqa: E402 - after the rewrite hook

# The shared fixtures' hooks (fitting the layers to each test, and rolling them back before a
# test that cannot run on them).
pytest_plugins = ("tests.shared",)


@pytest.fixture(autouse=True, scope="session")
def _media_root(tmp_path_factory):
    """Uploads go to this session's own folder (one per xdist worker), never to var/media."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def _clean_state():
    cache.clear()
    flush_queue()
    yield
    cache.clear()
    flush_queue()
    # A test that activated a language must not decide the next test's (each test states the
    # language it checks; the default is the settings' LANGUAGE_CODE, French).
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def password():
    return PASSWORD


@shared_fixture
def admin_user():
    return PersonFactory(
        username="alice", display_name="Alice Admin", is_staff=True, is_superuser=True
    )


@pytest.fixture
def member(db):
    return PersonFactory(
        username="bob", display_name="Bob Member", department="Finance", site="Lyon"
    )


@pytest.fixture
def colleague(db):
    return PersonFactory(
        username="carol", display_name="Carol Colleague", department="Ventes", site="Nantes"
    )


@pytest.fixture
def departed(db):
    """A person who left the organisation: deactivated, must lose access at once."""
    return PersonFactory(username="dave", display_name="Dave Departed", is_active=False)


@pytest.fixture
def member_client(member):
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def pytest_ignore_collect(collection_path, config):
    """Benchmarks run only through `make bench` (RUCHER_BENCH=1), never in `make test`."""
    import os

    if "bench" in collection_path.parts and os.environ.get("RUCHER_BENCH") != "1":
        return True
    return None
