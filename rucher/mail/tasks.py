"""Background jobs of the mail app: thin wrappers around services (retry-safe)."""

from datetime import date, datetime

from django.db import transaction
from django.tasks import task

from rucher.mail import desk_emails, digests, notification_emails, outbox


@task
def outbox_send_task(message_id: int) -> str:
    return outbox.outbox_send(message_id=message_id)


@task
def desk_booking_email_task(booking_id: int) -> bool:
    return desk_emails.booking_email_put(booking_id=booking_id) is not None


@task
def outbox_send_due_task() -> dict[str, int]:
    return outbox.outbox_send_due()


@task
def notification_emails_task(kind: str, key: str, recipient_ids: list[int]) -> int:
    return notification_emails.notification_emails_queue(
        kind=kind, key=key, recipient_ids=recipient_ids
    )


def notification_emails_enqueue(kind: str, key: str, recipient_ids: list[int]) -> None:
    """Run by every notify() (registered by MailConfig.ready): one job per call queues the
    immediate emails (F-EMAIL-NOTIFY), once committed."""
    transaction.on_commit(
        lambda: notification_emails_task.enqueue(kind, key, recipient_ids), robust=True
    )


@task
def digest_batch_task(
    period: str, period_start_iso: str, now_iso: str, person_ids: list[int]
) -> int:
    # The periodic job's clock travels with the task, so a late worker builds the same period.

    return digests.digests_send_batch(
        period=period,
        period_start=date.fromisoformat(period_start_iso),
        now=datetime.fromisoformat(now_iso),
        person_ids=person_ids,
    )
