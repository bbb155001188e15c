"""Counting every query of a block, however many (CaptureQueriesContext keeps the last 9 000)."""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection


@dataclass
class QueryCount:
    count: int = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


@contextlib.contextmanager
def count_queries() -> Iterator[QueryCount]:
    counter = QueryCount()
    with connection.execute_wrapper(counter):
        yield counter
