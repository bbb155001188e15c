"""The outbox: every email is rendered into a row first, then a worker sends it (F-EMAIL-NOTIFY).

`outbox_put` renders an email in the recipient's language and stores it under a unique key
(recipient, event): the same event never queues twice. `outbox_send` delivers one row:

1. claim it (pending → sending, `claimed_at`), committed before talking SMTP;
2. check it is still wanted (read meanwhile, preference changed, access lost, address paused)
   and mark it skipped if not;
3. send, then mark it sent.

At-most-once (docs/decisions.md): a row still "sending" after `LEASE` means a worker died
between claiming and marking; nobody knows whether the message left, so it becomes "unknown"
and is never sent again. An SMTP error raised by the send (the message did not leave) puts the
row back to pending with exponential back-off, up to RUCHER_EMAIL_MAX_ATTEMPTS; a permanent
(5xx) refusal of the recipient counts against the address, which is paused after
RUCHER_EMAIL_MAX_FAILURES consecutive failures.
"""

import email.policy
import logging
import re
import smtplib
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from rucher.accounts.models import User
from rucher.content.models import Post
from rucher.mail import preferences
from rucher.mail.models import AddressHealth, Delivery, OutboxMessage
from rucher.mail.tokens import reply_address, reply_token_create
from rucher.notifications.models import Notification
from rucher.notifications.selectors import visible_notifications

logger = logging.getLogger("rucher.mail")

# A claim older than this is a dead worker's: its row becomes "unknown" (never resent).
LEASE = timedelta(minutes=15)
# Back-off after a temporary failure: 1, 2, 4, 8… minutes, at most 6 hours.
RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=6)
SUBJECT_MAX = 255
ERROR_MAX = 500


class PermanentRecipientFailure(Exception):
    """The server refused the recipient for good (5xx): the address is at fault."""


def _language(recipient: User) -> str:
    return recipient.language or settings.LANGUAGE_CODE


def _absolute(path: str) -> str:
    return f"{settings.RUCHER_BASE_URL}{path}"


def unsubscribe_url(*, person_id: int, kind: str) -> str:
    token = preferences.unsubscribe_token(person_id=person_id, kind=kind)
    return _absolute(reverse("mail_unsubscribe", args=[token]))


def thread_id(post: Post | int) -> str:
    """The Message-ID every email about one post refers to, so mail clients group them."""
    post_id = post if isinstance(post, int) else post.pk
    return f"<post-{post_id}@{settings.RUCHER_MAIL_DOMAIN}>"


def new_message_id() -> str:
    return f"<{uuid.uuid4().hex}@{settings.RUCHER_MAIL_DOMAIN}>"


def _one_line(text: str) -> str:
    # Headers never carry line breaks (header injection), and the column has a limit.
    return re.sub(r"\s+", " ", text).strip()[:SUBJECT_MAX]


def render_email(
    *, recipient: User, template: str, context: dict[str, Any]
) -> tuple[str, str, str]:
    """(subject, text, html) of `mail/<template>*` in the recipient's language."""
    with translation.override(_language(recipient)):
        subject = _one_line(render_to_string(f"mail/{template}_subject.txt", context))
        text = render_to_string(f"mail/{template}.txt", context).strip() + "\n"
        html = render_to_string(f"mail/{template}.html", context)
    return subject, text, html


def address_paused(address: str) -> bool:
    return AddressHealth.objects.filter(
        address=address.strip().lower(), paused_at__isnull=False
    ).exists()


def outbox_put(
    *,
    key: str,
    recipient: User,
    kind: str,
    template: str,
    context: dict[str, Any],
    not_before: datetime | None = None,
    notification: Notification | None = None,
    thread_post: Post | None = None,
    reply_post: Post | None = None,
    attachments: list[dict[str, str]] | None = None,
) -> OutboxMessage | None:
    """Renders and queues one email; None (nothing created) when the key is already queued,
    the recipient is inactive or has no address, or their address is paused.

    `thread_post` groups the email with every other one about that post; `reply_post` gives it
    a reply-by-email address bound to (recipient, post). Sending is scheduled when the
    transaction commits, at once if `not_before` has passed, else by the periodic job.
    """
    if not recipient.is_active or not recipient.email:
        return None
    if OutboxMessage.objects.filter(key=key).exists() or address_paused(recipient.email):
        return None
    pref_kind = preferences.preference_kind(kind)
    unsubscribe = (
        unsubscribe_url(person_id=recipient.pk, kind=pref_kind) if pref_kind is not None else ""
    )
    full_context = {
        **context,
        "recipient": recipient,
        "base_url": settings.RUCHER_BASE_URL,
        "unsubscribe_url": unsubscribe,
        "unsubscribe_kind": preferences.kind_label(pref_kind) if pref_kind else "",
        "preferences_url": _absolute(reverse("email_settings")),
    }
    message_id = new_message_id()
    headers: dict[str, str] = {
        "Message-ID": message_id,
        # RFC 3834: auto-responders must not answer (no out-of-office loops), and Exchange's
        # own switch for the same.
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "OOF, AutoReply",
        "X-Rucher-Kind": kind,
    }
    if unsubscribe:
        # RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to the URL.
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if thread_post is not None:
        headers["In-Reply-To"] = thread_id(thread_post)
        headers["References"] = thread_id(thread_post)
    now = timezone.now()
    due = not_before or now
    try:
        with transaction.atomic():
            if reply_post is not None:
                token = reply_token_create(person=recipient, post=reply_post)
                headers["Reply-To"] = reply_address(token)
                full_context["reply_address"] = headers["Reply-To"]
            subject, text, html = render_email(
                recipient=recipient, template=template, context=full_context
            )
            message = OutboxMessage.objects.create(
                key=key,
                recipient=recipient,
                to_address=recipient.email,
                kind=kind,
                notification=notification,
                subject=subject,
                body_text=text,
                body_html=html,
                headers=headers,
                attachments=attachments or [],
                message_id=message_id,
                not_before=due,
                created_at=now,
            )
    except IntegrityError:
        # Queued by a concurrent job between our check and the insert (its token went too).
        return None
    if due <= now:
        from rucher.mail.tasks import outbox_send_task  # the tasks module imports this one

        transaction.on_commit(lambda: outbox_send_task.enqueue(message.pk))
    return message


# --- sending -------------------------------------------------------------------------------


def _skip_reason(message: OutboxMessage) -> str:
    """Why this email should no longer go out ("" when it should)."""
    recipient = message.recipient
    if not recipient.is_active or not recipient.email:
        return "inactive"
    if address_paused(recipient.email):
        return "paused"
    pref_kind = preferences.preference_kind(message.kind)
    if pref_kind is not None:
        delivery = preferences.delivery_for(recipient, pref_kind)
        if delivery == Delivery.NEVER:
            return "preference"
        if message.notification_id is not None and delivery != Delivery.IMMEDIATE:
            return "preference"
    if message.notification_id is not None:
        notification = message.notification
        if notification is None or notification.read_at is not None:
            return "read"
        if not visible_notifications(recipient).filter(pk=notification.pk).exists():
            return "no_access"
    return ""


class OutboxEmail(EmailMultiAlternatives):
    def message(self, *, policy: Any = email.policy.default) -> Any:
        msg = super().message(policy=policy)
        # Headers are folded at 998 characters (RFC 5322's hard limit) rather than 78: Python
        # turns a longer single token, like List-Unsubscribe's <URL>, into RFC 2047 encoded
        # words, which mail clients do not decode there. Bodies are already encoded.
        msg.policy = policy.clone(max_line_length=998)
        return msg


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    headers = dict(message.headers)
    reply_to = headers.pop("Reply-To", "")
    mail = OutboxEmail(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_address],
        headers=headers,
        reply_to=[reply_to] if reply_to else None,
    )
    if message.body_html:
        mail.attach_alternative(message.body_html, "text/html")
    for item in message.attachments or []:
        mail.attach(item["filename"], item["content"], item["content_type"])
    return mail


def _permanent_refusal(exc: smtplib.SMTPRecipientsRefused) -> bool:
    codes = [code for code, _msg in exc.recipients.values()]
    return bool(codes) and all(500 <= code < 600 for code in codes)


def _deliver(message: OutboxMessage, connection: BaseEmailBackend) -> None:
    try:
        connection.send_messages([build_email(message)])
    except smtplib.SMTPRecipientsRefused as exc:
        if _permanent_refusal(exc):
            raise PermanentRecipientFailure(_describe(exc)) from exc
        raise


def _reset(connection: BaseEmailBackend) -> None:
    """Drops a connection that failed midway, so the next message opens a fresh one."""
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - it is being thrown away
        logger.debug("closing a failed SMTP connection failed", exc_info=True)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{code} {_decode(msg)}" for code, msg in exc.recipients.values()]
        return ("refused: " + "; ".join(parts))[:ERROR_MAX]
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_decode(exc.smtp_error)}"[:ERROR_MAX]
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX]


def _decode(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _claim(message_id: int, now: datetime) -> bool:
    # One UPDATE, committed on its own (callers run outside transactions): only one worker
    # can move a row from pending to sending.
    return bool(
        OutboxMessage.objects.filter(
            pk=message_id, state=OutboxMessage.State.PENDING, not_before__lte=now
        ).update(state=OutboxMessage.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def _finish(message: OutboxMessage, **fields: Any) -> None:
    # Only our own claim is finished: if the sweeper already gave up on it, leave it be.
    OutboxMessage.objects.filter(
        pk=message.pk, state=OutboxMessage.State.SENDING, claimed_at=message.claimed_at
    ).update(**fields)


def _address_failed(address: str, error: str, now: datetime) -> None:
    address = address.strip().lower()
    with transaction.atomic():
        health, _created = AddressHealth.objects.select_for_update().get_or_create(address=address)
        health.failures += 1
        health.last_error = error[:ERROR_MAX]
        if health.failures >= settings.RUCHER_EMAIL_MAX_FAILURES and health.paused_at is None:
            health.paused_at = now
            logger.warning("email address paused after %s failures", health.failures)
        health.save()


def _address_succeeded(address: str) -> None:
    AddressHealth.objects.filter(address=address.strip().lower(), failures__gt=0).update(
        failures=0, last_error=""
    )


def backoff(attempts: int) -> timedelta:
    return min(RETRY_BASE * (2 ** max(attempts - 1, 0)), RETRY_MAX)


def outbox_send(
    *,
    message_id: int,
    now: datetime | None = None,
    connection: BaseEmailBackend | None = None,
) -> str:
    """Sends one due row at most once; returns its new state (or "not_due" when it was not
    pending and due, e.g. already taken by another worker). Must run outside a transaction,
    so the claim is committed before SMTP is spoken."""
    now = now or timezone.now()
    if not _claim(message_id, now):
        return "not_due"
    message = OutboxMessage.objects.select_related("recipient", "notification").get(pk=message_id)
    reason = _skip_reason(message)
    if reason:
        _finish(message, state=OutboxMessage.State.SKIPPED, last_error=reason)
        return OutboxMessage.State.SKIPPED
    if message.to_address.lower() != message.recipient.email.lower():
        # The person changed their address since: write to the one they use now.
        message.to_address = message.recipient.email
        OutboxMessage.objects.filter(pk=message.pk).update(to_address=message.to_address)
    try:
        _deliver(message, connection or mailers.default)
    except PermanentRecipientFailure as exc:
        error = str(exc)
        _finish(message, state=OutboxMessage.State.FAILED, last_error=error)
        _address_failed(message.to_address, error, now)
        logger.info("email %s refused for good: %s", message.pk, error)
        return OutboxMessage.State.FAILED
    except ValueError as exc:
        # An address Django cannot write in a header: retrying would not change it.
        _finish(message, state=OutboxMessage.State.FAILED, last_error=_describe(exc))
        return OutboxMessage.State.FAILED
    except (smtplib.SMTPException, OSError) as exc:
        # The message did not leave (refused or unreachable server): try again later.
        if connection is not None:
            _reset(connection)
        error = _describe(exc)
        # `attempts` already counts this one (the claim incremented it).
        if message.attempts >= settings.RUCHER_EMAIL_MAX_ATTEMPTS:
            _finish(message, state=OutboxMessage.State.FAILED, last_error=error)
            logger.warning(
                "email %s failed after %s attempts: %s", message.pk, message.attempts, error
            )
            return OutboxMessage.State.FAILED
        _finish(
            message,
            state=OutboxMessage.State.PENDING,
            claimed_at=None,
            not_before=now + backoff(message.attempts),
            last_error=error,
        )
        logger.info("email %s will be retried: %s", message.pk, error)
        return OutboxMessage.State.PENDING
    _finish(message, state=OutboxMessage.State.SENT, sent_at=timezone.now(), last_error="")
    _address_succeeded(message.to_address)
    return OutboxMessage.State.SENT


def outbox_sweep(*, now: datetime | None = None) -> int:
    """Rows claimed longer than LEASE ago: the worker died; mark them unknown, never resend."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        state=OutboxMessage.State.SENDING, claimed_at__lt=now - LEASE
    ).update(state=OutboxMessage.State.UNKNOWN, last_error="lease expired")


def outbox_due_ids(*, now: datetime | None = None, limit: int = 100) -> list[int]:
    now = now or timezone.now()
    return list(
        OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, not_before__lte=now)
        .order_by("not_before", "id")
        .values_list("pk", flat=True)[:limit]
    )


def _opened(connection: BaseEmailBackend) -> bool:
    """Opens (or keeps) the batch's connection; False when the server cannot be reached."""
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("the mail server cannot be reached: %s", _describe(exc))
        _reset(connection)
        return False
    return True


def outbox_send_due(
    *, now: datetime | None = None, batch_size: int = 100, max_batches: int = 50
) -> dict[str, int]:
    """The periodic job: sweeps expired claims, then sends due rows in batches over one SMTP
    connection per batch. When the server cannot be reached, it stops without claiming
    anything (the rows wait, their attempts untouched). Returns how many rows ended in each
    state."""
    counts: dict[str, int] = {"unknown": outbox_sweep(now=now)}
    for _ in range(max_batches):
        ids = outbox_due_ids(now=now, limit=batch_size)
        if not ids:
            break
        connection = mailers.default
        try:
            for pk in ids:
                if not _opened(connection):
                    counts["unreachable"] = 1
                    return counts
                state = outbox_send(message_id=pk, now=now, connection=connection)
                counts[state] = counts.get(state, 0) + 1
        finally:
            _reset(connection)
        if len(ids) < batch_size:
            break
    return counts
