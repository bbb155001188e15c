"""Analytics fixtures: the communities world (an administrator, a manager, a member, an
outsider around an open, a private and a secret community) and a clock."""

import contextlib
from collections.abc import Iterator
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from rucher.communities.models import Community, Membership
from tests.communities.personas import build_world
from tests.shared import shared_fixture

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@contextlib.contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """Every `timezone.now()` (auto_now_add included) answers `moment`."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@shared_fixture
def world(admin_user):
    world = build_world(admin_user)
    # The clubs (and their memberships) exist since the start of the year: rollups of past
    # days give them a row.
    since = paris(2026, 1, 1)
    for community in world.communities.values():
        Community.objects.filter(pk=community.pk).update(created_at=since)
        Membership.objects.filter(community=community).update(created_at=since)
        community.refresh_from_db()
    return world


@pytest.fixture
def client_for():
    def make(person=None, *, language="en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if person is not None:
            client.force_login(person)
        return client

    return make
