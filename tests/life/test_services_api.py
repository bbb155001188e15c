"""Services between colleagues through the API: offers and requests, filters, replies (private
or public), carpool seats, gift pools, closing and expiry."""

from datetime import timedelta

import pytest

from rucher.core.factories import PersonFactory
from rucher.life import services
from rucher.life.models import Service, ServiceReply
from rucher.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _carpool(today, **extra):
    return {
        "kind": "offer",
        "category": "carpool",
        "title": "Paris → Lyon vendredi",
        "from_place": "Paris",
        "to_place": "Lyon",
        "starts_on": str(today + timedelta(days=3)),
        "seats": 2,
        **extra,
    }


def test_a_member_offers_a_carpool_and_colleagues_see_it(api, api_for, colleague, paris, today):
    r = api.call("post", "/services", _carpool(today, site=paris.pk))
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["category"] == "carpool"
    assert body["site"] == {"id": paris.pk, "name": "Paris"}
    assert body["seats"] == 2
    assert body["status"] == "open"
    assert body["author"]["username"] == "bob"
    seen = api_for(colleague).call("get", "/services").json()
    assert [s["id"] for s in seen["items"]] == [body["id"]]
    assert api_for(colleague).call("get", f"/services/{body['id']}").status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"seats": 0}, "seats"),
        ({"starts_on": "2020-01-01"}, "starts_on"),
        ({"to_place": ""}, "to_place"),
        ({"ends_on": "PAST"}, "ends_on"),
    ],
)
def test_a_bad_carpool_is_refused_and_nothing_is_written(api, today, change, field):
    if change.get("ends_on") == "PAST":
        change = {"ends_on": str(today + timedelta(days=1))}  # before starts_on (+3)
    r = api.call("post", "/services", _carpool(today, **change))
    assert r.status_code == 400, r.json()
    assert field in r.json()["fields"]
    assert not Service.objects.exists()


def test_unknown_categories_and_fields_are_422(api, today):
    assert api.call("post", "/services", _carpool(today, category="bitcoin")).status_code == 422
    assert api.call("post", "/services", _carpool(today, extra=1)).status_code == 422


def test_filters_by_category_kind_site_and_state(api, member, paris, lyon, today):
    a = services.service_create(
        author=member, kind="offer", category="sport", title="Tennis", site=paris
    )
    b = services.service_create(
        author=member, kind="request", category="childcare", title="Garde", site=lyon
    )
    c = services.service_create(
        author=member, kind="offer", category="meal", title="Repas", site=paris
    )
    services.service_close(actor=member, service=c)

    def ids(query):
        r = api.call("get", f"/services?{query}")
        assert r.status_code == 200, r.json()
        return [s["id"] for s in r.json()["items"]]

    assert ids("category=sport") == [a.pk]
    assert ids("kind=request") == [b.pk]
    assert ids(f"site={paris.pk}") == [c.pk, a.pk]
    assert ids("open=true") == [b.pk, a.pk]
    assert ids("open=false") == [c.pk]
    assert api.call("get", "/services?category=nope").status_code == 422
    assert api.call("get", "/services?site=999999").status_code == 404


def test_near_me_puts_my_site_first(api_for, paris, lyon, today):
    lyonnais = PersonFactory(site="Lyon")
    author = PersonFactory()
    near = services.service_create(
        author=author, kind="offer", category="sport", title="Lyon", site=lyon
    )
    far = services.service_create(
        author=author, kind="offer", category="sport", title="Paris", site=paris
    )
    items = api_for(lyonnais).call("get", "/services?near_me=true").json()["items"]
    assert [s["id"] for s in items] == [near.pk, far.pk]
    items = api_for(lyonnais).call("get", "/services").json()["items"]
    assert [s["id"] for s in items] == [far.pk, near.pk]


def test_the_list_is_keyset_paginated_in_a_fixed_number_of_queries(
    api, paris, django_assert_max_num_queries
):
    authors = PersonFactory.create_batch(5)
    for i in range(25):
        services.service_create(
            author=authors[i % 5], kind="offer", category="other", title=f"S{i}", site=paris
        )
    api.call("get", "/me/bookings")  # the day's activity row (analytics) is written once
    seen = []
    cursor = ""
    while True:
        with django_assert_max_num_queries(4):
            r = api.call("get", f"/services?limit=10&near_me=true{cursor}")
        body = r.json()
        seen += [s["title"] for s in body["items"]]
        if not body["next"]:
            break
        cursor = f"&cursor={body['next']}"
    assert seen == [f"S{i}" for i in reversed(range(25))]
    assert api.call("get", "/services?cursor=xyz").status_code == 400


def test_private_replies_are_seen_only_by_the_two_people(
    api_for, member, colleague, today, django_capture_on_commit_callbacks
):
    service = services.service_create(
        author=member, kind="request", category="childcare", title="Garde mercredi"
    )
    outsider = PersonFactory()
    with django_capture_on_commit_callbacks(execute=True):
        r = api_for(colleague).call("post", f"/services/{service.pk}/replies", {"body": "Je peux"})
    assert r.status_code == 201, r.json()
    reply_id = r.json()["id"]
    assert r.json()["private"] is True
    assert Notification.objects.filter(recipient=member, kind="service_reply").count() == 1
    for person, expected in ((member, [reply_id]), (colleague, [reply_id]), (outsider, [])):
        api = api_for(person)
        assert [
            x["id"] for x in api.call("get", f"/services/{service.pk}/replies").json()["items"]
        ] == expected
        assert [
            x["id"] for x in api.call("get", f"/services/{service.pk}").json()["replies"]
        ] == expected
    # The reply count says there is one, without showing it.
    assert api_for(outsider).call("get", f"/services/{service.pk}").json()["reply_count"] == 1
    # An outsider cannot act on a private reply either (404, as if it did not exist).
    r = api_for(outsider).call("post", f"/services/{service.pk}/replies/{reply_id}/accept")
    assert r.status_code == 404


def test_public_replies_are_seen_by_everyone(api_for, member, colleague):
    service = services.service_create(
        author=member, kind="offer", category="meal", title="Raclette", private_replies=False
    )
    services.service_reply(actor=colleague, service=service, body="Moi !")
    items = api_for(PersonFactory()).call("get", f"/services/{service.pk}/replies").json()["items"]
    assert [x["body"] for x in items] == ["Moi !"]


def test_accepting_riders_takes_seats_and_a_full_carpool_closes(api, api_for, member, today):
    service = services.service_create(
        author=member, **{**_carpool(today), "starts_on": today + timedelta(days=3), "seats": 2}
    )
    riders = PersonFactory.create_batch(3)
    replies = [services.service_reply(actor=p, service=service, body="Une place ?") for p in riders]
    r = api_for(riders[0]).call("post", f"/services/{service.pk}/replies/{replies[0].pk}/accept")
    assert r.status_code == 403  # only the author accepts
    r = api.call("post", f"/services/{service.pk}/replies/{replies[0].pk}/accept")
    assert r.status_code == 200, r.json()
    assert r.json()["seats"] == 1
    # Accepting the same rider twice takes no second seat.
    assert (
        api.call("post", f"/services/{service.pk}/replies/{replies[0].pk}/accept").json()["seats"]
        == 1
    )
    r = api.call("post", f"/services/{service.pk}/replies/{replies[1].pk}/accept")
    assert r.json()["seats"] == 0
    assert r.json()["status"] == "closed"
    r = api.call("post", f"/services/{service.pk}/replies/{replies[2].pk}/accept")
    assert r.status_code == 400
    assert ServiceReply.objects.filter(accepted_at__isnull=False).count() == 2
    # Closed: no more replies.
    assert (
        api_for(riders[2])
        .call("post", f"/services/{service.pk}/replies", {"body": "?"})
        .status_code
        == 400
    )


def test_a_gift_pool_records_pledges(api, api_for, member, colleague):
    r = api.call(
        "post",
        "/services",
        {
            "kind": "offer",
            "category": "gift_pool",
            "title": "Pot de départ de Léa",
            "target_amount": 200,
        },
    )
    assert r.status_code == 201, r.json()
    pool = r.json()["id"]
    r = api_for(colleague).call(
        "post", f"/services/{pool}/replies", {"body": "Avec plaisir", "pledge": 20}
    )
    assert r.status_code == 201
    assert api.call("get", f"/services/{pool}").json()["pledged_amount"] == 20
    r = api_for(colleague).call("post", f"/services/{pool}/replies", {"body": "x", "pledge": 0})
    assert r.status_code == 400
    assert api.call("get", f"/services/{pool}").json()["pledged_amount"] == 20


def test_only_the_author_edits_and_closes(api, api_for, member, colleague, today):
    service = services.service_create(
        author=member, kind="offer", category="sport", title="Footing"
    )
    other = api_for(colleague)
    assert other.call("patch", f"/services/{service.pk}", {"title": "Mine"}).status_code == 403
    assert other.call("post", f"/services/{service.pk}/close").status_code == 403
    r = api.call(
        "patch",
        f"/services/{service.pk}",
        {"title": "Footing du mardi", "ends_on": str(today + timedelta(days=7))},
    )
    assert r.status_code == 200, r.json()
    assert r.json()["title"] == "Footing du mardi"
    r = api.call("patch", f"/services/{service.pk}", {"starts_on": str(today + timedelta(days=9))})
    assert r.status_code == 400
    assert "ends_on" in r.json()["fields"]
    r = api.call("post", f"/services/{service.pk}/close")
    assert r.json()["status"] == "closed"
    assert r.json()["open"] is False


def test_the_expiry_job_expires_services_past_their_end_date_once(member, today):
    service = services.service_create(
        author=member,
        kind="offer",
        category="other",
        title="Vélo",
        ends_on=today + timedelta(days=1),
    )
    lasting = services.service_create(author=member, kind="offer", category="other", title="Livres")
    assert services.services_expire(on=today + timedelta(days=1)) == 0
    assert services.services_expire(on=today + timedelta(days=2)) == 1
    assert services.services_expire(on=today + timedelta(days=2)) == 0
    service.refresh_from_db()
    lasting.refresh_from_db()
    assert service.status == "expired"
    assert lasting.status == "open"


def test_the_services_of_a_departed_author_disappear(api, api_for, colleague, member):
    service = services.service_create(
        author=colleague, kind="offer", category="sport", title="Yoga"
    )
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    assert api.call("get", f"/services/{service.pk}").status_code == 404
    assert api.call("get", "/services").json()["items"] == []
