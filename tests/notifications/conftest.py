"""Notification fixtures: the communities world, and web clients per persona."""

import pytest
from django.test import Client

from tests.communities.personas import build_world
from tests.shared import shared_fixture


@shared_fixture
def world(admin_user):
    return build_world(admin_user)


@pytest.fixture
def client_for():
    def make(person=None, *, language="en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if person is not None:
            client.force_login(person)
        return client

    return make
