"""Two bookings of the same desk for the same day at the same time: the database constraint
decides, one 201 and one 409 `already_booked`."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from rucher.core.factories import PersonFactory
from rucher.life import services
from rucher.life.models import Desk, DeskBooking, DeskOffer, Site
from tests.api.conftest import ApiClient


def _world():
    owner = PersonFactory(username="owner")
    site = Site.objects.create(name="Paris")
    desk = Desk.objects.create(site=site, label="P1", owner=owner)
    day = timezone.localdate() + timedelta(days=1)
    DeskOffer.objects.create(desk=desk, starts_on=day, ends_on=day)
    return desk, day


@pytest.mark.django_db
def test_a_booking_that_loses_the_race_after_the_check_is_a_clear_409(client_for, monkeypatch):
    """The friendly check passed (the other booking was not yet committed), the insert hits the
    unique constraint: the answer is still 409, on SQLite as on PostgreSQL."""
    desk, day = _world()
    first, second = PersonFactory(), PersonFactory()
    DeskBooking.objects.create(desk=desk, person=first, day=day)
    monkeypatch.setattr(services, "_desk_taken", lambda desk, day: False)
    r = client_for(second).call("post", f"/desks/{desk.pk}/bookings", {"date": str(day)})
    assert r.status_code == 409
    assert r.json()["code"] == "already_booked"
    assert DeskBooking.objects.filter(desk=desk, day=day).count() == 1
    assert not DeskBooking.objects.filter(person=second).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_bookings_give_one_201_and_one_409(token_for):
    if connection.vendor != "postgresql":
        pytest.skip("two real concurrent transactions need PostgreSQL (SQLite: test above)")
    desk, day = _world()
    people = [PersonFactory(), PersonFactory()]
    clients = [ApiClient(HTTP_AUTHORIZATION=f"Bearer {token_for(p)}") for p in people]
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    codes: list[str] = []

    def book(client: ApiClient) -> None:
        try:
            barrier.wait(timeout=10)
            r = client.call("post", f"/desks/{desk.pk}/bookings", {"date": str(day)})
            statuses.append(r.status_code)
            codes.append(r.json().get("code", ""))
        finally:
            connections.close_all()

    # Both pass the friendly check before either inserts: only the constraint can decide.
    original = services._desk_taken
    seen = threading.Barrier(2)

    def taken_then_wait(desk, day):
        result = original(desk, day)
        seen.wait(timeout=10)
        return result

    services._desk_taken = taken_then_wait
    try:
        threads = [threading.Thread(target=book, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        services._desk_taken = original
    assert sorted(statuses) == [201, 409]
    assert "already_booked" in codes
    assert DeskBooking.objects.filter(desk=desk, day=day).count() == 1
