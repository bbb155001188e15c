"""Sending to a real SMTP peer: an aiosmtpd server on loopback, EMAIL_URL pointed at it.

A comment notification arrives with its text and HTML parts, one-click unsubscribe, reply
address and threading headers; a peer that is down or answers 451 leaves the email pending
with back-off, and a later run sends it once; 550 five times pauses the address."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from rucher.actions import comments as comment_actions
from rucher.mail.models import AddressHealth, OutboxMessage
from rucher.mail.outbox import outbox_send, outbox_send_due
from rucher.mail.preferences import preferences_set
from rucher.mail.tokens import reply_token_lookup
from rucher.settings import parse_email_url
from tests.mail.helpers import later, put
from tests.notifications.posts import make_post

pytestmark = pytest.mark.django_db

State = OutboxMessage.State


class Handler:
    """Accepts everything, or answers the code it is told to at RCPT."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self.rcpt_reply: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Peer:
    """The SMTP server, which tests can stop and start again on the same port."""

    def __init__(self, handler: Handler, port: int) -> None:
        self.handler = handler
        self.port = port
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings):
    handler = Handler()
    peer = Peer(handler, _free_port())
    settings.EMAIL_URL = f"smtp://127.0.0.1:{peer.port}?timeout=5"
    settings.MAILERS = {"default": parse_email_url(settings.EMAIL_URL)}
    settings.RUCHER_MAIL_DOMAIN = "rucher.example.com"
    settings.DEFAULT_FROM_EMAIL = "Rucher <noreply@rucher.example.com>"
    peer.start()
    handler.peer = peer
    yield handler
    peer.stop()


def _parse(raw: bytes):
    return email.message_from_bytes(raw, policy=policy.default)


def test_a_comment_notification_arrives_by_smtp(
    smtp, world, drain, django_capture_on_commit_callbacks, settings
):
    settings.RUCHER_EMAIL_GRACE_SECONDS = 0
    author = world.people["member"]
    author.language = "en"
    author.save(update_fields=["language"])
    post = make_post(author, [world.communities["open"]], title="Budget 2027")
    # The commenter's first-comment badge (emailed at once by default) is not this test's.
    preferences_set(person=world.people["ambassador"], changes={"badge": "weekly"})
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_actions.comment_publish(
            author=world.people["ambassador"], post=post, body="Looks good to me"
        )
    drain()
    assert OutboxMessage.objects.get().state == State.SENT
    assert len(smtp.received) == 1
    mail_from, rcpt_tos, raw = smtp.received[0]
    assert mail_from == "noreply@rucher.example.com"
    assert rcpt_tos == [author.email]
    message = _parse(raw)
    assert message["To"] == author.email
    assert message["Subject"] == "[Open club] Ambassador commented on your post “Budget 2027”"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "> Looks good to me" in text and "Reply to this email to comment." in text
    assert "Looks good to me" in html and f"#comment-{comment.pk}" in html
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://127.0.0.1:8000/mail/unsubscribe/")
    assert unsubscribe.endswith("/>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["In-Reply-To"] == f"<post-{post.pk}@rucher.example.com>"
    assert message["References"] == f"<post-{post.pk}@rucher.example.com>"
    assert message["Message-ID"].endswith("@rucher.example.com>")
    reply_to = message["Reply-To"]
    assert reply_to.startswith("reply+") and reply_to.endswith("@rucher.example.com")
    token = reply_token_lookup(reply_to.split("@")[0].removeprefix("reply+"))
    assert (token.person, token.post) == (author, post)


def test_the_one_click_link_from_the_email_works(smtp, member, client):
    member.language = "en"
    member.save(update_fields=["language"])
    message = put(member)
    assert outbox_send(message_id=message.pk) == State.SENT
    url = _parse(smtp.received[0][2])["List-Unsubscribe"].strip("<>")
    response = client.post(
        url.removeprefix("http://127.0.0.1:8000"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    from rucher.mail import preferences

    assert preferences.delivery_for(member, "comment") == "never"


def test_a_peer_that_is_down_leaves_the_email_pending_then_sends_it_once(smtp, member):
    message = put(member)
    smtp.peer.stop()
    now = timezone.now()
    assert outbox_send(message_id=message.pk, now=now) == State.PENDING
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.PENDING, 1)
    assert message.not_before > now
    # The periodic job sees the peer is still down and claims nothing.
    assert outbox_send_due(now=later()) == {"unknown": 0, "unreachable": 1}
    message.refresh_from_db()
    assert message.attempts == 1
    smtp.peer.start()
    assert outbox_send_due(now=later()) == {"unknown": 0, "sent": 1}
    assert outbox_send_due(now=later(7200)) == {"unknown": 0}
    assert len(smtp.received) == 1


def test_a_451_is_retried_later_and_sent_once(smtp, member):
    message = put(member)
    smtp.rcpt_reply = "451 4.3.0 Try again later"
    now = timezone.now()
    assert outbox_send_due(now=now) == {"unknown": 0, "pending": 1}
    message.refresh_from_db()
    assert message.state == State.PENDING
    assert message.last_error.startswith("refused: 451")
    assert outbox_send_due(now=now) == {"unknown": 0}  # backing off
    smtp.rcpt_reply = None
    assert outbox_send_due(now=later()) == {"unknown": 0, "sent": 1}
    assert len(smtp.received) == 1
    assert not AddressHealth.objects.exists()


def test_550_five_times_pauses_the_address(smtp, member, settings):
    settings.RUCHER_EMAIL_MAX_FAILURES = 5
    smtp.rcpt_reply = "550 5.1.1 No such user"
    for i in range(5):
        put(member, f"k{i}")
    assert outbox_send_due(now=later()) == {"unknown": 0, "failed": 5}
    health = AddressHealth.objects.get(address=member.email)
    assert health.failures == 5
    assert health.paused_at is not None
    assert "550" in health.last_error
    smtp.rcpt_reply = None
    assert put(member, "after") is None
    assert smtp.received == []
