"""The integrations web pages: administrators and managers use them, others get 404."""

import pytest
from django.test import Client

from rucher.accounts.models import AccessToken
from rucher.integrations.models import IncomingToken, Webhook
from rucher.integrations.services import webhook_create


def _client(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


def test_an_administrator_registers_a_hook_from_the_page(admin_user, receiver):
    client = _client(admin_user)
    assert client.get("/integrations/webhooks/").status_code == 200
    response = client.post(
        "/integrations/webhooks/",
        {"url": receiver.url("/hook"), "events": ["post.created", "comment.created"]},
    )
    hook = Webhook.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/integrations/webhooks/{hook.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert receiver.url("/hook") in page.content.decode()


def test_a_private_url_is_refused_with_a_clear_message(admin_user):
    response = _client(admin_user).post(
        "/integrations/webhooks/", {"url": "http://192.168.1.10/hook", "events": ["post.created"]}
    )
    assert response.status_code == 400
    assert "private" in response.content.decode()
    assert not Webhook.objects.exists()


def test_the_send_test_button_and_the_log(admin_user, receiver, drain):
    hook = webhook_create(
        actor=admin_user, url=receiver.url("/hook"), events_wanted=["post.created"]
    )
    client = _client(admin_user)
    response = client.post(f"/integrations/webhooks/{hook.pk}/test")
    assert response.status_code == 302
    drain()
    assert len(receiver.received) == 1
    page = client.get(f"/integrations/webhooks/{hook.pk}/").content.decode()
    assert "HTTP 200" in page
    assert "ping" in page


def test_the_webhook_page_costs_a_fixed_number_of_queries(
    admin_user, receiver, django_assert_max_num_queries
):
    from rucher.integrations import delivery

    hook = webhook_create(
        actor=admin_user, url=receiver.url("/hook"), events_wanted=["post.created"]
    )
    for i in range(30):
        delivery.delivery_create(webhook=hook, event="post.created", key=f"k{i}", data={})
    client = _client(admin_user)
    with django_assert_max_num_queries(12):
        assert client.get(f"/integrations/webhooks/{hook.pk}/").status_code == 200


@pytest.mark.parametrize("position", ["member", "outsider", "ambassador"])
def test_people_who_manage_nothing_get_404(world, admin_user, receiver, position):
    hook = webhook_create(
        actor=admin_user, url=receiver.url("/hook"), events_wanted=["post.created"]
    )
    client = _client(world.people[position])
    assert client.get("/integrations/webhooks/").status_code in (404,)
    assert client.get(f"/integrations/webhooks/{hook.pk}/").status_code == 404
    assert client.post(f"/integrations/webhooks/{hook.pk}/delete").status_code == 404
    assert Webhook.objects.filter(pk=hook.pk).exists()


def test_a_manager_creates_an_incoming_token_shown_once(world):
    community = world.communities["private"]
    client = _client(world.people["manager"])
    url = f"/c/{community.slug}/integrations/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Service desk"})
    assert response.status_code == 200
    token = IncomingToken.objects.get()
    assert "rin_" in response.content.decode()
    again = client.get(url).content.decode()
    assert "Service desk" in again
    assert "rin_" + "x" not in again
    revoke = client.post(f"/integrations/incoming-tokens/{token.pk}/revoke")
    assert revoke.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_member_cannot_open_the_community_integrations(world):
    slug = world.communities["private"].slug
    assert _client(world.people["member"]).get(f"/c/{slug}/integrations/").status_code == 403
    secret = world.communities["secret"].slug
    assert _client(world.people["outsider"]).get(f"/c/{secret}/integrations/").status_code == 404


def test_administrators_see_and_revoke_every_token(admin_user, member):
    from rucher.accounts import services

    token, _raw = services.token_create(person=member, name="laptop")
    client = _client(admin_user)
    page = client.get("/integrations/tokens/")
    assert page.status_code == 200
    assert "laptop" in page.content.decode()
    assert client.post(f"/integrations/tokens/{token.pk}/revoke").status_code == 302
    assert not AccessToken.objects.filter(pk=token.pk).exists()
    assert _client(member).get("/integrations/tokens/").status_code == 404
