"""Web clients per persona (reading English), and the world of communities."""

import pytest
from django.test import Client

from tests.communities.personas import build_world
from tests.shared import shared_fixture


@pytest.fixture
def client_for():
    """A client signed in as `person` (anonymous when None), asking for English pages."""

    def make(person=None, *, language="en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if person is not None:
            client.force_login(person)
        return client

    return make


@shared_fixture
def world(admin_user):
    return build_world(admin_user)
