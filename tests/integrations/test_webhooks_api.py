"""The webhooks API (API.md "Integrations"): administrators register organisation-wide hooks,
a community's managers hooks scoped to it; everyone else is refused."""

import pytest

from rucher.integrations.models import Webhook, WebhookDelivery
from tests.api.conftest import ApiClient


@pytest.fixture
def as_person(client_for):
    return client_for


def _create(client: ApiClient, receiver, **extra):
    return client.call(
        "POST", "/webhooks", {"url": receiver.url("/hook"), "events": ["post.created"], **extra}
    )


def test_an_administrator_registers_a_hook_and_sees_its_secret_once(
    admin_user, as_person, receiver
):
    api = as_person(admin_user)
    response = _create(api, receiver)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["url"] == receiver.url("/hook")
    assert body["events"] == ["post.created"]
    assert body["community"] is None
    assert body["active"] is True
    assert len(body["secret"]) == 64
    listed = api.call("GET", "/webhooks").json()
    assert [h["id"] for h in listed["items"]] == [body["id"]]
    assert "secret" not in listed["items"][0]
    assert "secret" not in api.call("GET", f"/webhooks/{body['id']}").json()


def test_a_member_cannot_register_an_organisation_hook(world, as_person, receiver):
    api = as_person(world.people["member"])
    assert _create(api, receiver).status_code == 403
    assert api.call("GET", "/webhooks").status_code == 403
    assert not Webhook.objects.exists()


def test_a_manager_registers_a_hook_for_their_community_only(world, as_person, receiver):
    api = as_person(world.people["manager"])
    # Not organisation-wide.
    assert _create(api, receiver).status_code == 403
    response = _create(api, receiver, community=world.communities["secret"].slug)
    assert response.status_code == 201
    assert response.json()["community"] == world.communities["secret"].slug
    assert [h["id"] for h in api.call("GET", "/webhooks").json()["items"]] == [
        response.json()["id"]
    ]


def test_an_outsider_gets_404_for_a_secret_community_and_for_its_hooks(
    world, as_person, receiver, admin_user
):
    hook = as_person(admin_user)
    created = _create(hook, receiver, community=world.communities["secret"].slug).json()
    outsider = as_person(world.people["outsider"])
    response = _create(outsider, receiver, community=world.communities["secret"].slug)
    assert response.status_code == 404
    assert outsider.call("GET", f"/webhooks/{created['id']}").status_code == 404
    assert outsider.call("DELETE", f"/webhooks/{created['id']}").status_code == 404
    assert outsider.call("GET", f"/webhooks/{created['id']}/deliveries").status_code == 404
    # A plain member of the community is no manager: the hooks stay out of sight.
    member = as_person(world.people["member"])
    assert member.call("GET", f"/webhooks/{created['id']}").status_code == 404


def test_a_manager_who_lost_the_role_loses_the_hooks_at_once(world, as_person, receiver):
    from rucher.communities import services as community_services

    manager = world.people["manager"]
    api = as_person(manager)
    created = _create(api, receiver, community=world.communities["open"].slug).json()
    community_services.membership_set_role(
        actor=world.people["owner"],
        community=world.communities["open"],
        person=manager,
        role="member",
    )
    assert api.call("GET", f"/webhooks/{created['id']}").status_code == 404


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/hook", "http"),
        ("http://10.0.0.1/hook", "private"),
        ("http://127.0.0.1:9/hook", "private"),
        ("not a url", "http"),
    ],
)
def test_a_bad_or_private_url_is_refused_with_400(admin_user, as_person, url, message):
    response = as_person(admin_user).call(
        "POST", "/webhooks", {"url": url, "events": ["post.created"]}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert message in body["fields"]["url"][0]
    assert not Webhook.objects.exists()


def test_unknown_events_and_short_secrets_are_refused(admin_user, as_person, receiver):
    api = as_person(admin_user)
    response = _create(api, receiver, events=["post.created", "post.exploded"], secret="short")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert "post.exploded" in fields["events"][0]
    assert "secret" in fields
    assert _create(api, receiver, events=[]).status_code == 400
    assert not Webhook.objects.exists()


def test_delete_test_and_delivery_log(admin_user, as_person, receiver, drain):
    api = as_person(admin_user)
    created = _create(api, receiver).json()
    response = api.call("POST", f"/webhooks/{created['id']}/test")
    assert response.status_code == 202
    assert response.json()["event"] == "ping"
    drain()
    log = api.call("GET", f"/webhooks/{created['id']}/deliveries").json()
    assert [(d["event"], d["status"], d["response_code"]) for d in log["items"]] == [
        ("ping", "succeeded", 200)
    ]
    assert api.call("DELETE", f"/webhooks/{created['id']}").status_code == 204
    assert not Webhook.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_the_delivery_log_pages_by_cursor_in_a_fixed_number_of_queries(
    admin_user, as_person, receiver, django_assert_max_num_queries
):
    from rucher.integrations import delivery

    api = as_person(admin_user)
    created = _create(api, receiver).json()
    hook = Webhook.objects.get(pk=created["id"])
    for i in range(7):
        delivery.delivery_create(webhook=hook, event="post.created", key=f"k{i}", data={})
    seen = []
    cursor = None
    while True:
        query = f"?limit=3&cursor={cursor}" if cursor else "?limit=3"
        with django_assert_max_num_queries(6):
            page = api.call("GET", f"/webhooks/{created['id']}/deliveries{query}").json()
        seen += [d["id"] for d in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 7
    bad = api.call("GET", f"/webhooks/{created['id']}/deliveries?cursor=broken")
    assert bad.status_code == 400


def test_the_webhook_list_costs_a_fixed_number_of_queries(
    admin_user, as_person, receiver, django_assert_max_num_queries
):
    api = as_person(admin_user)
    for _ in range(5):
        _create(api, receiver)
    with django_assert_max_num_queries(6):
        response = api.call("GET", "/webhooks")
    assert len(response.json()["items"]) == 5


def test_anonymous_callers_get_401(anon_api):
    assert anon_api.call("GET", "/webhooks").status_code == 401
