"""Test helpers: run the in-memory task queue like a worker would."""

from datetime import timedelta

from django.utils import timezone


def run_queued_tasks(*, max_rounds: int = 50, include_scheduled: bool = True) -> int:
    """Executes queued tasks (and scheduled retries, moved forward in time) until the queue is
    empty; returns how many executions ran. Exceptions are swallowed by Huey and recorded, as in
    a real worker."""
    from huey.contrib.djhuey import HUEY

    executed = 0
    # Huey compares etas with naive UTC times; executing "in the future" lets a retry that was
    # just moved forward run instead of going straight back to the schedule.
    far_future = (timezone.now() + timedelta(days=3650)).replace(tzinfo=None)
    for _ in range(max_rounds):
        if include_scheduled:
            for task in HUEY.read_schedule(far_future):
                HUEY.enqueue(task)
        task = HUEY.dequeue()
        if task is None:
            break
        HUEY.execute(task, far_future if include_scheduled else None)
        executed += 1
    return executed


def flush_queue() -> None:
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
