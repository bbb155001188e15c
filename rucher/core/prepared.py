"""Queries compiled once per process, then run with new values (the ORM's compile skipped).

`make bench` showed the floor page (an empty page in the layout) spending about half of its
CPU time building and compiling one query: the unread badge's count, whose readability
conditions (`content.access`) are a few nested `Exists` — 1 to 2 ms of Python for a query the
database answers in microseconds, on every page. Such a query depends on the viewer only
through values (their id, their communities' ids), and on the *number* of those values.

`prepared_rows()` builds the queryset once for each shape (its name and the number of values
in each list) with sentinel values, compiles it, and remembers where each sentinel landed in the
parameters; later calls only substitute the real values and execute the SQL. The queryset is
built by the same functions as everywhere else (the rules stay in one place): only the
compilation is shared. Values are integers (ids), lists of integers, or strings compared as
they are (a token's hash, a slug: no LIKE, no transformation); the builder must depend on them
only through how many there are (it is called with sentinels, never with real values).

What comes back: raw tuples (`prepared_rows`), the dicts of a `values()` query
(`prepared_values`), instances of one model (`prepared_instances`), or instances with their
select_related rows and annotations, built as the ORM's own iteration builds them
(`prepared_objects`; prefetch on the result). A value that is not an id (a date, a kind) goes in
the query's name instead, when it takes few values (e.g. the week of the top 3).
"""

import itertools
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from threading import Lock
from typing import Any, cast

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

Values = Mapping[str, int | str | Sequence[int]]

# Far above any id a table reaches, below 2**63: a sentinel cannot be mistaken for a constant.
_SENTINEL_BASE = 8_700_000_000_000_000_000
_MAX_ENTRIES = 1024
# Shape of a scalar value: an integer, or a string (any list has a length >= 0).
_INT, _STR = -1, -2


class _Compiled:
    __slots__ = ("sql", "slots", "converters", "attnames", "objects")

    def __init__(
        self,
        sql: str,
        slots: list[tuple[str, int] | tuple[None, object]],
        converters: dict[int, tuple[list[Any], Any]],
        attnames: list[str],
        objects: "_Objects | None",
    ) -> None:
        self.sql = sql
        # Per parameter: (name, index in that value; -1 for a scalar) or (None, a constant).
        self.slots = slots
        # For model rows: the ORM's converters per column, and the fields' names in order.
        self.converters = converters
        self.attnames = attnames
        # For model rows with related rows and annotations: how the ORM builds them.
        self.objects = objects


class _Objects:
    """What `ModelIterable` reads from a compiler to build a row's instance, its
    select_related instances and its annotations (kept from the one compilation)."""

    __slots__ = ("start", "end", "klass_info", "select", "annotations", "fetch_mode")

    def __init__(self, compiler: Any, fetch_mode: Any) -> None:
        fields = compiler.klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.klass_info = compiler.klass_info
        self.select = compiler.select
        self.annotations = dict(compiler.annotation_col_map or {})
        self.fetch_mode = fetch_mode


_compiled: "OrderedDict[Hashable, _Compiled]" = OrderedDict()
_lock = Lock()


def _shape(values: Values) -> tuple[tuple[str, int], ...]:
    return tuple(
        (name, _INT if isinstance(value, int) else _STR if isinstance(value, str) else len(value))
        for name, value in sorted(values.items())
    )


def _compile(
    build: Callable[[Mapping[str, Any]], QuerySet[Any, Any]],
    shape: tuple[tuple[str, int], ...],
    using: str,
    wrap: str,
) -> _Compiled:
    counter = itertools.count(_SENTINEL_BASE)
    where: dict[int | str, tuple[str, int]] = {}
    fake: dict[str, Any] = {}
    for name, size in shape:
        if size == _STR:
            fake[name] = f"\x00prepared-sentinel-{next(counter)}"
            where[fake[name]] = (name, -1)
        elif size == _INT:
            fake[name] = next(counter)
            where[fake[name]] = (name, -1)
        else:
            fake[name] = tuple(next(counter) for _ in range(size))
            for index, sentinel in enumerate(fake[name]):
                where[sentinel] = (name, index)
    queryset = build(fake)
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
    attnames: list[str] = []
    if compiler.klass_info and not queryset.query.values_select:
        fields = compiler.klass_info["select_fields"]
        columns = compiler.select[fields[0] : fields[-1] + 1]
        attnames = [column.target.attname for column, _sql, _alias in columns]
    else:
        # A values() query: its keys, in the order of its columns (as ValuesIterable names them).
        query = queryset.query
        attnames = [*query.extra_select, *query.values_select, *query.annotation_select]
    slots: list[tuple[str, int] | tuple[None, object]] = []
    seen: set[int | str] = set()
    for param in params:
        if isinstance(param, (int, str)) and param in where:
            slots.append(where[param])
            seen.add(param)
        else:
            slots.append((None, param))
    if seen != set(where):
        # A value the query never used would be silently ignored later: refuse the shape.
        raise ValueError("prepared query: every value must appear in the compiled query")
    objects = None
    if compiler.klass_info and not queryset.query.values_select:
        private: Any = queryset  # the ORM's own state, as ModelIterable reads it
        if private._prefetch_related_lookups or private._known_related_objects:
            raise ValueError("prepared query: no prefetch_related, no related manager")
        objects = _Objects(compiler, private._fetch_mode)
    return _Compiled(wrap.format(sql=sql), slots, converters, attnames, objects)


def prepared_sql(
    name: str,
    build: Callable[[Mapping[str, Any]], QuerySet[Any, Any]],
    values: Values,
    *,
    using: str = "default",
    wrap: str = "{sql}",
) -> tuple[str, list[Any]]:
    """The SQL and parameters of `build(values)`, compiled once per process for each shape of
    `values`. `wrap` places the compiled SQL in an outer statement, e.g.
    "SELECT COUNT(*) FROM ({sql}) counted"."""
    compiled = _prepared(name, build, values, using, wrap)
    return compiled.sql, _params(compiled, values)


def _prepared(
    name: str,
    build: Callable[[Mapping[str, Any]], QuerySet[Any, Any]],
    values: Values,
    using: str,
    wrap: str,
) -> _Compiled:
    connection = connections[using]
    key = (name, using, connection.vendor, wrap, _shape(values))
    with _lock:
        compiled = _compiled.get(key)
        if compiled is not None:
            _compiled.move_to_end(key)
    if compiled is None:
        compiled = _compile(build, key[4], using, wrap)
        with _lock:
            _compiled[key] = compiled
            while len(_compiled) > _MAX_ENTRIES:
                _compiled.popitem(last=False)
    return compiled


def _params(compiled: _Compiled, values: Values) -> list[Any]:
    params: list[Any] = []
    for slot_name, slot in compiled.slots:
        if slot_name is None:
            params.append(slot)
            continue
        value = values[slot_name]
        params.append(value if isinstance(value, (int, str)) else value[cast(int, slot)])
    return params


def prepared_rows(
    name: str,
    build: Callable[[Mapping[str, Any]], QuerySet[Any, Any]],
    values: Values,
    *,
    using: str = "default",
    wrap: str = "{sql}",
) -> list[tuple[Any, ...]]:
    """The rows of `prepared_sql(...)`: raw tuples of the selected columns, without the ORM's
    converters (for ids, counts and text columns; dates stay as the driver returns them)."""
    sql, params = prepared_sql(name, build, values, using=using, wrap=wrap)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def prepared_instances[M: Model](
    model: type[M],
    name: str,
    build: Callable[[Mapping[str, Any]], QuerySet[M]],
    values: Values,
    *,
    using: str = "default",
) -> list[M]:
    """The model instances of `build(values)` (a plain filter of one model: no select_related,
    no annotations), compiled once per process; the columns go through the ORM's converters,
    as `QuerySet` iteration would."""
    compiled = _prepared(name, build, values, using, "{sql}")
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, _params(compiled, values))
        rows = cursor.fetchall()
    return [
        model.from_db(using, compiled.attnames, fields)
        for fields in _converted(compiled, rows, using)
    ]


def _converted(compiled: _Compiled, rows: list[tuple[Any, ...]], using: str) -> Iterator[list[Any]]:
    connection = connections[using]
    for row in rows:
        fields = list(row)
        for index, (functions, expression) in compiled.converters.items():
            value = fields[index]
            for function in functions:
                value = function(value, expression, connection)
            fields[index] = value
        yield fields


def prepared_values(
    name: str,
    build: Callable[[Mapping[str, Any]], QuerySet[Any, dict[str, Any]]],
    values: Values,
    *,
    using: str = "default",
) -> list[dict[str, Any]]:
    """The rows of `build(values)`, a `values(...)` query (joins allowed), as the dicts its
    iteration would give, compiled once per process; the columns go through the ORM's
    converters (dates and times come out as on any queryset)."""
    compiled = _prepared(name, build, values, using, "{sql}")
    with connections[using].cursor() as cursor:
        cursor.execute(compiled.sql, _params(compiled, values))
        rows = cursor.fetchall()
    return [
        dict(zip(compiled.attnames, fields, strict=True))
        for fields in _converted(compiled, rows, using)
    ]


def prepared_objects[M: Model](
    name: str,
    build: Callable[[Mapping[str, Any]], QuerySet[M]],
    values: Values,
    *,
    using: str = "default",
) -> list[M]:
    """The model instances of `build(values)` as iterating it would give them, with its
    select_related instances and annotations, compiled once per process (no prefetch_related:
    prefetch on the result). For list queries whose compilation costs more than their run."""
    compiled = _prepared(name, build, values, using, "{sql}")
    objects = compiled.objects
    if objects is None or objects.fetch_mode.track_peers:
        raise ValueError("prepared_objects: a queryset of model instances, without peers")
    with connections[using].cursor() as cursor:
        cursor.execute(compiled.sql, _params(compiled, values))
        rows = cursor.fetchall()
    model = objects.klass_info["model"]
    populators = get_related_populators(
        objects.klass_info, objects.select, using, objects.fetch_mode
    )
    out: list[M] = []
    for row in _converted(compiled, rows, using):
        obj = model.from_db(
            using,
            compiled.attnames,
            row[objects.start : objects.end],
            fetch_mode=objects.fetch_mode,
        )
        for populator in populators:
            populator.populate(row, obj)
        for attr, index in objects.annotations.items():
            setattr(obj, attr, row[index])
        out.append(obj)
    return out


def prepared_clear() -> None:
    """Forgets every compiled query (tests)."""
    with _lock:
        _compiled.clear()
