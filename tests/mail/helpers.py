"""Shared helpers of the mail tests: queue an email straight through outbox_put, and fake
SMTP connections that fail in chosen ways."""

import smtplib
from datetime import datetime, timedelta

from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from rucher.accounts.models import User
from rucher.content.models import Post
from rucher.mail.models import OutboxMessage
from rucher.mail.outbox import outbox_put


def put(
    recipient: User,
    key: str = "test:1",
    *,
    kind: str = "comment",
    not_before: datetime | None = None,
    thread_post: Post | None = None,
    reply_post: Post | None = None,
) -> OutboxMessage | None:
    return outbox_put(
        key=key,
        recipient=recipient,
        kind=kind,
        template="notification",
        context={
            "message": "Camille commented on your post",
            "community": "",
            "excerpt": "Hello",
            "excerpt_quoted": "> Hello",
            "url": "http://testserver/posts/1/",
        },
        not_before=not_before,
        thread_post=thread_post,
        reply_post=reply_post,
    )


def later(seconds: int = 3600) -> datetime:
    return timezone.now() + timedelta(seconds=seconds)


class FailingConnection(BaseEmailBackend):
    """Raises the given exception on every send, counting the attempts."""

    def __init__(self, exc: Exception) -> None:
        super().__init__()
        self.exc = exc
        self.calls = 0

    def send_messages(self, email_messages):  # noqa: ANN001, ANN201
        self.calls += 1
        raise self.exc


def refused(address: str, code: int = 550) -> smtplib.SMTPRecipientsRefused:
    return smtplib.SMTPRecipientsRefused({address: (code, b"5.1.1 no such user")})
