"""Messages of invalid input are ours, in the caller's language, and name the field the
caller sent (issue 14, item 4): no library's raw English ("List should have at least 1 item
after validation…"), and a bad `since` names `since`, not the view's parameter schema."""

import pytest
from django.utils import translation

from rucher.api.errors import _pydantic_message

pytestmark = pytest.mark.django_db

DATE_MESSAGE = "Give a date (YYYY-MM-DD) or a date and time (ISO 8601, e.g. 2026-06-01T09:30Z)."


@pytest.mark.parametrize(
    "query, field",
    [
        ("since=yesterday", "since"),
        ("until=2026-13-01", "until"),
        ("since=2026-06-01T25:00", "since"),
    ],
)
def test_a_bad_date_names_its_field_with_one_clear_message(api, query, field):
    response = api.get(f"/api/v1/reports/answer-times?{query}")
    assert response.status_code == 422
    assert response.json()["fields"] == {field: [DATE_MESSAGE]}


def test_an_empty_list_says_how_many_entries_are_needed(api):
    response = api.call("POST", "/posts", {"communities": [], "kind": "post", "body": "b"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"communities": ["At least 1 entry."]}


def test_the_messages_are_in_the_callers_language(api):
    response = api.call(
        "POST",
        "/posts",
        {"communities": [], "kind": "post", "body": "b"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.json()["fields"] == {"communities": ["Au moins 1 élément."]}
    response = api.get("/api/v1/reports/answer-times?since=hier", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json()["fields"]["since"][0].startswith("Indiquez une date (AAAA-MM-JJ)")


def test_a_number_field_says_so(api):
    assert api.get("/api/v1/people?limit=1.5").json()["fields"] == {
        "limit": ["Must be a whole number."]
    }


def test_an_unforeseen_library_error_is_never_raw_english():
    raw = {"type": "some_future_error", "msg": "Input should be something else", "loc": ("x",)}
    with translation.override("en"):
        assert _pydantic_message(raw) == "Invalid value."
    with translation.override("fr"):
        assert _pydantic_message(raw) == "Valeur invalide."
