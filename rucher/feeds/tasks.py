"""Background polling of watch feeds: each task is one call into rucher.feeds.services."""

from django.db import transaction
from django.tasks import task

from rucher.feeds import services


@task
def poll_feed(feed_id: int) -> None:
    services.feed_poll(feed_id=feed_id)


def feed_poll_soon(feed_id: int) -> None:
    """Polls the feed in the background once the current transaction commits."""
    transaction.on_commit(lambda: poll_feed.enqueue(feed_id))


def feeds_poll_enqueue() -> int:
    """The periodic job: one task per due feed (each claims its feed, so overlap is harmless)."""
    due = services.feeds_due()
    for feed_id in due:
        poll_feed.enqueue(feed_id)
    return len(due)
