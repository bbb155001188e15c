"""SQLite under concurrent writers (issue 7): a writer waits for the write lock long enough
instead of failing with "database is locked" after 5 s when other writers keep it busy."""

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="SQLite only",
    ),
    # Unblocks database access; the tests use their own file databases, not the test one.
    pytest.mark.django_db,
]


def _wrapper(path: Path) -> DatabaseWrapper:
    """A connection made exactly as the project's settings make them, on a file database."""
    settings_dict = {**connection.settings_dict, "NAME": str(path)}
    settings_dict["OPTIONS"] = dict(settings.DATABASES["default"]["OPTIONS"])
    return DatabaseWrapper(settings_dict, alias="sqlite-locking-test")


def test_connections_wait_at_least_30_seconds_for_the_write_lock(tmp_path: Path) -> None:
    db = _wrapper(tmp_path / "a.sqlite3")
    try:
        with db.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 30_000
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    finally:
        db.close()


def test_a_writer_waits_for_another_writer_instead_of_failing(tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite3"
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (v INTEGER)")
    setup.commit()
    setup.close()
    holder = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    released = threading.Event()

    def release() -> None:
        time.sleep(1.0)
        holder.execute("COMMIT")
        released.set()

    threading.Thread(target=release).start()
    db = _wrapper(path)
    try:
        with db.cursor() as cursor:
            # The same statement a Django atomic block starts with (transaction_mode IMMEDIATE).
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("INSERT INTO t VALUES (2)")
            cursor.execute("COMMIT")
        # It waited for the holder's COMMIT (set only after it), rather than failing at once:
        # an ordering, not a duration.
        assert released.is_set()
        with db.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM t")
            assert cursor.fetchone()[0] == 2
    finally:
        db.close()
        holder.close()
