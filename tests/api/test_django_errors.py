"""What Django answers itself, before or outside the API's own handlers, has the error shape
under /api/ too (issue 13, item 11): a Host not allowed, a body beyond Django's limits, a path
under /api/ that is no API operation, a CSRF failure, a crash in a middleware. Pages outside
/api/ keep Django's own answers. (Gunicorn's 414/431 come before Django: docs/operations.md.)"""

import json

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from rucher.api.errors import csrf_failure

pytestmark = pytest.mark.django_db


def _assert_shape(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["code"] == code and isinstance(body["detail"], str) and body["detail"]


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return settings


def test_a_host_not_allowed_is_400_in_the_error_shape(api, production):
    _assert_shape(api.get("/api/v1/me", HTTP_HOST="evil.example"), 400, "bad_request")
    web = api.get("/people/", HTTP_HOST="evil.example")
    assert web.status_code == 400 and not web["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("path", ["/api/", "/api/v2/me", "/api/v1x/people", "/api"])
def test_a_path_under_api_that_is_no_version_is_404_in_the_error_shape(api, production, path):
    _assert_shape(api.get(path), 404, "not_found")


def test_a_web_path_not_found_keeps_the_html_page(member_client, production):
    response = member_client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_unknown_api_path_is_404_whatever_the_method_even_without_csrf(
    member, production, method
):
    # A session without a CSRF token: Django's CSRF check used to answer an HTML 403 first.
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = getattr(client, method)("/api/v1/nothing", {"a": "b"})
    _assert_shape(response, 404, "not_found")


def test_a_csrf_failure_under_api_is_403_in_the_error_shape():
    request = RequestFactory().post("/api/v1/something")
    _assert_shape(csrf_failure(request, reason="CSRF cookie not set."), 403, "csrf_failed")
    web = csrf_failure(RequestFactory().post("/settings/"), reason="CSRF cookie not set.")
    assert web.status_code == 403 and not web["Content-Type"].startswith("application/json")


class ReadsTheForm:
    """A middleware that reads the form body (as Django's CSRF check does for a view that is
    not exempt), so that Django itself refuses a body beyond DATA_UPLOAD_MAX_MEMORY_SIZE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            request.POST  # noqa: B018 (the read is the point)
        return self.get_response(request)


class Crashes:
    """A middleware with a bug: a crash outside every view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raise RuntimeError("a bug outside the views")


def test_a_body_django_refuses_before_the_api_is_413_in_the_error_shape(
    production, token_for, member
):
    production.MIDDLEWARE = [*production.MIDDLEWARE, f"{__name__}.ReadsTheForm"]
    production.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(member)}")
    response = client.post("/api/v1/attachments", {"name": "x" * 300})
    _assert_shape(response, 413, "too_large")
    too_many = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(member)}")
    production.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = too_many.post("/api/v1/attachments", {f"f{i}": "x" for i in range(10)})
    _assert_shape(response, 400, "bad_request")


def test_a_crash_outside_the_views_is_500_in_the_error_shape(production, token_for, member):
    production.MIDDLEWARE = [*production.MIDDLEWARE, f"{__name__}.Crashes"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(member)}", raise_request_exception=False)
    _assert_shape(client.get("/api/v1/me"), 500, "server_error")
    web = client.get("/people/")
    assert web.status_code == 500 and not web["Content-Type"].startswith("application/json")
