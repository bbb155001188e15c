"""Reporting a service reuses the moderation rules; administrators hide or dismiss."""

import pytest
from django.test import Client

from rucher.core.factories import PersonFactory
from rucher.core.models import AuditEvent
from rucher.life import services
from rucher.life.models import ServiceReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(colleague):
    return services.service_create(
        author=colleague, kind="offer", category="other", title="Objet douteux"
    )


def test_a_member_reports_and_an_administrator_hides(api, admin_api, api_for, colleague, service):
    r = api.call("post", f"/services/{service.pk}/report", {"reason": "Vente interdite"})
    assert r.status_code == 201, r.json()
    again = api.call("post", f"/services/{service.pk}/report", {"reason": "Encore"})
    assert again.status_code == 200
    assert again.json()["id"] == r.json()["id"]
    assert api.call("get", "/moderation/service-reports").status_code == 403
    queue = admin_api.call("get", "/moderation/service-reports").json()
    assert [x["service"] for x in queue["items"]] == [service.pk]
    assert api.call("post", f"/services/{service.pk}/hide").status_code == 403
    r = admin_api.call("post", f"/services/{service.pk}/hide")
    assert r.status_code == 200
    assert r.json()["hidden"] is True
    assert ServiceReport.objects.get().status == "hidden"
    assert AuditEvent.objects.filter(action="service.hide").exists()
    # Hidden: gone for others, still there for its author and administrators.
    assert api.call("get", f"/services/{service.pk}").status_code == 404
    assert api.call("get", "/services").json()["items"] == []
    assert api_for(colleague).call("get", f"/services/{service.pk}").status_code == 200
    assert admin_api.call("get", f"/services/{service.pk}").status_code == 200
    assert admin_api.call("post", f"/services/{service.pk}/restore").json()["hidden"] is False
    assert api.call("get", f"/services/{service.pk}").status_code == 200


def test_a_report_needs_a_reason_and_can_be_dismissed(api, admin_api, service):
    r = api.call("post", f"/services/{service.pk}/report", {"reason": "  "})
    assert r.status_code == 400
    assert "reason" in r.json()["fields"]
    assert not ServiceReport.objects.exists()
    report_id = api.call("post", f"/services/{service.pk}/report", {"reason": "Spam"}).json()["id"]
    assert api.call("post", f"/service-reports/{report_id}/dismiss").status_code == 404
    r = admin_api.call("post", f"/service-reports/{report_id}/dismiss")
    assert r.json()["status"] == "dismissed"


def test_the_report_page_and_the_moderation_queue(member, admin_user, service):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)
    assert client.get(f"/services/{service.pk}/report/").status_code == 200
    r = client.post(f"/services/{service.pk}/report/", {"reason": "Pas à sa place"})
    assert r.status_code == 302
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(admin_user)
    html = admin.get("/moderation/").content.decode()
    assert "Reported services" in html and "Objet douteux" in html
    assert client.post(f"/moderation/services/{service.pk}/hide").status_code == 404
    assert admin.post(f"/moderation/services/{service.pk}/hide").status_code == 302
    assert Client().get(f"/services/{service.pk}/").status_code == 302  # login first
    outsider = Client()
    outsider.force_login(PersonFactory())
    assert outsider.get(f"/services/{service.pk}/").status_code == 404
