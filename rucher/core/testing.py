"""Test helpers: run the in-memory task queue like a worker would; compare pages that must
look alike."""

import re
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.utils import timezone


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 at its lowest cost, for tests only (settings.TESTING): the same algorithm and hash
    format as production's hasher, but ~0.2 ms instead of ~200 ms of CPU per hash or login check
    (the demo alone hashes 41 passwords; docs/performance.md, "Test suite")."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1


def run_queued_tasks(*, max_rounds: int = 50, include_scheduled: bool = True) -> int:
    """Executes queued tasks (and scheduled retries, moved forward in time) until the queue is
    empty; returns how many executions ran. Exceptions are swallowed by Huey and recorded, as in
    a real worker."""
    from unittest import mock

    from django.db import connection
    from huey.contrib.djhuey import HUEY

    # A real worker closes stale connections around each task; inside a test's transaction that
    # would close the test's own connection (PostgreSQL then fails), so only do it outside one.
    if connection.in_atomic_block:
        with mock.patch("huey.contrib.djhuey.close_old_connections", lambda: None):
            return _run(HUEY, max_rounds=max_rounds, include_scheduled=include_scheduled)
    return _run(HUEY, max_rounds=max_rounds, include_scheduled=include_scheduled)


def _run(HUEY: Any, *, max_rounds: int, include_scheduled: bool) -> int:  # noqa: N803
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


def page_without_tokens(body: bytes) -> str:
    """A page's HTML without what changes on every response (the masked CSRF token, the CSP
    nonce): two pages that must look exactly alike (a hidden thing's 404 and a missing one's)
    compare equal through it."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode())
    text = re.sub(r'nonce="[^"]+"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
