"""Helpers of the received-email tests: the communities world with one post in each community,
reply addresses, and emails built like mail clients build them."""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import pytest
from PIL import Image

from rucher.actions import posts as post_actions
from rucher.content.models import Post
from rucher.mail.tokens import reply_address, reply_token_create
from tests.communities.personas import VISIBILITIES, World

DOMAIN = "rucher.example.org"


@dataclass
class Inbound:
    world: World
    posts: dict[str, Post]

    def person(self, position: str):
        return self.world.people[position]

    def address(self, position: str) -> str:
        return self.person(position).email

    def reply_to(self, position: str, visibility: str = "private") -> str:
        token = reply_token_create(person=self.person(position), post=self.posts[visibility])
        return reply_address(token)

    def community(self, visibility: str) -> str:
        return f"{self.world.communities[visibility].slug}@{DOMAIN}"


@pytest.fixture
def mail_settings(settings, tmp_path):
    settings.RUCHER_MAIL_DOMAIN = DOMAIN
    settings.MEDIA_ROOT = tmp_path
    settings.RUCHER_MAILIN_AUTHSERV_ID = ""
    # The tests written before personal posting addresses write to the plain address (its
    # own tests turn this off: tests/mail/test_posting_addresses.py).
    settings.RUCHER_MAILIN_PLAIN_COMMUNITY_ADDRESSES = True
    return settings


@pytest.fixture
def inbound(world, mail_settings) -> Inbound:
    posts = {
        visibility: post_actions.post_publish(
            author=world.people["owner"],
            communities=[world.communities[visibility]],
            title=f"{visibility.capitalize()} news",
            body="Hello everyone",
        )
        for visibility in VISIBILITIES
    }
    return Inbound(world=world, posts=posts)


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 150, 0)).save(out, format="PNG")
    return out.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def email_bytes(
    *,
    to: str,
    sender: str,
    subject: str = "Re: news",
    text: str | None = "Count me in.",
    html: str | None = None,
    attachments: Iterable[tuple[str, bytes, str]] = (),
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> bytes:
    """An email as a client sends it: text and/or HTML, then files (name, bytes, MIME type)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id or make_msgid(domain="mail.example.org")
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
    if html is not None:
        if text is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    for name, data, mime in attachments:
        maintype, _slash, subtype = mime.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    # On the wire, lines end with CRLF (SMTP servers refuse 1,000-byte "lines" otherwise).
    return message.as_bytes(policy=policy.SMTP)
