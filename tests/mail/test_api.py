"""GET/PATCH /api/v1/me/notification-settings (API.md, "Email")."""

import pytest

from rucher.mail import preferences
from rucher.mail.models import EmailPreference

pytestmark = pytest.mark.django_db

URL = "/me/notification-settings"


def test_get_lists_every_kind_with_defaults(member, api_for):
    response = api_for(member).call("get", URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == set(preferences.preference_kinds())
    assert body["mention"] == "immediate"
    assert body["like"] == "weekly"
    assert body["digest"] == "weekly"


def test_patch_changes_only_what_it_names(member, api_for):
    api = api_for(member)
    response = api.call("patch", URL, {"like": "immediate", "digest": "daily"})
    assert response.status_code == 200
    body = response.json()
    assert (body["like"], body["digest"], body["mention"]) == ("immediate", "daily", "immediate")
    assert api.call("get", URL).json() == body
    assert api.call("patch", URL, {}).json() == body


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"like": "daily", "nonsense": "weekly"}, "nonsense"),
        ({"like": "daily", "mention": "sometimes"}, "mention"),
        ({"like": "daily", "digest": "immediate"}, "digest"),
        ({"like": "daily", "comment": None}, "comment"),
        ({"like": "daily", "comment": 1}, "comment"),
    ],
)
def test_a_bad_kind_or_value_is_422_and_saves_nothing(member, api_for, payload, field):
    response = api_for(member).call("patch", URL, payload)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [field]
    assert not EmailPreference.objects.exists()


def test_a_body_that_is_not_an_object_is_refused(member, api_for):
    response = api_for(member).call("patch", URL, ["like"])
    assert response.status_code in (400, 422)
    assert not EmailPreference.objects.exists()


@pytest.mark.parametrize("method", ["get", "patch"])
def test_without_credentials_401(api_for, method):
    response = api_for().call(method, URL, {"like": "daily"} if method == "patch" else None)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_departed_persons_token_is_401(departed, api_for):
    assert api_for(departed).call("get", URL).status_code == 401
