"""Reply by email (F-REPLY-BY-EMAIL), loops and bad input: each message gets a clear outcome,
one log row, and nothing half-written."""
# ruff: noqa: F811 - the fixtures come from inbound_helpers

import logging
from unittest import mock

import pytest
from django.db import OperationalError

from rucher.actions import posts as post_actions
from rucher.communities.models import Membership
from rucher.content.models import Attachment, Comment, Post
from rucher.core.testing import run_queued_tasks
from rucher.mail import inbound as inbound_module
from rucher.mail.inbound import DEFERRED, handle_inbound
from rucher.mail.models import InboundMessage
from rucher.notifications.models import Notification
from tests.mail.inbound_helpers import (  # noqa: F401 - fixtures
    DOMAIN,
    email_bytes,
    inbound,
    mail_settings,
    png_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_bounces(settings):
    """These tests read the bounces in English: the sender's default language is made English
    here (tests/mail/test_bounce_language.py checks the French default)."""
    settings.LANGUAGE_CODE = "en"


def reply(inbound, *, position="member", sender=None, envelope=True, **kwargs):
    to = kwargs.pop("to", None) or inbound.reply_to(position)
    raw = email_bytes(to=to, sender=sender or inbound.address(position), **kwargs)
    if envelope:
        return handle_inbound(raw, recipients=[to], sender=sender or inbound.address(position))
    return handle_inbound(raw)


def assert_nothing_created(before_comments=0):
    assert Comment.objects.count() == before_comments
    assert Post.objects.filter(comment_count__gt=0).count() == 0


def only_log():
    rows = list(InboundMessage.objects.all())
    assert len(rows) == 1
    return rows[0]


# --- the happy path ----------------------------------------------------------------------------


def test_a_reply_becomes_a_comment_like_on_the_web(inbound, django_capture_on_commit_callbacks):
    post = inbound.posts["private"]
    with django_capture_on_commit_callbacks(execute=True):
        result = reply(
            inbound,
            text="Count me in!\n\nOn Mon, Jan 8, 2024, Rucher <noreply@x> wrote:\n> Hi\n",
        )
    assert (result.outcome, result.reason) == ("commented", "")
    assert result.smtp_reply.startswith("250 2.0.0")
    assert result.exit_code == 0
    comment = Comment.objects.get()
    assert result.comment == comment
    assert (comment.post_id, comment.author, comment.body) == (
        post.pk,
        inbound.person("member"),
        "Count me in!",
    )
    assert Post.objects.get(pk=post.pk).comment_count == 1
    row = only_log()
    assert (row.outcome, row.comment_id, row.sender) == (
        "commented",
        comment.pk,
        "member@example.org",
    )
    run_queued_tasks()
    assert Notification.objects.filter(
        recipient=inbound.person("owner"), kind="comment", comment=comment
    ).exists()


def test_the_headers_serve_when_there_is_no_envelope(inbound):
    result = reply(inbound, envelope=False, text="Through the headers")
    assert result.outcome == "commented"


def test_the_sender_address_matches_whatever_its_case(inbound):
    result = reply(inbound, sender="Bob Member <MEMBER@Example.ORG>", text="Yes")
    assert result.outcome == "commented"


def test_an_html_only_reply_with_scripts_becomes_plain_text(inbound):
    html = (
        "<html><head><script>alert(1)</script><style>body{}</style></head><body>"
        "<p>Bravo <b>team</b> &amp; thanks!</p><script>document.cookie</script>"
        "<img src=x onerror=alert(2)><div class='gmail_quote'>On Mon, Rucher wrote:<br>"
        "<blockquote>old text</blockquote></div></body></html>"
    )
    result = reply(inbound, text=None, html=html)
    assert result.outcome == "commented"
    comment = Comment.objects.get()
    assert comment.body == "Bravo team & thanks!"
    assert "script" not in comment.body_html and "onerror" not in comment.body_html
    assert "alert" not in comment.body_html


def test_an_unknown_charset_is_read_as_utf8(inbound):
    to = inbound.reply_to("member")
    raw = (
        f"From: member@example.org\r\nTo: {to}\r\nSubject: Re\r\nMessage-ID: <c@x>\r\n"
        "Content-Type: text/plain; charset=x-klingon-9\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "Très bien, merci.\r\n"
    ).encode()
    result = handle_inbound(raw, recipients=[to], sender="member@example.org")
    assert result.outcome == "commented"
    assert Comment.objects.get().body == "Très bien, merci."


def test_a_wrong_declared_charset_is_read_with_replacement(inbound):
    to = inbound.reply_to("member")
    raw = (
        f"From: member@example.org\r\nTo: {to}\r\nSubject: =?x-unknown?q?caf=E9?=\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
    ).encode() + b"caf\xe9 \xff ok\r\n"
    result = handle_inbound(raw, recipients=[to], sender="member@example.org")
    assert result.outcome == "commented"
    assert Comment.objects.get().body == "caf\ufffd \ufffd ok"


def test_an_exotic_charset_cannot_smuggle_invalid_text(inbound):
    to = inbound.reply_to("member")
    raw = (
        f"From: member@example.org\r\nTo: {to}\r\nSubject: Re\r\n"
        "Content-Type: text/plain; charset=unicode_escape\r\n\r\n"
        "\\ud800 hello \\x00 there\r\n"
    ).encode()
    result = handle_inbound(raw, recipients=[to], sender="member@example.org")
    assert result.outcome == "commented"
    assert Comment.objects.get().body == "? hello  there"


def test_malformed_mime_keeps_what_can_be_read(inbound):
    to = inbound.reply_to("member")
    raw = (
        f"From: member@example.org\r\nTo: {to}\r\nSubject: Re\r\n"
        "Content-Type: multipart/mixed; boundary=XYZ\r\n\r\n"
        "--XYZ\r\nContent-Type: text/plain\r\n\r\nReadable part\r\n"
        "--XYZ\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64"
        "\r\n\r\n!!!not base64\r\n"
    ).encode()
    result = handle_inbound(raw, recipients=[to], sender="member@example.org")
    assert result.outcome == "commented"
    assert Comment.objects.get().body.startswith("Readable part")


def test_a_multipart_without_its_boundary_bounces(inbound):
    to = inbound.reply_to("member")
    raw = (
        f"From: member@example.org\r\nTo: {to}\r\nSubject: Re\r\n"
        "Content-Type: multipart/alternative\r\n\r\n--?\r\nContent-Type: text/plain\r\n\r\nHi\r\n"
    ).encode()
    result = handle_inbound(raw, recipients=[to], sender="member@example.org")
    assert (result.outcome, result.reason) == ("bounced", "malformed")
    assert result.message == "This is not a valid email: nothing was published."
    assert_nothing_created()


def test_bytes_that_are_not_an_email_bounce(inbound):
    to = inbound.reply_to("member")
    result = handle_inbound(b"\x00\xff\xfe garbage\n\x01\x02", recipients=[to], sender="a@b.c")
    assert (result.outcome, result.reason) == ("bounced", "malformed")
    assert result.smtp_reply.startswith("554 5.6.0")
    assert_nothing_created()
    assert handle_inbound(b"").outcome == "bounced"


# --- who may reply ------------------------------------------------------------------------------


def test_a_spoofed_from_with_a_valid_token_is_refused(inbound):
    to = inbound.reply_to("member")
    raw = email_bytes(to=to, sender="Bob <member@evil.example>", text="I am Bob")
    # The envelope sender is Bob's, the From is not: From is what must match.
    result = handle_inbound(raw, recipients=[to], sender="member@example.org")
    assert (result.outcome, result.reason) == ("bounced", "sender_mismatch")
    assert "sender does not match" in result.message
    assert result.smtp_reply.startswith("550 5.7.1 The sender does not match")
    assert result.exit_code == 77
    assert_nothing_created()
    row = only_log()
    assert (row.outcome, row.reason) == ("bounced", "sender_mismatch")
    # Another person of the network is not the token's person either.
    result = reply(inbound, to=to, sender=inbound.address("manager"))
    assert result.reason == "sender_mismatch"
    assert_nothing_created()


def test_a_token_for_a_deleted_post_is_refused(inbound):
    to = inbound.reply_to("member")
    post = inbound.posts["private"]
    post_actions.post_remove(actor=post.author, post=post)
    result = reply(inbound, to=to)
    assert (result.outcome, result.reason) == ("bounced", "unknown_token")
    assert result.smtp_reply.startswith("550 5.1.1")
    assert result.exit_code == 67
    assert Comment.objects.count() == 0


def test_a_token_for_a_hidden_post_is_refused(inbound):
    to = inbound.reply_to("member")
    Post.objects.filter(pk=inbound.posts["private"].pk).update(hidden_at="2024-01-01T00:00Z")
    result = reply(inbound, to=to)
    assert (result.outcome, result.reason) == ("bounced", "no_access")
    assert Comment.objects.count() == 0


def test_a_person_who_left_the_community_may_no_longer_reply(inbound):
    to = inbound.reply_to("member")
    from rucher.communities import services as communities

    communities.community_leave(
        person=inbound.person("member"), community=inbound.world.communities["private"]
    )
    result = reply(inbound, to=to)
    assert (result.outcome, result.reason) == ("bounced", "no_access")
    assert "no longer" in result.message
    assert Comment.objects.count() == 0


def test_a_person_removed_from_an_open_community_may_no_longer_reply(inbound):
    to = inbound.reply_to("member", "open")
    Membership.objects.filter(
        person=inbound.person("member"), community=inbound.world.communities["open"]
    ).update(status=Membership.Status.REMOVED)
    result = reply(inbound, to=to)
    assert (result.outcome, result.reason) == ("bounced", "no_access")
    assert Comment.objects.count() == 0


def test_an_outsider_of_an_open_community_replies_as_on_the_web(inbound):
    result = reply(inbound, to=inbound.reply_to("outsider", "open"), position="outsider")
    assert result.outcome == "commented"


def test_a_departed_person_may_no_longer_reply(inbound):
    to = inbound.reply_to("member")
    inbound.person("member").__class__.objects.filter(pk=inbound.person("member").pk).update(
        is_active=False
    )
    result = reply(inbound, to=to)
    assert (result.outcome, result.reason) == ("bounced", "inactive")
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "local", ["reply+" + "a" * 32, "reply+", "reply+../../etc", "reply+" + "z" * 200]
)
def test_an_unknown_or_malformed_token_is_refused(inbound, local):
    result = reply(inbound, to=f"{local}@{DOMAIN}")
    assert (result.outcome, result.reason) == ("bounced", "unknown_token")
    assert Comment.objects.count() == 0


def test_an_empty_reply_is_refused(inbound):
    result = reply(
        inbound,
        text="\n\nOn Mon, Jan 8, 2024 Rucher <noreply@x> wrote:\n> Hello\n\n-- \nBob Member\n",
    )
    assert (result.outcome, result.reason) == ("bounced", "empty_reply")
    assert "empty" in result.message
    assert Comment.objects.count() == 0


def test_a_too_long_reply_is_refused_with_the_limit(inbound):
    result = reply(inbound, text="word " * 3000)
    assert (result.outcome, result.reason) == ("bounced", "invalid")
    assert "text: Ensure this value has at most 10000 characters" in result.message
    assert Comment.objects.count() == 0


def test_a_reply_keeps_its_files_and_skips_embedded_logos(inbound):
    to = inbound.reply_to("member")
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "member@example.org"
    message["To"] = to
    message["Subject"] = "Re"
    message.set_content("See the photo")
    message.add_alternative("<p>See the photo</p><img src='cid:logo1'>", subtype="html")
    message.get_payload()[1].add_related(
        png_bytes(),
        maintype="image",
        subtype="png",
        cid="<logo1>",
        filename="logo.png",
        disposition="inline",
    )
    message.add_attachment(png_bytes(), maintype="image", subtype="png", filename="photo.png")
    result = handle_inbound(message.as_bytes(), recipients=[to], sender="member@example.org")
    assert result.outcome == "commented"
    assert list(Attachment.objects.values_list("name", "comment_id")) == [
        ("photo.png", result.comment.pk)
    ]


# --- loops: dropped silently, logged ----------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto-Submitted": "auto-replied"}, "auto_reply"),
        ({"Auto-Submitted": "auto-generated"}, "auto_reply"),
        ({"Precedence": "bulk"}, "auto_reply"),
        ({"Precedence": "junk"}, "auto_reply"),
        ({"Precedence": "list"}, "auto_reply"),
        ({"X-Autoreply": "yes"}, "auto_reply"),
        ({"X-Autorespond": "Out of office"}, "auto_reply"),
        ({"List-Id": "<news.example.org>"}, "list"),
    ],
)
def test_automatic_messages_are_dropped_silently(inbound, headers, reason):
    result = reply(inbound, headers=headers, text="I am out of the office until Monday.")
    assert (result.outcome, result.reason) == ("dropped", reason)
    assert result.smtp_reply.startswith("250")
    assert result.exit_code == 0
    assert Comment.objects.count() == 0
    assert only_log().outcome == "dropped"


def test_auto_submitted_no_is_a_person_writing(inbound):
    assert reply(inbound, headers={"Auto-Submitted": "no"}).outcome == "commented"


def test_our_own_messages_are_dropped(inbound):
    to = inbound.reply_to("member")
    raw = email_bytes(to=to, sender=f"Rucher <noreply@{DOMAIN}>", text="Camille commented")
    result = handle_inbound(raw, recipients=[to], sender=f"noreply@{DOMAIN}")
    assert (result.outcome, result.reason) == ("dropped", "own_message")
    raw = email_bytes(
        to=to, sender="member@example.org", message_id=f"<outbox.42.abc@{DOMAIN}>", text="x"
    )
    result = handle_inbound(raw, recipients=[to], sender="member@example.org")
    assert (result.outcome, result.reason) == ("dropped", "own_message")
    raw = email_bytes(to=to, sender="member@example.org", headers={"X-Rucher-Kind": "comment"})
    result = handle_inbound(raw, recipients=[to], sender="member@example.org")
    assert (result.outcome, result.reason) == ("dropped", "own_message")
    assert Comment.objects.count() == 0


def test_bounces_are_dropped(inbound):
    to = inbound.reply_to("member")
    raw = email_bytes(to=to, sender="member@example.org", text="Undeliverable")
    assert handle_inbound(raw, recipients=[to], sender="").reason == "bounce"
    raw = email_bytes(to=to, sender="MAILER-DAEMON@mx.example.org", text="Undeliverable")
    assert handle_inbound(raw, recipients=[to], sender="someone@example.org").reason == "bounce"
    dsn = (
        f"From: Mail Delivery System <postmaster@mx.example.org>\r\nTo: {to}\r\n"
        "Subject: Undelivered\r\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n"
        "--B\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--B--\r\n"
    ).encode()
    result = handle_inbound(dsn, recipients=[to], sender="postmaster@mx.example.org")
    assert (result.outcome, result.reason) == ("dropped", "bounce")
    assert Comment.objects.count() == 0
    assert InboundMessage.objects.filter(outcome="dropped", reason="bounce").count() == 3


# --- redelivery -------------------------------------------------------------------------------


def test_a_redelivered_message_creates_nothing_twice(inbound):
    to = inbound.reply_to("member")
    raw = email_bytes(to=to, sender="member@example.org", message_id="<same@mail.example.org>")
    first = handle_inbound(raw, recipients=[to], sender="member@example.org")
    second = handle_inbound(raw, recipients=[to], sender="member@example.org")
    assert first.outcome == "commented"
    assert (second.outcome, second.reason) == ("dropped", "duplicate")
    assert second.smtp_reply.startswith("250")
    assert Comment.objects.count() == 1
    assert Post.objects.get(pk=inbound.posts["private"].pk).comment_count == 1


def test_a_concurrent_redelivery_loses_the_race_cleanly(inbound):
    """Both deliveries pass the check before either commits: the unique log row decides, and
    the loser's comment rolls back with it."""
    to = inbound.reply_to("member")
    raw = email_bytes(to=to, sender="member@example.org", message_id="<race@mail.example.org>")
    assert handle_inbound(raw, recipients=[to], sender="member@example.org").outcome == "commented"
    with mock.patch.object(inbound_module, "_already_done", side_effect=[False, True]):
        second = handle_inbound(raw, recipients=[to], sender="member@example.org")
    assert (second.outcome, second.reason) == ("dropped", "duplicate")
    assert Comment.objects.count() == 1
    assert Post.objects.get(pk=inbound.posts["private"].pk).comment_count == 1


# --- sizes and parts ----------------------------------------------------------------------------


def test_a_message_over_the_size_limit_is_refused_unread(inbound, settings):
    settings.RUCHER_MAILIN_MAX_BYTES = 2000
    result = reply(inbound, text="x" * 3000)
    assert (result.outcome, result.reason) == ("bounced", "too_large")
    assert result.smtp_reply.startswith("552 5.3.4")
    assert Comment.objects.count() == 0


def test_a_huge_attachment_refuses_the_whole_message(inbound, settings):
    settings.RUCHER_ATTACHMENT_MAX_BYTES = 1000
    result = reply(
        inbound,
        text="Here is the file",
        attachments=[
            ("small.png", png_bytes(), "image/png"),
            ("big.pdf", b"%PDF-" + b"0" * 5000, "application/pdf"),
        ],
    )
    assert (result.outcome, result.reason) == ("bounced", "attachment_too_large")
    assert "big.pdf" in result.message and "too large" in result.message
    assert Comment.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_a_thousand_parts_are_refused(inbound):
    to = inbound.reply_to("member")
    parts = "".join(f"--P\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n" for i in range(1000))
    raw = (
        f"From: member@example.org\r\nTo: {to}\r\nSubject: Re\r\n"
        f"Content-Type: multipart/mixed; boundary=P\r\n\r\n{parts}--P--\r\n"
    ).encode()
    result = handle_inbound(raw, recipients=[to], sender="member@example.org")
    assert (result.outcome, result.reason) == ("bounced", "too_many_parts")
    assert "at most 100" in result.message
    assert Comment.objects.count() == 0


def test_deeply_nested_multiparts_do_not_exhaust_the_parser(inbound):
    to = inbound.reply_to("member")
    depth = 60
    opening = "".join(
        f"Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n" for i in range(depth)
    )
    raw = (
        f"From: member@example.org\r\nTo: {to}\r\nSubject: Re\r\n{opening}"
        "Content-Type: text/plain\r\n\r\ndeep\r\n"
    ).encode()
    result = handle_inbound(raw, recipients=[to], sender="member@example.org")
    # Parts nested deeper than MAX_DEPTH are not opened: here, that leaves no text at all.
    assert (result.outcome, result.reason) == ("bounced", "empty_reply")
    assert Comment.objects.count() == 0


# --- failures ----------------------------------------------------------------------------------


def test_an_unexpected_error_bounces_with_nothing_written(inbound):
    with mock.patch.object(
        inbound_module.comments, "comment_publish", side_effect=RuntimeError("boom")
    ):
        result = reply(inbound, text="Hello")
    assert (result.outcome, result.reason) == ("bounced", "error")
    assert "could not be processed" in result.message
    assert result.smtp_reply.startswith("554")
    assert Comment.objects.count() == 0
    row = only_log()
    assert (row.outcome, row.reason) == ("bounced", "error")


def test_an_unavailable_database_is_a_temporary_failure(inbound):
    with mock.patch.object(
        inbound_module, "reply_token_lookup", side_effect=OperationalError("gone")
    ):
        result = reply(inbound, text="Hello")
    assert (result.outcome, result.reason) == (DEFERRED, "temporary")
    assert result.smtp_reply.startswith("451 4.3.0")
    assert result.exit_code == 75
    assert Comment.objects.count() == 0


def test_the_log_never_holds_the_text_nor_the_token(inbound, caplog):
    to = inbound.reply_to("member")
    token = to.partition("+")[2].partition("@")[0]
    raw = email_bytes(to=to, sender="member@example.org", text="Secret words")
    with caplog.at_level(logging.INFO, logger="rucher.mail.inbound"):
        handle_inbound(raw, recipients=[to], sender="member@example.org")
        handle_inbound(raw, recipients=[to], sender="other@example.org")
    assert "inbound email commented" in caplog.text
    assert token not in caplog.text and "Secret words" not in caplog.text
    for row in InboundMessage.objects.all():
        assert token not in row.recipient
        assert row.recipient.startswith("reply+") and row.recipient.endswith(f"@{DOMAIN}")
