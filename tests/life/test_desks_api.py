"""Desk sharing through the API: sites and desks (administrators), offers, bookings, the
database rule against double booking, cancelling."""

from datetime import timedelta

import pytest

from rucher.core.factories import PersonFactory
from rucher.life.models import Desk, DeskBooking, DeskOffer, Site
from rucher.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_an_administrator_creates_a_site_with_floors_and_desks(admin_api, member):
    r = admin_api.call("post", "/sites", {"name": "Nantes", "floors": ["RDC", "1er"]})
    assert r.status_code == 201, r.json()
    site = r.json()
    assert [f["name"] for f in site["floors"]] == ["RDC", "1er"]
    r = admin_api.call(
        "post", f"/sites/{site['id']}/desks", {"label": "N1-01", "floor": "1er", "owner": "bob"}
    )
    assert r.status_code == 201, r.json()
    assert r.json()["owner"]["username"] == "bob"
    assert r.json()["floor"] == "1er"
    assert (
        admin_api.call("post", f"/sites/{site['id']}/desks", {"label": "N1-01"}).status_code == 400
    )


def test_a_member_cannot_create_sites_or_desks(api, paris):
    r = api.call("post", "/sites", {"name": "Nantes"})
    assert r.status_code == 403
    assert api.call("post", f"/sites/{paris.pk}/desks", {"label": "X"}).status_code == 403
    assert not Site.objects.filter(name="Nantes").exists()
    assert not Desk.objects.exists()


def test_the_desks_of_a_site_show_their_state_for_the_date(
    api_for, colleague, desk, other_desk, today
):
    DeskBooking.objects.create(desk=other_desk, person=colleague, day=today)
    api = api_for(colleague)
    r = api.call("get", f"/sites/{desk.site_id}/desks?date={today.isoformat()}")
    assert r.status_code == 200
    items = {d["label"]: d for d in r.json()["items"]}
    assert items["P2-01"]["available"] is True
    assert items["P2-01"]["booked_by"] is None
    assert items["P2-02"]["available"] is False
    assert items["P2-02"]["booked_by"]["username"] == "carol"
    free = api.call("get", f"/sites/{desk.site_id}/desks?date={today.isoformat()}&free=true")
    assert [d["label"] for d in free.json()["items"]] == ["P2-01"]
    far = today + timedelta(days=60)
    r = api.call("get", f"/sites/{desk.site_id}/desks?date={far.isoformat()}")
    assert all(d["available"] is False for d in r.json()["items"])


def test_the_desk_list_pages_by_keyset_in_a_fixed_number_of_queries(
    api_for, colleague, paris, today, django_assert_max_num_queries
):
    owners = PersonFactory.create_batch(3)
    for i in range(25):
        d = Desk.objects.create(site=paris, label=f"D{i:02d}", owner=owners[i % 3])
        DeskOffer.objects.create(desk=d, starts_on=today, ends_on=today)
        if i % 2:
            DeskBooking.objects.create(desk=d, person=PersonFactory(), day=today)
    api = api_for(colleague)
    api.call("get", "/me/bookings")  # the day's activity row (analytics) is written once
    seen = []
    cursor = ""
    for _page in range(3):
        with django_assert_max_num_queries(6):
            r = api.call("get", f"/sites/{paris.pk}/desks?limit=10{cursor}")
        assert r.status_code == 200
        body = r.json()
        seen += [d["label"] for d in body["items"]]
        if not body["next"]:
            break
        cursor = f"&cursor={body['next']}"
    assert seen == [f"D{i:02d}" for i in range(25)]
    assert api.call("get", f"/sites/{paris.pk}/desks?cursor=bad").status_code == 400


def test_the_owner_offers_the_desk_for_a_range_or_one_weekday(api, desk, today):
    start = today + timedelta(days=20)
    r = api.call(
        "post",
        f"/desks/{desk.pk}/availability",
        {"from": str(start), "to": str(start + timedelta(days=13)), "weekday": 4},
    )
    assert r.status_code == 201, r.json()
    assert r.json()["weekday"] == 4
    offer = DeskOffer.objects.get(pk=r.json()["id"])
    fridays = [
        start + timedelta(days=i) for i in range(14) if (start + timedelta(days=i)).weekday() == 4
    ]
    assert all(offer.covers(day) for day in fridays)
    assert not any(
        offer.covers(start + timedelta(days=i))
        for i in range(14)
        if (start + timedelta(days=i)).weekday() != 4
    )


@pytest.mark.parametrize(
    ("shift_from", "shift_to", "field"),
    [(-1, 3, "from"), (5, 2, "to"), (1, 500, "to")],
)
def test_an_offer_with_bad_dates_is_refused(api, desk, today, shift_from, shift_to, field):
    before = DeskOffer.objects.count()
    r = api.call(
        "post",
        f"/desks/{desk.pk}/availability",
        {
            "from": str(today + timedelta(days=shift_from)),
            "to": str(today + timedelta(days=shift_to)),
        },
    )
    assert r.status_code == 400
    assert field in r.json()["fields"]
    assert DeskOffer.objects.count() == before


def test_only_the_owner_offers_a_desk(api_for, colleague, desk, today):
    r = api_for(colleague).call(
        "post", f"/desks/{desk.pk}/availability", {"from": str(today), "to": str(today)}
    )
    assert r.status_code == 403


def test_a_colleague_books_an_offered_desk_and_the_owner_is_notified(
    api_for, colleague, member, desk, today, django_capture_on_commit_callbacks
):
    day = today + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        r = api_for(colleague).call("post", f"/desks/{desk.pk}/bookings", {"date": str(day)})
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["date"] == str(day)
    assert body["person"]["username"] == "carol"
    assert body["site"]["name"] == "Paris"
    notification = Notification.objects.get(recipient=member, kind="desk_booked")
    assert notification.actor == colleague
    mine = api_for(colleague).call("get", "/me/bookings").json()
    assert [b["id"] for b in mine["items"]] == [body["id"]]
    # The owner sees who booked the desk.
    r = api_for(member).call("get", f"/sites/{desk.site_id}/desks?date={day}")
    assert r.json()["items"][0]["booked_by"]["username"] == "carol"


def test_a_taken_desk_answers_409_already_booked(api_for, colleague, admin_user, desk, today):
    api_for(admin_user).call("post", f"/desks/{desk.pk}/bookings", {"date": str(today)})
    r = api_for(colleague).call("post", f"/desks/{desk.pk}/bookings", {"date": str(today)})
    assert r.status_code == 409
    assert r.json()["code"] == "already_booked"
    assert DeskBooking.objects.filter(desk=desk, day=today).count() == 1


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("past", "in the past"),
        ("not_offered", "not offered that day"),
        ("second_desk", "already have a desk"),
        ("own_desk", "your own desk"),
    ],
)
def test_a_booking_that_cannot_be_is_a_400_with_its_reason(
    api_for, colleague, member, desk, other_desk, today, case, reason
):
    person, target, day = colleague, desk, today + timedelta(days=2)
    if case == "past":
        day = today - timedelta(days=1)
    elif case == "not_offered":
        day = today + timedelta(days=30)
    elif case == "second_desk":
        DeskBooking.objects.create(desk=other_desk, person=colleague, day=day)
    elif case == "own_desk":
        person = member
    before = DeskBooking.objects.count()
    r = api_for(person).call("post", f"/desks/{target.pk}/bookings", {"date": str(day)})
    assert r.status_code == 400
    assert reason in r.json()["detail"]
    assert DeskBooking.objects.count() == before


def test_bad_booking_input_is_422_and_unknown_desks_404(api, today):
    assert api.call("post", "/desks/999999/bookings", {"date": str(today)}).status_code == 404
    assert api.call("post", "/desks/1/bookings", {"date": "tomorrow"}).status_code == 422


def test_the_booker_cancels_others_cannot_see_the_booking(
    api_for, colleague, member, admin_user, desk, today
):
    day = today + timedelta(days=3)
    booking = DeskBooking.objects.create(desk=desk, person=colleague, day=day)
    outsider = PersonFactory()
    assert api_for(outsider).call("delete", f"/bookings/{booking.pk}").status_code == 404
    assert api_for(colleague).call("delete", f"/bookings/{booking.pk}").status_code == 204
    assert not DeskBooking.objects.filter(pk=booking.pk).exists()


def test_a_past_booking_cannot_be_cancelled(api_for, colleague, desk, today):
    booking = DeskBooking.objects.create(desk=desk, person=colleague, day=today - timedelta(days=1))
    r = api_for(colleague).call("delete", f"/bookings/{booking.pk}")
    assert r.status_code == 400
    assert DeskBooking.objects.filter(pk=booking.pk).exists()


def test_a_departed_person_loses_access_at_once(api_for, colleague, desk, today):
    api = api_for(colleague)
    assert api.call("get", "/sites").status_code == 200
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    assert api.call("get", "/sites").status_code == 401
    assert api.call("post", f"/desks/{desk.pk}/bookings", {"date": str(today)}).status_code == 401


def test_sites_list_is_keyset_paginated(api, db):
    for name in ("Brest", "Angers", "Caen"):
        Site.objects.create(name=name)
    first = api.call("get", "/sites?limit=2").json()
    assert [s["name"] for s in first["items"]] == ["Angers", "Brest"]
    second = api.call("get", f"/sites?limit=2&cursor={first['next']}").json()
    assert [s["name"] for s in second["items"]] == ["Caen"]
    assert second["next"] is None
