"""Mail fixtures: the communities world, a JSON API client, and a queue drain that also runs
the on-commit callbacks the jobs register (as a real worker's commits would)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from rucher.accounts import services as account_services
from rucher.core.testing import run_queued_tasks
from tests.communities.personas import build_world
from tests.shared import shared_fixture


@shared_fixture
def world(admin_user):
    return build_world(admin_user)


@pytest.fixture
def drain(django_capture_on_commit_callbacks) -> Callable[[], int]:
    """Runs queued tasks and what they enqueue on commit, until nothing is left."""

    def run() -> int:
        executed = 0
        for _ in range(10):
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                ran = run_queued_tasks()
            executed += ran
            if not ran and not callbacks:
                break
        return executed

    return run


class JsonClient(Client):
    def call(self, method: str, path: str, data: Any = None, **extra: Any) -> Any:
        kwargs: dict[str, Any] = {"content_type": "application/json", **extra}
        if data is not None:
            kwargs["data"] = data
        return getattr(self, method.lower())(f"/api/v1{path}", **kwargs)


@pytest.fixture
def api_for() -> Callable[..., JsonClient]:
    def make(person=None) -> JsonClient:
        if person is None:
            return JsonClient(HTTP_ACCEPT_LANGUAGE="en")
        _token, raw = account_services.token_create(person=person, name="tests")
        return JsonClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make
