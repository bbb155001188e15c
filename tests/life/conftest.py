"""Everyday life personas: a Paris site with two desks (one owned by the member, bob), a Lyon
site, and the colleague (carol) who visits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rucher.life.models import Desk, DeskOffer, Floor, Site
from tests.api.conftest import (  # noqa: F401 - fixtures
    ApiClient,
    admin_api,
    api,
    client_for,
    token_for,
)

__all__ = ["ApiClient"]


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def paris(db):
    site = Site.objects.create(name="Paris")
    Floor.objects.create(site=site, name="2e étage", position=0)
    return site


@pytest.fixture
def lyon(db):
    return Site.objects.create(name="Lyon")


@pytest.fixture
def desk(paris, member):
    """Bob's desk, offered for the coming two weeks."""
    desk = Desk.objects.create(site=paris, label="P2-01", floor=paris.floors.get(), owner=member)
    today = timezone.localdate()
    DeskOffer.objects.create(desk=desk, starts_on=today, ends_on=today + timedelta(days=14))
    return desk


@pytest.fixture
def other_desk(paris, admin_user):
    desk = Desk.objects.create(site=paris, label="P2-02", owner=admin_user)
    today = timezone.localdate()
    DeskOffer.objects.create(desk=desk, starts_on=today, ends_on=today + timedelta(days=14))
    return desk


@pytest.fixture
def api_for(client_for):  # noqa: F811
    return client_for
