"""Fast row writers for the seed: `COPY … FROM STDIN` on PostgreSQL (psycopg's `cursor.copy()`),
one `executemany` INSERT per batch elsewhere (SQLite).

Rows are plain tuples in the order of the fields a `Table` was declared with; every other
concrete column of the model gets its default (a new column added later with a default needs no
change here). Times are given as text in UTC without offset ('YYYY-MM-DD HH:MM:SS.ffffff'): the
format Django itself stores on SQLite, and what PostgreSQL reads in the UTC session Django opens.
"""

import contextlib
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

COMMIT = "(commits)"
VERIFY = "(foreign keys verified, set-based)"


def utc_text(epoch: float) -> str:
    """An instant as the text the seed writes (always with microseconds: sortable as text)."""
    return datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _serialised_default(field: "models.Field[Any, Any]") -> object:
    value = field.get_default()
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    if isinstance(value, datetime):
        return utc_text(value.timestamp())
    return value


class Table:
    """One model's table as the seed writes it: `fields` (attnames) given per row, in order."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.model = model
        self.name = model._meta.db_table
        self.label = model._meta.label
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [name for name in fields if name not in by_attname]
        if unknown:
            raise ValueError(f"{self.label} has no column for {unknown}")
        tail_fields = []
        for attname, field in by_attname.items():
            if attname in fields:
                continue
            if not field.null and not field.has_default() and field.get_default() is None:
                raise ValueError(f"{self.label}.{attname} has no default: the seed must give it")
            tail_fields.append(field)
        self.columns: list[str] = [str(by_attname[name].column) for name in fields] + [
            str(f.column) for f in tail_fields
        ]
        self.tail = tuple(_serialised_default(f) for f in tail_fields)


class Sink:
    """Writes rows and keeps, per table, how many rows and how many seconds it took."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.rows: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self._sql: dict[str, str] = {}
        self._committing = 0.0

    def _statement(self, table: Table) -> str:
        sql = self._sql.get(table.name)
        if sql is None:
            quote = self.connection.ops.quote_name
            columns = ", ".join(quote(c) for c in table.columns)
            if self.postgres:
                sql = f"COPY {quote(table.name)} ({columns}) FROM STDIN"
            else:
                marks = ", ".join(["%s"] * len(table.columns))
                # Names from the models' metadata, quoted; values are parameters.
                sql = f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})"  # noqa: S608
            self._sql[table.name] = sql
        return sql

    @contextlib.contextmanager
    def bulk_mode(self) -> Iterator[bool]:
        """Foreign keys are not checked row by row while loading (the seed allocates every key
        itself); `verify_foreign_keys` checks them afterwards, set-based, which is far cheaper
        than PostgreSQL's per-row triggers at commit. PostgreSQL: `session_replication_role =
        replica`, for superusers only; SQLite: `PRAGMA foreign_keys = OFF`, outside a
        transaction only. Yields whether row checks are off; when they could not be turned off,
        the usual checks run (slower, as safe)."""
        off = False
        if self.postgres:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('is_superuser') = 'on'")
                off = bool(cursor.fetchone()[0])
                if off:
                    cursor.execute("SET session_replication_role = replica")
        elif self.connection.vendor == "sqlite" and not self.connection.in_atomic_block:
            off = bool(self.connection.disable_constraint_checking())
        try:
            yield off
        finally:
            if off and self.postgres:
                with self.connection.cursor() as cursor:
                    cursor.execute("SET session_replication_role = DEFAULT")
            elif off:
                self.connection.enable_constraint_checking()

    def verify_foreign_keys(self, tables: Sequence[Table], first_pk: dict[str, int]) -> None:
        """Every foreign key of the rows written (primary key ≥ first_pk[table name]) points at
        an existing row: one anti-join per foreign key. Raises RuntimeError otherwise."""
        start = time.perf_counter()
        quote = self.connection.ops.quote_name
        broken: list[str] = []
        with self.connection.cursor() as cursor:
            for table in tables:
                pk = table.model._meta.pk
                assert pk is not None
                for field in table.model._meta.concrete_fields:
                    if not field.is_relation or field.related_model is None:
                        continue
                    target = field.related_model._meta
                    target_column = str(field.target_field.column)  # type: ignore[attr-defined]
                    column = str(field.column)
                    # Names from the models' metadata, quoted; the bound is a parameter.
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {quote(table.name)} AS t "  # noqa: S608
                        f"WHERE t.{quote(str(pk.column))} >= %s AND t.{quote(column)} IS NOT NULL "
                        f"AND NOT EXISTS (SELECT 1 FROM {quote(target.db_table)} AS r "
                        f"WHERE r.{quote(target_column)} = t.{quote(column)})",
                        [first_pk[table.name]],
                    )
                    missing = cursor.fetchone()[0]
                    if missing:
                        broken.append(f"{table.label}.{field.name}: {missing}")
        self.seconds[VERIFY] += time.perf_counter() - start
        if broken:
            raise RuntimeError("Seeded rows point at missing rows: " + ", ".join(broken))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; its commit time (with row checks on, PostgreSQL checks the deferred
        foreign keys then) is reported on its own line."""
        with transaction.atomic():
            yield
            self._committing = time.perf_counter()
        self.seconds[COMMIT] += time.perf_counter() - self._committing

    def write(self, table: Table, rows: list[tuple[object, ...]]) -> None:
        if not rows:
            return
        start = time.perf_counter()
        sql = self._statement(table)
        tail = table.tail
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row + tail)
            else:
                params: Any = [row + tail for row in rows] if tail else rows
                cursor.executemany(sql, params)
        self.rows[table.label] += len(rows)
        self.seconds[table.label] += time.perf_counter() - start
