"""`rucher mailin`: the LMTP server talked to over a real socket (smtplib.LMTP), one reply per
recipient, and `--stdin` with its sysexits codes for MTA pipes."""
# ruff: noqa: F811 - the fixtures come from inbound_helpers

import io
import logging
import smtplib
import socket
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError

from rucher.content.models import Attachment, Comment, Post
from rucher.mail import inbound as inbound_module
from rucher.mail.management.commands.mailin import lmtp_controller, parse_bind
from rucher.mail.models import InboundMessage
from tests.mail.inbound_helpers import (  # noqa: F401 - fixtures
    DOMAIN,
    PDF_BYTES,
    email_bytes,
    inbound,
    mail_settings,
    png_bytes,
)

# The server answers from its own threads: they must see committed data.
live = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(mail_settings):
    controller = lmtp_controller("127.0.0.1", free_port(), workers=2)
    controller.start()
    yield controller
    controller.stop()
    controller.handler.close()


def lmtp(server) -> smtplib.LMTP:
    return smtplib.LMTP("127.0.0.1", server.port, timeout=30)


@live
def test_replying_by_lmtp_creates_the_comment(inbound, server, caplog):
    caplog.set_level(logging.INFO)
    to = inbound.reply_to("member")
    raw = email_bytes(
        to=to,
        sender="Bob <member@example.org>",
        text="Great, thanks!\n\nLe lun. 8 janv. 2024 à 10:03, Rucher a écrit :\n> Hello\n",
    )
    with lmtp(server) as client:
        code, _message = client.ehlo()  # LHLO for LMTP
        assert code == 250
        assert client.sendmail("member@example.org", [to], raw) == {}
    comment = Comment.objects.get()
    assert (comment.author, comment.body) == (inbound.person("member"), "Great, thanks!")
    assert comment.post_id == inbound.posts["private"].pk
    # The reply address's token is a secret: no log line holds it (aiosmtpd's included).
    assert "inbound email commented" in caplog.text
    assert to.partition("+")[2].partition("@")[0] not in caplog.text


@live
def test_emailing_a_community_by_lmtp_creates_a_post_with_its_files(inbound, server):
    to = inbound.community("open")
    raw = email_bytes(
        to=to,
        sender="member@example.org",
        subject="Team photo",
        text="From the offsite.",
        attachments=[
            ("team.png", png_bytes(), "image/png"),
            ("agenda.pdf", PDF_BYTES, "application/pdf"),
        ],
    )
    with lmtp(server) as client:
        client.sendmail("member@example.org", [to], raw)
    post = Post.objects.get(title="Team photo")
    assert post.body == "From the offsite."
    assert sorted(Attachment.objects.filter(post=post).values_list("name", flat=True)) == [
        "agenda.pdf",
        "team.png",
    ]


@live
def test_a_bounce_case_gets_a_550_with_the_reason(inbound, server):
    to = inbound.reply_to("member")
    raw = email_bytes(to=to, sender="member@evil.example", text="Spoofed")
    with lmtp(server) as client, pytest.raises(smtplib.SMTPDataError) as refused:
        client.sendmail("member@evil.example", [to], raw)
    assert refused.value.smtp_code == 550
    # In the sender's language (French by default), accents folded for SMTP.
    assert refused.value.smtp_error.startswith(b"5.7.1 L'expediteur ne correspond pas")
    assert Comment.objects.count() == 0
    assert InboundMessage.objects.get().reason == "sender_mismatch"


@live
def test_each_recipient_gets_its_own_reply(inbound, server):
    reply_to = inbound.reply_to("member")
    secret = inbound.community("secret")  # Bob is a member: a post
    missing = f"nobody-here@{DOMAIN}"
    raw = email_bytes(to=f"{reply_to}, {secret}, {missing}", sender="member@example.org")
    with lmtp(server) as client:
        client.ehlo()
        assert client.mail("member@example.org")[0] == 250
        for address in (reply_to, secret, missing):
            assert client.rcpt(address)[0] == 250
        replies = [client.data(raw)] + [client.getreply() for _ in range(2)]
    assert [code for code, _text in replies] == [250, 250, 550]
    assert replies[2][1] == b"5.1.1 Adresse inconnue : verifiez-la sur la page de la communaute."
    assert Comment.objects.count() == 1
    assert Post.objects.filter(body="Count me in.").count() == 1


@live
def test_a_bounce_from_the_null_sender_is_accepted_and_dropped(inbound, server):
    to = inbound.community("open")
    raw = email_bytes(to=to, sender="MAILER-DAEMON@mx.example.org", text="Undelivered")
    with lmtp(server) as client:
        assert client.sendmail("", [to], raw) == {}
    assert InboundMessage.objects.get().reason == "bounce"
    assert Post.objects.filter(body="Undelivered").count() == 0


@live
def test_an_unavailable_database_asks_the_mta_to_retry(inbound, server):
    to = inbound.reply_to("member")
    raw = email_bytes(to=to, sender="member@example.org")
    with (
        mock.patch.object(inbound_module, "reply_token_lookup", side_effect=OperationalError),
        lmtp(server) as client,
        pytest.raises(smtplib.SMTPDataError) as deferred,
    ):
        client.sendmail("member@example.org", [to], raw)
    assert deferred.value.smtp_code == 451
    assert Comment.objects.count() == 0


@live
def test_a_message_over_the_size_limit_is_refused_by_the_server(inbound, settings):
    settings.RUCHER_MAILIN_MAX_BYTES = 4096
    controller = lmtp_controller("127.0.0.1", free_port(), workers=1)
    controller.start()
    try:
        to = inbound.community("open")
        raw = email_bytes(to=to, sender="member@example.org", text="x" * 10_000)
        with (
            smtplib.LMTP("127.0.0.1", controller.port, timeout=30) as client,
            pytest.raises(smtplib.SMTPSenderRefused) as refused,
        ):
            client.sendmail("member@example.org", [to], raw)
        assert refused.value.smtp_code == 552
    finally:
        controller.stop()
        controller.handler.close()
    assert Post.objects.filter(author=inbound.person("member")).count() == 0


def test_the_bind_option_is_checked():
    assert parse_bind("127.0.0.1:8024") == ("127.0.0.1", 8024)
    assert parse_bind("[::1]:2525") == ("::1", 2525)
    for bad in ("8024", "host:", "host:99999", ":25"):
        with pytest.raises(CommandError):
            parse_bind(bad)


# --- --stdin ----------------------------------------------------------------------------------


def run_stdin(raw: bytes, *args: str) -> tuple[int, str]:
    stderr = io.StringIO()
    with mock.patch("sys.stdin", io.TextIOWrapper(io.BytesIO(raw))):
        try:
            call_command("mailin", "--stdin", *args, stderr=stderr)
        except SystemExit as exit_:
            return int(exit_.code or 0), stderr.getvalue()
    return 0, stderr.getvalue()


@pytest.mark.django_db
def test_stdin_creates_the_comment_and_exits_0(inbound):
    to = inbound.reply_to("member")
    raw = email_bytes(to=to, sender="member@example.org", text="Through a pipe")
    assert run_stdin(raw, "--sender", "member@example.org", "--recipient", to) == (0, "")
    assert Comment.objects.get().body == "Through a pipe"


@pytest.mark.django_db
def test_stdin_reads_the_envelope_from_the_headers(inbound):
    to = inbound.community("private")
    raw = email_bytes(to=to, sender="member@example.org", subject="Piped")
    assert run_stdin(raw) == (0, "")
    assert Post.objects.filter(title="Piped").exists()


@pytest.mark.django_db
def test_stdin_bounces_with_sysexits_codes_and_the_reason(inbound, caplog):
    caplog.set_level(logging.INFO)
    to = inbound.reply_to("member")
    spoofed = email_bytes(to=to, sender="member@evil.example")
    code, stderr = run_stdin(spoofed, "--sender", "member@evil.example", "--recipient", to)
    assert code == 77  # EX_NOPERM
    assert "L’expéditeur ne correspond pas" in stderr
    # The MTA puts the command's output in the bounce: the log line does not reach the
    # console handlers (it goes to syslog).
    assert "inbound email" not in caplog.text
    missing = email_bytes(to=f"nope@{DOMAIN}", sender="member@example.org")
    code, stderr = run_stdin(missing, "--recipient", f"nope@{DOMAIN}")
    assert (code, stderr.strip()) == (  # EX_NOUSER
        67,
        "Adresse inconnue\u00a0: vérifiez-la sur la page de la communauté.",
    )
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_stdin_drops_loops_with_0_and_defers_with_75(inbound):
    to = inbound.reply_to("member")
    auto = email_bytes(
        to=to, sender="member@example.org", headers={"Auto-Submitted": "auto-replied"}
    )
    assert run_stdin(auto, "--recipient", to) == (0, "")
    # Postfix's pipe gives the null sender as MAILER-DAEMON.
    bounce = email_bytes(to=to, sender="postmaster@mx.example.org")
    assert run_stdin(bounce, "--sender", "MAILER-DAEMON", "--recipient", to)[0] == 0
    raw = email_bytes(to=to, sender="member@example.org")
    with mock.patch.object(inbound_module, "reply_token_lookup", side_effect=OperationalError):
        code, stderr = run_stdin(raw, "--recipient", to)
    assert code == 75  # EX_TEMPFAIL
    assert "réessayez plus tard" in stderr
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_stdin_refuses_a_message_over_the_size_limit(inbound, settings):
    settings.RUCHER_MAILIN_MAX_BYTES = 1000
    to = inbound.community("open")
    raw = email_bytes(to=to, sender="member@example.org", text="x" * 5000)
    code, stderr = run_stdin(raw, "--recipient", to)
    assert code == 77
    assert "trop volumineux" in stderr


@live
def test_the_same_message_delivered_twice_at_once_is_published_once(inbound):
    import threading

    from django.db import connections

    to = inbound.reply_to("member")
    raw = email_bytes(to=to, sender="member@example.org", message_id="<twice@mail.example.org>")
    barrier = threading.Barrier(2)
    results = []

    def deliver():
        try:
            barrier.wait(timeout=10)
            results.append(
                inbound_module.handle_inbound(raw, recipients=[to], sender="member@example.org")
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    outcomes = sorted((r.outcome, r.reason) for r in results)
    if outcomes[1] == ("deferred", "temporary"):
        # SQLite's in-memory test database reports the lock at once instead of waiting: the
        # MTA would deliver again later, and find the message already published.
        again = inbound_module.handle_inbound(raw, recipients=[to], sender="member@example.org")
        outcomes[1] = (again.outcome, again.reason)
    assert outcomes == [("commented", ""), ("dropped", "duplicate")]
    assert Comment.objects.count() == 1
    assert Post.objects.get(pk=inbound.posts["private"].pk).comment_count == 1


@live
def test_replying_to_a_real_notification_email_creates_the_comment(inbound, server):
    """The outbound side's email (rucher.mail.outbox), answered the way Gmail does."""
    from tests.mail.helpers import put

    member = inbound.person("member")
    sent = put(member, "comment:lmtp", kind="comment", reply_post=inbound.posts["private"])
    assert sent is not None
    reply_to = sent.headers["Reply-To"]
    quoted = "\n".join(f"> {line}".rstrip() for line in sent.body_text.splitlines())
    raw = email_bytes(
        to=reply_to,
        sender=f"{member.display_name} <{member.email}>",
        subject=f"Re: {sent.subject}",
        text=f"Thanks Camille!\n\nOn Mon, Jan 8, 2024 at 10:03 AM Rucher <noreply@{DOMAIN}> "
        f"wrote:\n\n{quoted}\n",
        headers={"In-Reply-To": sent.message_id, "References": sent.message_id},
    )
    with lmtp(server) as client:
        assert client.sendmail(member.email, [reply_to], raw) == {}
    comment = Comment.objects.get()
    assert (comment.author, comment.post_id, comment.body) == (
        member,
        inbound.posts["private"].pk,
        "Thanks Camille!",
    )
