"""Integrations fixtures: the communities world, a real local HTTP receiver allowed through
RUCHER_OUTBOUND_ALLOWED_HOSTS, and a queue drain that runs the on-commit callbacks the jobs
register (as a real worker's commits would)."""

from collections.abc import Callable

import pytest
from django.db import connection

from rucher.core.testing import run_queued_tasks
from tests.api.conftest import anon_api, client_for, token_for  # noqa: F401 - shared fixtures
from tests.communities.personas import build_world
from tests.httpserver import local_server
from tests.shared import shared_fixture


@shared_fixture
def world(admin_user):
    return build_world(admin_user)


@pytest.fixture
def drain(django_capture_on_commit_callbacks) -> Callable[[], int]:
    def run() -> int:
        # The test's own actions ran inside its transaction: their after-commit callbacks are
        # still waiting. Run them as the commit would have (then forget them).
        pending = list(connection.run_on_commit)
        connection.run_on_commit.clear()
        with django_capture_on_commit_callbacks(execute=True):
            for _sids, callback, _robust in pending:
                callback()
        executed = 0
        for _ in range(10):
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                ran = run_queued_tasks()
            executed += ran
            if not ran and not callbacks:
                break
        return executed

    return run


@pytest.fixture
def receiver(settings):
    with local_server() as server:
        server.routes["/hook"] = lambda request: (200, {}, b"ok")
        settings.RUCHER_OUTBOUND_ALLOWED_HOSTS = server.host_port
        yield server
