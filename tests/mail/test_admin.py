"""The mail pages of the administration load, and a paused address can be resumed."""

import pytest
from django.utils import timezone

from rucher.mail.models import AddressHealth
from tests.mail.helpers import put

pytestmark = pytest.mark.django_db


def test_the_outbox_and_addresses_are_listed(admin_client, member):
    message = put(member)
    for url in (
        "/admin/mail/outboxmessage/",
        f"/admin/mail/outboxmessage/{message.pk}/change/",
        "/admin/mail/addresshealth/",
        "/admin/mail/inboundmessage/",
        "/admin/mail/emailpreference/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_an_administrator_resumes_a_paused_address(admin_client):
    health = AddressHealth.objects.create(
        address="gone@example.org", failures=5, paused_at=timezone.now(), last_error="550"
    )
    response = admin_client.post(
        "/admin/mail/addresshealth/",
        {"action": "resume", "_selected_action": [health.pk]},
    )
    assert response.status_code == 302
    health.refresh_from_db()
    assert (health.failures, health.paused_at, health.last_error) == (0, None, "")


def test_members_do_not_reach_it(member_client):
    assert member_client.get("/admin/mail/outboxmessage/").status_code == 302
