"""Creating notifications: idempotent by (recipient, key), in batches, never to the actor."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from rucher.content.access import first_readable_communities
from rucher.content.models import Post
from rucher.notifications.models import Notification

BATCH_SIZE = 500


def notify(
    *,
    recipient_ids: Iterable[int],
    kind: str,
    key: str,
    actor_id: int | None = None,
    community_id: int | None = None,
    post_id: int | None = None,
    comment_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> int:
    """Notifies each recipient once per key (a retried job creates nothing twice).

    Returns how many notifications were offered for creation. The actor is never notified of
    their own action. Recipients must already be allowed to see the object: callers filter.
    """
    if kind not in Notification.Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    ids = sorted({pk for pk in recipient_ids if pk and pk != actor_id})
    for start in range(0, len(ids), BATCH_SIZE):
        with transaction.atomic():
            Notification.objects.bulk_create(
                [
                    Notification(
                        recipient_id=pk,
                        kind=kind,
                        key=key,
                        actor_id=actor_id,
                        community_id=community_id,
                        post_id=post_id,
                        comment_id=comment_id,
                        data=data or {},
                    )
                    for pk in ids[start : start + BATCH_SIZE]
                ],
                ignore_conflicts=True,
            )
    if ids:
        _enqueue_emails(kind=kind, key=key, recipient_ids=ids)
    return len(ids)


def notify_readers(
    *,
    post: Post,
    recipient_ids: Iterable[int],
    kind: str,
    key: str,
    actor_id: int | None = None,
    comment_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> int:
    """`notify` about a post, for those of the recipients who may read it now, each naming
    the first of the post's communities that recipient reads (a cross-post to a secret and an
    open community never shows the secret one's name to someone reading it through the open
    one: not on the web, not in an email subject)."""
    firsts = first_readable_communities(post, recipient_ids)
    groups: dict[int, list[int]] = defaultdict(list)
    for person_id, community_id in firsts.items():
        groups[community_id].append(person_id)
    return sum(
        notify(
            recipient_ids=people,
            kind=kind,
            key=key,
            actor_id=actor_id,
            community_id=community_id,
            post_id=post.pk,
            comment_id=comment_id,
            data=data,
        )
        for community_id, people in sorted(groups.items())
    )


# What the apps above do with new notifications (mail queues the immediate emails): they
# register here from their AppConfig.ready(), so that this app never imports them (the layers
# contract, docs/decisions.md). Each callback gets (kind, key, recipient ids) once per notify().
NotifiedCallback = Callable[[str, str, list[int]], None]
_on_notified: list[NotifiedCallback] = []


def on_notified(callback: NotifiedCallback) -> NotifiedCallback:
    """Registers a callback run by every notify() that offered notifications (idempotent)."""
    if callback not in _on_notified:
        _on_notified.append(callback)
    return callback


def _enqueue_emails(*, kind: str, key: str, recipient_ids: list[int]) -> None:
    for callback in _on_notified:
        callback(kind, key, recipient_ids)


@transaction.atomic
def notifications_mark_read(
    *, person_id: int, ids: Iterable[int] | None = None, all_: bool = False
) -> int:
    """Marks the person's notifications read (some ids, or all); others' ids are ignored."""
    qs = Notification.objects.filter(recipient_id=person_id, read_at__isnull=True)
    if not all_:
        qs = qs.filter(pk__in=list(ids or []))
    return qs.update(read_at=timezone.now())
