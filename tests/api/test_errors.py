"""Bad input of every kind gets the error shape, never a 500."""

import pytest

from rucher.api.errors import MAX_JSON_BODY_BYTES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "body", [b"{", b"not json", b"\xff\xfe", b'{"bio": NaN}', b'{"bio": "\\ud800"}', b"[" * 100_000]
)
def test_malformed_json_is_400(api, member, body):
    response = api.patch("/api/v1/me", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    member.refresh_from_db()
    assert member.bio == ""


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null"])
def test_a_body_that_is_not_an_object_is_invalid(api, body):
    response = api.patch("/api/v1/me", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert "body" in response.json()["fields"]


def test_a_missing_body_is_invalid(api):
    response = api.post("/api/v1/auth/token", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }


def test_an_oversize_body_is_413(api):
    body = b'{"bio": "' + b"x" * MAX_JSON_BODY_BYTES + b'"}'
    response = api.patch("/api/v1/me", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_a_body_beyond_djangos_limit_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = api.patch(
        "/api/v1/me", b'{"bio": "' + b"x" * 200 + b'"}', content_type="application/json"
    )
    assert response.status_code == 413


def test_a_nul_byte_in_a_query_is_invalid(api):
    response = api.get("/api/v1/people?q=a%00b")
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["q"]


def test_errors_have_the_documented_shape(api):
    response = api.call("PATCH", "/me", {"bio": 1, "unknown": 2})
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}
    assert isinstance(body["detail"], str)
    assert body["fields"] == {"bio": ["Must be text."], "unknown": ["Unknown field."]}


def test_a_wrong_method_is_405_in_the_error_shape(api):
    response = api.put("/api/v1/me", {}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "PATCH" in response["Allow"]


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/nothing", "/api/v1/people/bob/nope"])
def test_an_unknown_path_is_404_in_the_error_shape(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_session_writes_still_work_through_the_wrappers(member_client, member):
    response = member_client.patch(
        "/api/v1/me", {"bio": "Via session"}, content_type="application/json"
    )
    assert response.status_code == 200
