"""Property-based fuzzing of /api/v1/ against its own OpenAPI schema (schemathesis).

Whatever schemathesis generates (valid and invalid input alike), the API must keep the
contract of API.md "Conventions": never a 5xx, and every 4xx in the error shape
{"detail": str, "code": str}. The calls go in-process through the WSGI application, as a
member persona with a personal access token, in a small seeded world so that path
parameters sometimes name real objects.
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.core.transport import Response

from rucher.accounts import services as account_services
from rucher.accounts.models import User
from rucher.actions import comments as comment_actions
from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.api.urls import api
from rucher.communities import services as community_services
from rucher.communities.models import Community
from rucher.core.factories import PersonFactory
from rucher.wsgi import application

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())

# Deterministic and quick by default (a few seconds per operation); for a deeper, random hunt:
# RUCHER_FUZZ_EXAMPLES=200 pytest tests/api/test_fuzz.py
DEEP_EXAMPLES = int(os.environ.get("RUCHER_FUZZ_EXAMPLES", "0"))

# The seeded world of the running test; read while drawing path parameters.
WORLD: dict[str, Any] = {}


def _error_shape(ctx: Any, response: Response, case: Case) -> bool | None:
    """Every 4xx answers {"detail": str, "code": str} (plus "fields" for invalid input)."""
    if not 400 <= response.status_code < 500:
        return None
    body = response.json()
    assert isinstance(body, dict), f"{response.status_code}: not a JSON object: {body!r}"
    assert isinstance(body.get("detail"), str), f"{response.status_code}: no detail: {body!r}"
    assert isinstance(body.get("code"), str), f"{response.status_code}: no code: {body!r}"
    assert body["code"], f"{response.status_code}: empty code: {body!r}"
    return True


error_shape = schemathesis.check(_error_shape)


@schema.hook
def flatmap_path_parameters(ctx: Any, path_parameters: dict[str, Any] | None) -> Any:
    """Half of the time, swap each path parameter for a real object of the seeded world."""
    if not path_parameters or not WORLD:
        return st.just(path_parameters)
    choices = {
        name: st.sampled_from([value, WORLD[name]]) if name in WORLD else st.just(value)
        for name, value in path_parameters.items()
    }
    return st.fixed_dictionaries(choices)


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    member = PersonFactory(username="fuzzer", display_name="Fuzz Member")
    owner = PersonFactory(username="fuzzowner", display_name="Fuzz Owner")
    community = community_services.community_create(
        creator=owner, name="Fuzz guild", slug="fuzz-guild", kind="practice", visibility="open"
    )
    membership_actions.community_join(person=member, community=community)
    post = post_actions.post_publish(
        author=owner, communities=[community], title="Fuzz", body="A post to fuzz"
    )
    comment = comment_actions.comment_publish(author=member, post=post, body="A comment")
    WORLD.update(
        member=member,
        community=community,
        slug=community.slug,
        username=owner.username,
        post_id=post.pk,
        comment_id=comment.pk,
    )
    yield WORLD
    WORLD.clear()


def _token(member: User) -> str:
    _token_obj, raw = account_services.token_create(person=member, name="fuzz")
    return raw


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """The calls run inside the test's transaction, rolled back after each operation, as the
    test client's do: Django's WSGI handler must not close the connection around each request
    (a transactional test flushed and restored the whole database for each of the 69 operations,
    half of this file's time; docs/performance.md, "Test suite")."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_connection")
@schema.parametrize()
@settings(
    max_examples=DEEP_EXAMPLES or 15,
    deadline=None,
    # Each example is a real request against the database: slow by Hypothesis's standards.
    suppress_health_check=list(HealthCheck),
    derandomize=not DEEP_EXAMPLES,
)
def test_api_never_fails_and_errors_keep_their_shape(case: Case, world: dict[str, Any]) -> None:
    member: User = world["member"]
    community: Community = world["community"]
    # Earlier examples may have revoked the token, left the community or tripped a throttle.
    cache.clear()
    membership_actions.community_join(person=member, community=community)
    response = case.call(app=application, headers={"Authorization": f"Bearer {_token(member)}"})
    case.validate_response(response, checks=[schemathesis.checks.not_a_server_error, error_shape])
