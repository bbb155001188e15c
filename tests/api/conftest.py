"""API test helpers: a Bearer client per persona, and JSON shortcuts."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from rucher.accounts import services
from rucher.accounts.models import User


class ApiClient(Client):
    """A test client that speaks JSON to /api/v1/ (in English unless told otherwise)."""

    def __init__(self, **defaults: Any) -> None:
        defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
        super().__init__(**defaults)

    def call(self, method: str, path: str, data: Any = None, **extra: Any) -> Any:
        kwargs: dict[str, Any] = {"content_type": "application/json", **extra}
        if data is not None:
            kwargs["data"] = data
        return getattr(self, method.lower())(f"/api/v1{path}", **kwargs)


@pytest.fixture
def token_for() -> Callable[[User], str]:
    def make(person: User) -> str:
        _token, raw = services.token_create(person=person, name="tests")
        return raw

    return make


@pytest.fixture
def client_for(token_for: Callable[[User], str]) -> Callable[[User], ApiClient]:
    def make(person: User) -> ApiClient:
        return ApiClient(HTTP_AUTHORIZATION=f"Bearer {token_for(person)}")

    return make


@pytest.fixture
def api(member: User, client_for: Callable[[User], ApiClient]) -> ApiClient:
    """The member (bob), authenticated with a personal access token."""
    return client_for(member)


@pytest.fixture
def admin_api(admin_user: User, client_for: Callable[[User], ApiClient]) -> ApiClient:
    return client_for(admin_user)


@pytest.fixture
def anon_api() -> ApiClient:
    return ApiClient()
