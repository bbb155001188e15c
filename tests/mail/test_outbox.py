"""The outbox: queuing (headers, keys, who gets nothing), sending at most once, retries with
back-off, failing addresses paused, and the periodic job."""

import email
import smtplib
from datetime import timedelta
from email import policy
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from rucher.core.factories import PersonFactory
from rucher.core.testing import run_queued_tasks
from rucher.mail import outbox
from rucher.mail.models import AddressHealth, OutboxMessage, ReplyToken
from rucher.mail.outbox import (
    LEASE,
    outbox_send,
    outbox_send_due,
    outbox_sweep,
)
from rucher.mail.tokens import reply_token_lookup
from tests.mail.helpers import FailingConnection, later, put, refused
from tests.notifications.posts import make_post

pytestmark = pytest.mark.django_db

State = OutboxMessage.State


@pytest.fixture
def person(db):
    return PersonFactory(username="zoe", display_name="Zoé", email="zoe@example.org", language="en")


def _parsed(index: int = 0):
    return email.message_from_bytes(mail.outbox[index].message().as_bytes(), policy=policy.default)


# --- queuing -------------------------------------------------------------------------------


def test_an_email_is_rendered_with_its_headers(person, world, settings):
    settings.RUCHER_MAIL_DOMAIN = "rucher.example.com"
    settings.RUCHER_BASE_URL = "https://rucher.example.com"
    post = make_post(world.people["owner"], [world.communities["open"]], title="Budget")
    message = put(person, thread_post=post, reply_post=post)
    assert message is not None
    assert message.state == State.PENDING
    assert message.to_address == "zoe@example.org"
    assert message.subject == "Camille commented on your post"
    assert "Hello Zoé," in message.body_text
    assert message.body_html.startswith("<!doctype html>")
    headers = message.headers
    assert headers["Message-ID"] == message.message_id
    assert message.message_id.endswith("@rucher.example.com>")
    assert headers["List-Unsubscribe"].startswith("<https://rucher.example.com/mail/unsubscribe/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["In-Reply-To"] == headers["References"] == f"<post-{post.pk}@rucher.example.com>"
    local, domain = headers["Reply-To"].split("@")
    assert domain == "rucher.example.com"
    assert local.startswith("reply+")
    token = reply_token_lookup(local.removeprefix("reply+"))
    assert token is not None and (token.person, token.post) == (person, post)
    assert "Reply to this email to comment." in message.body_text


def test_the_same_key_queues_once(person):
    assert put(person, "same") is not None
    assert put(person, "same") is None
    assert OutboxMessage.objects.filter(key="same").count() == 1


def test_a_concurrent_duplicate_rolls_back_its_reply_token(person, world):
    post = make_post(world.people["owner"], [world.communities["open"]])
    first = put(person, "race")
    assert first is not None
    # The other job checked before our insert committed: its insert hits the unique key.
    with mock.patch.object(outbox.OutboxMessage.objects, "filter") as filter_:
        filter_.return_value.exists.return_value = False
        assert put(person, "race", reply_post=post) is None
    assert OutboxMessage.objects.filter(key="race").count() == 1
    assert not ReplyToken.objects.exists()


def test_nobody_inactive_without_address_or_paused_gets_anything(person):
    departed = PersonFactory(is_active=False)
    no_address = PersonFactory(email="")
    AddressHealth.objects.create(address="zoe@example.org", failures=5, paused_at=timezone.now())
    assert put(departed) is None
    assert put(no_address, "b") is None
    assert put(person, "c") is None
    assert not OutboxMessage.objects.exists()


def test_an_account_email_has_no_unsubscribe(person):
    message = put(person, kind="account")
    assert message is not None
    assert "List-Unsubscribe" not in message.headers
    assert "Unsubscribe" not in message.body_text


def test_a_due_email_is_sent_once_committed(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = put(person)
    assert run_queued_tasks() == 1
    message.refresh_from_db()
    assert message.state == State.SENT
    assert message.sent_at is not None
    assert len(mail.outbox) == 1


def test_a_later_email_waits_for_the_periodic_job(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = put(person, not_before=later(300))
    assert callbacks == []
    assert outbox_send_due() == {"unknown": 0}
    assert outbox_send_due(now=later(301)) == {"unknown": 0, "sent": 1}
    message.refresh_from_db()
    assert message.state == State.SENT
    assert len(mail.outbox) == 1


# --- sending -------------------------------------------------------------------------------


def test_the_sent_email_is_multipart_with_every_header(person, world):
    post = make_post(world.people["owner"], [world.communities["open"]])
    message = put(person, thread_post=post, reply_post=post)
    assert outbox_send(message_id=message.pk) == State.SENT
    parsed = _parsed()
    assert parsed.get_content_type() == "multipart/alternative"
    types = [part.get_content_type() for part in parsed.iter_parts()]
    assert types == ["text/plain", "text/html"]
    assert parsed["Message-ID"] == message.message_id
    assert parsed["Reply-To"] == message.headers["Reply-To"]
    assert parsed["In-Reply-To"] == f"<post-{post.pk}@{message.message_id.split('@')[1]}"
    # The one-click URL stays one readable line (no RFC 2047 encoded words).
    assert parsed["List-Unsubscribe"] == message.headers["List-Unsubscribe"]
    assert "=?" not in mail.outbox[0].message().as_string().split("List-Unsubscribe:")[1][:20]


def test_a_row_is_sent_at_most_once(person):
    message = put(person)
    assert outbox_send(message_id=message.pk) == State.SENT
    assert outbox_send(message_id=message.pk) == "not_due"
    assert outbox_send_due(now=later()) == {"unknown": 0}
    assert len(mail.outbox) == 1


def test_a_worker_dying_between_send_and_mark_never_sends_again(person):
    message = put(person)
    now = timezone.now()

    class Crash(BaseException):
        pass

    # The message left, then the process died before marking it sent.
    with mock.patch("rucher.mail.outbox._finish", side_effect=Crash), pytest.raises(Crash):
        outbox_send(message_id=message.pk, now=now)
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.state == State.SENDING
    # Within the lease, another run leaves it alone; after it, it is marked unknown.
    assert outbox_send_due(now=now + LEASE - timedelta(seconds=1)) == {"unknown": 0}
    assert outbox_send_due(now=now + LEASE + timedelta(seconds=1)) == {"unknown": 1}
    message.refresh_from_db()
    assert message.state == State.UNKNOWN
    assert outbox_send_due(now=now + 2 * LEASE) == {"unknown": 0}
    assert outbox_send(message_id=message.pk, now=now + 2 * LEASE) == "not_due"
    assert len(mail.outbox) == 1


def test_a_late_mark_does_not_overwrite_the_sweepers_verdict(person):
    message = put(person)
    now = timezone.now()
    assert outbox._claim(message.pk, now)
    assert outbox_sweep(now=now + LEASE + timedelta(seconds=1)) == 1
    message.refresh_from_db()
    outbox._finish(message, state=State.SENT)
    message.refresh_from_db()
    assert message.state == State.UNKNOWN


def test_an_smtp_error_retries_with_back_off_then_fails(person, settings):
    settings.RUCHER_EMAIL_MAX_ATTEMPTS = 3
    message = put(person)
    connection = FailingConnection(smtplib.SMTPServerDisconnected("gone"))
    now = timezone.now()
    assert outbox_send(message_id=message.pk, now=now, connection=connection) == State.PENDING
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.PENDING, 1)
    assert message.not_before == now + timedelta(minutes=1)
    assert "gone" in message.last_error
    # Not due before its back-off.
    assert outbox_send(message_id=message.pk, now=now, connection=connection) == "not_due"
    now = message.not_before
    assert outbox_send(message_id=message.pk, now=now, connection=connection) == State.PENDING
    message.refresh_from_db()
    assert message.not_before == now + timedelta(minutes=2)
    now = message.not_before
    assert outbox_send(message_id=message.pk, now=now, connection=connection) == State.FAILED
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.FAILED, 3)
    assert connection.calls == 3
    # Temporary failures say nothing about the address.
    assert not AddressHealth.objects.exists()


def test_back_off_is_capped():
    assert outbox.backoff(1) == timedelta(minutes=1)
    assert outbox.backoff(4) == timedelta(minutes=8)
    assert outbox.backoff(30) == outbox.RETRY_MAX


def test_a_temporary_refusal_is_retried(person):
    message = put(person)
    connection = FailingConnection(refused(person.email, code=451))
    assert outbox_send(message_id=message.pk, connection=connection) == State.PENDING
    assert not AddressHealth.objects.exists()


def test_permanent_refusals_pause_the_address_and_a_success_resets_the_count(person, settings):
    settings.RUCHER_EMAIL_MAX_FAILURES = 3
    connection = FailingConnection(refused(person.email))
    for i in range(2):
        message = put(person, f"k{i}")
        assert outbox_send(message_id=message.pk, connection=connection) == State.FAILED
    health = AddressHealth.objects.get()
    assert (health.failures, health.paused_at) == (2, None)
    assert "550" in health.last_error
    # A success in between: the failures were not consecutive.
    ok = put(person, "ok")
    assert outbox_send(message_id=ok.pk) == State.SENT
    health.refresh_from_db()
    assert health.failures == 0
    for i in range(3):
        message = put(person, f"again{i}")
        assert outbox_send(message_id=message.pk, connection=connection) == State.FAILED
    health.refresh_from_db()
    assert health.failures == 3
    assert health.paused_at is not None
    # Paused: nothing more is queued, and what was queued before is skipped.
    assert put(person, "after") is None


def test_a_queued_email_to_a_paused_address_is_skipped(person):
    message = put(person)
    AddressHealth.objects.create(address=person.email, failures=5, paused_at=timezone.now())
    assert outbox_send(message_id=message.pk) == State.SKIPPED
    message.refresh_from_db()
    assert message.last_error == "paused"
    assert mail.outbox == []


def test_an_email_goes_to_the_current_address(person):
    message = put(person)
    person.email = "zoe.new@example.org"
    person.save(update_fields=["email"])
    assert outbox_send(message_id=message.pk) == State.SENT
    assert mail.outbox[0].to == ["zoe.new@example.org"]


def test_a_person_who_left_gets_nothing_queued_before(person):
    message = put(person)
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert outbox_send(message_id=message.pk) == State.SKIPPED
    assert mail.outbox == []


def test_the_periodic_job_stops_when_the_server_is_unreachable(person):
    message = put(person)
    down = FailingConnection(ConnectionRefusedError("refused"))
    down.open = mock.Mock(side_effect=ConnectionRefusedError("refused"))
    with mock.patch.object(outbox, "mailers") as mailers:
        mailers.default = down
        assert outbox_send_due(now=later()) == {"unknown": 0, "unreachable": 1}
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.PENDING, 0)


def test_the_periodic_job_sends_in_batches(person):
    for i in range(5):
        put(person, f"batch{i}")
    assert outbox_send_due(now=later(), batch_size=2) == {"unknown": 0, "sent": 5}
    assert len(mail.outbox) == 5
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {State.SENT}


def test_the_schedule_runs_the_periodic_job(person):
    from rucher import schedule

    put(person)
    schedule.send_outbox.call_local()
    assert len(mail.outbox) == 1
