"""The audit log records actions with their actor, target and client address."""

import pytest
from django.test import RequestFactory

from rucher.core.audit import audit_record, client_ip
from rucher.core.models import AuditEvent


def test_it_reads_the_client_ip():
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    assert client_ip(request) == "10.1.2.3"
    assert client_ip(None) is None


@pytest.mark.django_db
def test_it_records_an_event(member):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    audit_record(action="thing.do", actor=member, target="t" * 300, data={"n": 1}, request=request)
    event = AuditEvent.objects.get()
    assert event.actor == member
    assert event.action == "thing.do"
    assert event.target == "t" * 200
    assert event.data == {"n": 1}
    assert event.ip_address == "10.1.2.3"


@pytest.mark.django_db
def test_it_records_an_anonymous_event():
    from django.contrib.auth.models import AnonymousUser

    audit_record(action="anon", actor=AnonymousUser())
    event = AuditEvent.objects.get()
    assert event.actor is None
    assert event.data == {}
