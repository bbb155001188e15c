"""Helpers for the people tests: clients that read English, so messages can be asserted."""

import pytest
from django.test import Client


@pytest.fixture
def client_for():
    """A client signed in as `person` (anonymous when None), asking for English pages."""

    def make(person=None, *, language="en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if person is not None:
            client.force_login(person)
        return client

    return make
