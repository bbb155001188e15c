"""Search fixtures: the personas' communities world with one post and comment in each."""

import pytest
from django.test import Client

from tests.communities.personas import build_world
from tests.content.conftest import build_content
from tests.shared import shared_fixture


@shared_fixture
def world(admin_user):
    return build_world(admin_user)


@shared_fixture
def content(world):
    return build_content(world)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def client_for():
    def make(person=None, *, language="en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if person is not None:
            client.force_login(person)
        return client

    return make
