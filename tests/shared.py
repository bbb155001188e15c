"""Fixtures whose data is built once and shared by consecutive tests (like Django's
`TestCase.setUpTestData`), each test still starting from the same rows and fresh objects.

Building the persona world costs about 290 queries; the access matrices ask for it 27 times per
test function. A `@shared_fixture` is built inside a *layer*: a transaction opened beneath the
test's own one (pytest-django's `TestCase`-style atomic block becomes a savepoint inside it), so
every test's writes are rolled back to the layer and the next test that needs the same data finds
it already there. Layers form a stack (e.g. admin_user → world → content); before each test the
stack is cut back to the layers that test asks for (a test asking only for `world` never sees the
posts of `content`), then completed. Every test gets its own deep copy of the objects, taken in
one go so that identities hold as if the fixtures had just been built (`world.people
["administrator"] is admin_user`, `content.world is world`), and no test sees another's changes.

A test that cannot run inside an outer transaction (`transaction=True`, `live_server`,
`transactional_db`, unittest classes) pops every layer first and gets the fixture built for it
alone, exactly as before. A builder may only depend on other shared fixtures, and runs before
the test's other fixtures (in the default language and settings: a fixture that changes them
does not apply to it); files it writes go to a folder of its own, copied into the test's
MEDIA_ROOT for each test that uses it.

The stack lives in this process (one per xdist worker) and is rolled back at the end of the
session, before pytest-django destroys the test database.
"""

import copy
import inspect
import shutil
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings

# What the hook below planned for a test: the values of its shared fixtures (one deep copy), and
# the folder of files each builder wrote.
PLANNED = pytest.StashKey[dict[str, Any]]()
MEDIA = pytest.StashKey[dict[str, Path]]()
FAILED = pytest.StashKey[Exception]()


@dataclass(frozen=True)
class Spec:
    name: str
    build: Callable[..., Any]
    deps: tuple[str, ...]


@dataclass
class Layer:
    spec: Spec
    atomic: Any
    # Everything shared at this height of the stack: the values of the layers below (as this
    # layer's builder left them) and this layer's own.
    bundle: dict[str, Any]
    # The folder of files the builder wrote, if it wrote any.
    media: Path | None = None


_stack: list[Layer] = []
_finalizer_registered = False
_last_test: str | None = None
_blocker: Any = None


def shared_fixture(build: Callable[..., Any]) -> Any:
    """Declares `build` (whose parameters name other shared fixtures) as a shared fixture."""
    spec = Spec(name=build.__name__, build=build, deps=tuple(inspect.signature(build).parameters))

    def fixture(request: pytest.FixtureRequest, db: None, **deps: Any) -> Any:
        if FAILED in request.node.stash:
            raise request.node.stash[FAILED]
        planned = request.node.stash.get(PLANNED, {})
        if spec.name in planned:
            # The files land where MEDIA_ROOT points now, as if the builder had just run.
            folder = request.node.stash.get(MEDIA, {}).get(spec.name)
            if folder is not None:
                shutil.copytree(folder, settings.MEDIA_ROOT, dirs_exist_ok=True)
            return planned[spec.name]
        # Not planned (a transactional test): built for this test alone, inside its own
        # transaction, as a plain fixture would be.
        return build(**deps)

    # pytest reads the dependencies from the signature: the builder's, after request and db.
    keyword = inspect.Parameter.KEYWORD_ONLY
    fixture.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(name, keyword) for name in ("request", "db", *spec.deps)]
    )
    fixture.__name__ = spec.name
    fixture.__doc__ = build.__doc__
    fixture.shared_spec = spec  # type: ignore[attr-defined]
    return pytest.fixture(name=spec.name)(fixture)


def _transactional(item: pytest.Item) -> bool:
    """pytest-django's own rule for running a test in a TransactionTestCase."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    names = getattr(item, "fixturenames", ())
    return any(
        name in names for name in ("transactional_db", "live_server", "django_db_reset_sequences")
    )


def _plan(item: pytest.Item) -> list[Spec] | None:
    """The shared fixtures a test needs, dependencies first; None when layers cannot be used."""
    if getattr(item, "cls", None) is not None and hasattr(item.cls, "_pre_setup"):
        return None  # a Django unittest class manages its own transactions
    if _transactional(item):
        return None
    try:
        defs = item._fixtureinfo.name2fixturedefs  # type: ignore[attr-defined]
    except AttributeError:
        return None  # another pytest: every fixture is built per test, as before

    def spec_of(name: str) -> Spec | None:
        found = defs.get(name)
        return getattr(found[-1].func, "shared_spec", None) if found else None

    order: list[Spec] = []

    def visit(name: str) -> None:
        spec = spec_of(name)
        if spec is None or spec in order:
            return
        for dep in spec.deps:
            if spec_of(dep) is None:
                raise TypeError(f"shared fixture {name!r} depends on {dep!r}, which is not shared")
            visit(dep)
        order.append(spec)

    for name in sorted(item.fixturenames):  # type: ignore[attr-defined]
        visit(name)
    return order


def _pop() -> None:
    layer = _stack.pop()
    transaction.set_rollback(True)
    layer.atomic.__exit__(None, None, None)
    if layer.media is not None:
        shutil.rmtree(layer.media, ignore_errors=True)


def _push(spec: Spec) -> None:
    below = _stack[-1].bundle if _stack else {}
    atomic = transaction.atomic()
    # As TestCase does for its own blocks, so that a durable block inside one is accepted.
    atomic._from_testcase = True  # type: ignore[attr-defined]
    atomic.__enter__()
    layer = Layer(spec=spec, atomic=atomic, bundle={})
    _stack.append(layer)
    # The builder works on copies: the layers below keep their objects as they were.
    bundle = copy.deepcopy(below)
    media = Path(tempfile.mkdtemp(prefix=f"rucher-shared-{spec.name}-"))
    layer.media = media
    try:
        with override_settings(MEDIA_ROOT=media):
            bundle[spec.name] = spec.build(**{dep: bundle[dep] for dep in spec.deps})
    except BaseException:
        _pop()
        raise
    layer.bundle = bundle
    if not any(media.iterdir()):
        media.rmdir()
        layer.media = None


def pop_all() -> None:
    while _stack:
        _pop()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest):
    """Before pytest-django opens a test's transaction, fits the layer stack to that test."""
    if fixturedef.argname == "_django_db_helper":
        try:
            _prepare(request)
        except Exception as exc:
            # Reported by the test's shared fixtures: raising here would leave pytest's own
            # fixture bookkeeping half done and fail every later test of the session.
            request.node.stash[FAILED] = exc
    return (yield)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test that will not run on the layers (transactional, or without the database) finds no
    transaction left open: before any of its fixtures, since a session-scoped one (the live
    server, Playwright) may already use the database from another thread or context, and a test
    may start threads, servers or processes that write through connections of their own (they
    would wait for the layers' locks)."""
    if _stack and not _plan(item):
        assert _blocker is not None
        with _blocker.unblock():
            pop_all()


def _stack_is_live() -> bool:
    """Whether the connection still holds every layer's transaction. A test that closes the
    connection, or reconnects, loses them (the database rolled them back)."""
    from django.db import connection

    blocks = connection.atomic_blocks if connection.in_atomic_block else []
    return all(any(layer.atomic is block for block in blocks) for layer in _stack)


def _prepare(request: pytest.FixtureRequest) -> None:
    global _finalizer_registered, _last_test, _blocker
    item = request.node
    previous, _last_test = _last_test, item.nodeid
    plan = _plan(item) or []
    blocker = _blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        if not _stack_is_live():
            lost = [layer.spec.name for layer in _stack]
            _stack.clear()
            warnings.warn(
                f"shared fixtures {lost} were lost by the previous test ({previous}), which "
                "closed or reset the database connection: built again",
                stacklevel=1,
            )
        keep = 0
        while keep < min(len(_stack), len(plan)) and _stack[keep].spec is plan[keep]:
            keep += 1
        while len(_stack) > keep:
            _pop()
        for spec in plan[keep:]:
            _push(spec)
    if not plan:
        return
    if not _finalizer_registered:
        # Runs before pytest-django's teardown of the test database (registered earlier).
        def finish() -> None:
            global _finalizer_registered
            with blocker.unblock():
                if _stack_is_live():
                    pop_all()
                else:
                    _stack.clear()
            _finalizer_registered = False

        request.session.addfinalizer(finish)
        _finalizer_registered = True
    top = _stack[-1]
    item.stash[PLANNED] = copy.deepcopy({spec.name: top.bundle[spec.name] for spec in plan})
    item.stash[MEDIA] = {layer.spec.name: layer.media for layer in _stack if layer.media}
