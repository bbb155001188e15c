"""Fan-out of events to outgoing webhooks and the sending of each delivery (background worker).

A delivery row is created per (hook, subject) with its body frozen, then sent:
1. claim it (pending and due → sending), committed before the HTTP request;
2. POST the body through the guarded client (rucher.core.outbound), signed with the hook's
   secret (`X-Rucher-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, as GitHub does);
3. a 2xx answer marks it delivered; anything else puts it back to pending with exponential
   back-off (1, 2, 4… minutes, at most an hour), up to MAX_ATTEMPTS.
At-least-once: a claim older than LEASE (a worker died mid-request) is due again, and receivers
deduplicate on the delivery id carried in the body. A hook whose deliveries have failed for
DISABLE_AFTER without a success in between is disabled and the administrators are notified.
"""

import hashlib
import hmac
import json
import logging
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from rucher.accounts.models import User
from rucher.communities.models import Community, Membership
from rucher.core.outbound import OutboundError, fetch
from rucher.integrations import events
from rucher.integrations.models import Webhook, WebhookDelivery
from rucher.notifications.models import Notification
from rucher.notifications.services import notify

logger = logging.getLogger("rucher.integrations")

LEASE = timedelta(minutes=5)
RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=1)
MAX_ATTEMPTS = 12
DISABLE_AFTER = timedelta(hours=24)
ERROR_MAX = 500
DUE_BATCH = 500


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _body(*, delivery_id: uuid.UUID, event: str, at: datetime, data: Any) -> str:
    return json.dumps(
        {"id": str(delivery_id), "event": event, "timestamp": at.isoformat(), "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def delivery_create(*, webhook: Webhook, event: str, key: str, data: Any) -> WebhookDelivery | None:
    """One delivery (None when this hook already has one for this subject)."""
    delivery_id = uuid.uuid4()
    now = timezone.now()
    try:
        with transaction.atomic():
            return WebhookDelivery.objects.create(
                webhook=webhook,
                delivery_id=delivery_id,
                event=event,
                key=key,
                body=_body(delivery_id=delivery_id, event=event, at=now, data=data),
                next_attempt_at=now,
            )
    except IntegrityError:
        return None


def _subscribed(name: str) -> list[Webhook]:
    # The event list is small JSON: filtering in Python keeps SQLite and PostgreSQL alike.
    return [h for h in Webhook.objects.filter(is_active=True) if name in (h.events or [])]


def event_fan_out(*, name: str, object_id: int, extra: dict[str, Any] | None = None) -> list[int]:
    """Creates the deliveries of one event; returns their ids (to send after commit)."""
    hooks = _subscribed(name)
    if not hooks:
        return []
    event = events.build(name, object_id, extra)
    if event is None:
        return []
    ids = [c for c, _v in event.places or []]
    communities = Community.objects.in_bulk(ids) if ids else {}
    created: list[int] = []
    for hook in hooks:
        data = events.deliverable(event, hook.community_id, communities)
        if data is None:
            continue
        delivery = delivery_create(webhook=hook, event=name, key=f"{name}:{event.key}", data=data)
        if delivery is not None:
            created.append(delivery.pk)
    return created


def _claim(delivery_id: int, now: datetime) -> bool:
    stale = now - LEASE
    return bool(
        WebhookDelivery.objects.filter(pk=delivery_id)
        .filter(
            Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=WebhookDelivery.Status.SENDING, claimed_at__lt=stale)
        )
        .update(status=WebhookDelivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> str | None:
    """Sends one delivery if it is due; returns its new status (None: not due or gone)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    hook = delivery.webhook
    if not hook.is_active:
        WebhookDelivery.objects.filter(pk=delivery_id).update(
            status=WebhookDelivery.Status.FAILED, error="webhook disabled", next_attempt_at=None
        )
        return WebhookDelivery.Status.FAILED
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Rucher-Event": delivery.event,
        "X-Rucher-Delivery": str(delivery.delivery_id),
        "X-Rucher-Signature": signature(hook.secret, body),
        "User-Agent": "Rucher-Webhooks/1",
    }
    started = time.monotonic()
    code: int | None = None
    error = ""
    try:
        # Redirects are not followed: a receiver that moved must be registered again.
        response = fetch(
            hook.url, method="POST", body=body, headers=headers, follow_redirects=False
        )
        code = response.status
        if not 200 <= code < 300:
            error = f"HTTP {code}"
    except OutboundError as failure:
        error = failure.message
    duration = int((time.monotonic() - started) * 1000)
    return _record(delivery, now=now, code=code, error=error, duration=duration)


@transaction.atomic
def _record(
    delivery: WebhookDelivery, *, now: datetime, code: int | None, error: str, duration: int
) -> str:
    hook = delivery.webhook
    fields: dict[str, Any] = {"response_code": code, "duration_ms": duration, "claimed_at": None}
    if not error:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            **fields,
            status=WebhookDelivery.Status.SUCCEEDED,
            error="",
            delivered_at=timezone.now(),
            next_attempt_at=None,
        )
        Webhook.objects.filter(pk=hook.pk, failing_since__isnull=False).update(failing_since=None)
        return WebhookDelivery.Status.SUCCEEDED
    attempts = delivery.attempts
    if attempts >= MAX_ATTEMPTS:
        status, next_at = WebhookDelivery.Status.FAILED, None
    else:
        status = WebhookDelivery.Status.PENDING
        next_at = now + min(RETRY_BASE * (2 ** (attempts - 1)), RETRY_MAX)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        **fields, status=status, error=error[:ERROR_MAX], next_attempt_at=next_at
    )
    Webhook.objects.filter(pk=hook.pk, failing_since__isnull=True).update(failing_since=now)
    hook.refresh_from_db(fields=["failing_since", "is_active"])
    if hook.is_active and hook.failing_since and now - hook.failing_since >= DISABLE_AFTER:
        webhook_disable(webhook=hook, reason=error[:ERROR_MAX], now=now)
        return WebhookDelivery.Status.FAILED
    return status


def webhook_disable(*, webhook: Webhook, reason: str, now: datetime) -> None:
    """Disables a hook that kept failing, drops its waiting deliveries and tells the
    administrators (and the community's managers for a community hook) in their notifications."""
    if not Webhook.objects.filter(pk=webhook.pk, is_active=True).update(
        is_active=False, disabled_at=now, disabled_reason=reason
    ):
        return
    WebhookDelivery.objects.filter(webhook=webhook, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED, next_attempt_at=None, error="webhook disabled"
    )
    wanted = Q(is_superuser=True) | Q(is_staff=True)
    if webhook.community_id is not None:
        wanted |= Q(
            pk__in=Membership.objects.filter(
                community=webhook.community_id,
                status=Membership.Status.MEMBER,
                role__in=Membership.MANAGING_ROLES,
            ).values("person")
        )
    notify(
        recipient_ids=User.objects.filter(wanted, is_active=True).values_list("pk", flat=True),
        kind=Notification.Kind.WEBHOOK_DISABLED,
        key=f"webhook_disabled:{webhook.pk}:{int(now.timestamp())}",
        community_id=webhook.community_id,
        data={"url": webhook.url[:200], "webhook": webhook.pk},
    )
    logger.warning("webhook %s disabled after failing for 24 hours: %s", webhook.pk, reason)


def deliveries_due(*, now: datetime | None = None) -> list[int]:
    """Deliveries waiting for a retry whose time has come, and claims of dead workers."""
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=WebhookDelivery.Status.SENDING, claimed_at__lt=now - LEASE)
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:DUE_BATCH]
    )


OVERDUE_WINDOW = timedelta(days=1)


def overdue_questions(*, now: datetime) -> list[int]:
    """Posts of questions whose answer-time promise passed within the last day without an
    answer, when some hook listens for `question.overdue` (the deliveries' unique key makes
    each question's event leave once per hook however often this runs)."""
    from rucher.qa.models import Question

    if not _subscribed(events.QUESTION_OVERDUE):
        return []
    return list(
        Question.objects.filter(
            first_answer_at__isnull=True,
            post__hidden_at__isnull=True,
            due_at__lte=now,
            due_at__gt=now - OVERDUE_WINDOW,
        )
        .order_by("pk")
        .values_list("post_id", flat=True)
    )
