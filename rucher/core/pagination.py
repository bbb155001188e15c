"""Keyset (cursor) pagination with tamper-checked opaque cursors."""

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet

_SALT = "rucher.cursor"


class BadCursor(ValueError):
    """The cursor was altered, truncated or made for another list."""


def encode_cursor(values: Sequence[Any], *, scope: str) -> str:
    payload = json.dumps([scope, list(values)], separators=(",", ":"), default=str)
    signed = signing.Signer(salt=_SALT).sign(payload)
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, scope: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        signed = base64.urlsafe_b64decode(padded.encode()).decode()
        found_scope, values = json.loads(signing.Signer(salt=_SALT).unsign(signed))
    except (ValueError, signing.BadSignature, UnicodeDecodeError, TypeError) as exc:
        raise BadCursor("invalid cursor") from exc
    if found_scope != scope or not isinstance(values, list):
        raise BadCursor("invalid cursor")
    return values


@dataclass
class Page[T]:
    items: list[T]
    next_cursor: str | None


def keyset_page[T](
    queryset: QuerySet[Any],
    *,
    keys: tuple[str, ...],
    cursor: str | None,
    limit: int,
    scope: str,
) -> Page[Any]:
    """Pages an ordering on `keys` (the last key must be unique, e.g. `id`); all keys ascending,
    or all descending when written with a leading "-" (e.g. ("-created_at", "-id")).

    Costs one query whatever the page: WHERE (k1, k2) > (v1, v2) ORDER BY k1, k2 LIMIT n+1.
    """
    descending = keys[0].startswith("-")
    if any(key.startswith("-") != descending for key in keys):
        raise ValueError("keyset keys must all go the same direction")
    fields = tuple(key.lstrip("-") for key in keys)
    op = "lt" if descending else "gt"
    qs = queryset.order_by(*keys)
    if cursor:
        values = decode_cursor(cursor, scope=scope)
        if len(values) != len(fields):
            raise BadCursor("invalid cursor")
        # Expanded row comparison: works on SQLite and PostgreSQL alike.
        condition = Q()
        for i in range(len(fields)):
            step = Q(**{f"{fields[i]}__{op}": values[i]})
            for j in range(i):
                step &= Q(**{fields[j]: values[j]})
            condition |= step
        qs = qs.filter(condition)
    return page_of(list(qs[: limit + 1]), keys=keys, limit=limit, scope=scope)


def page_of[T](rows: list[T], *, keys: tuple[str, ...], limit: int, scope: str) -> Page[T]:
    """A keyset page from its (up to) `limit + 1` rows read in the order of `keys`, by
    `keyset_page` or by other means (e.g. a first page compiled once, rucher.core.prepared)."""
    fields = tuple(key.lstrip("-") for key in keys)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([_attr(last, field) for field in fields], scope=scope)
    return Page(items=rows, next_cursor=next_cursor)


def _attr(obj: Any, key: str) -> Any:
    for part in key.split("__"):
        obj = getattr(obj, part)
    if isinstance(obj, datetime):
        return obj.isoformat()
    return obj
