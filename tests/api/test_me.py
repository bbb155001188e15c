"""GET and PATCH /me."""

import pytest

from rucher.accounts.models import DeclaredSkill

pytestmark = pytest.mark.django_db

ME_FIELDS = {
    "username",
    "display_name",
    "email",
    "job_title",
    "department",
    "site",
    "phone",
    "manager",
    "bio",
    "expertise",
    "interests",
    "offers",
    "reading",
    "photo_url",
    "follower_count",
    "following_count",
    "is_administrator",
    "language",
    "grammatical_gender",
    "meet_opt_out",
    "charter_accepted",
    "profile_completeness",
}


def test_it_describes_me(api, member):
    response = api.call("GET", "/me")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == ME_FIELDS
    assert body["username"] == "bob"
    assert body["display_name"] == "Bob Member"
    assert body["department"] == "Finance"
    assert body["charter_accepted"] is True
    assert body["is_administrator"] is False
    assert body["photo_url"] is None
    assert body["expertise"] == []
    assert 0 <= body["profile_completeness"] <= 100


def test_it_reports_administrators(admin_api):
    assert admin_api.call("GET", "/me").json()["is_administrator"] is True


def test_it_updates_my_profile(api, member):
    response = api.call(
        "PATCH",
        "/me",
        {
            "job_title": "Controller",
            "bio": "I count *beans*.",
            "expertise": ["Excel", "#SAP", "excel"],
            "interests": ["Climbing"],
            "language": "en",
            "meet_opt_out": True,
            "phone": "+33 1 23 45 67 89",
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["job_title"] == "Controller"
    assert body["expertise"] == ["Excel", "SAP"]
    assert body["interests"] == ["Climbing"]
    assert body["language"] == "en"
    assert body["meet_opt_out"] is True
    assert body["profile_completeness"] > 0
    member.refresh_from_db()
    assert member.job_title == "Controller"
    assert member.language == "en"
    assert list(DeclaredSkill.objects.filter(person=member).values_list("slug", flat=True)) == [
        "excel",
        "sap",
    ]


def test_it_leaves_fields_not_sent_alone(api, member):
    api.call("PATCH", "/me", {"bio": "Hello"})
    member.refresh_from_db()
    assert member.bio == "Hello"
    assert member.department == "Finance"


def test_it_rejects_unknown_fields(api, member):
    response = api.call("PATCH", "/me", {"bio": "x", "is_staff": True})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"] == {"is_staff": ["Unknown field."]}
    member.refresh_from_db()
    assert not member.is_staff
    assert member.bio == ""


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bio", 42),
        ("meet_opt_out", "yes"),
        ("expertise", "python"),
        ("expertise", [1, 2]),
        ("display_name", None),
    ],
)
def test_it_rejects_wrong_types(api, member, field, value):
    response = api.call("PATCH", "/me", {field: value})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == [field]


def test_it_rejects_over_long_text_naming_the_field(api, member):
    response = api.call("PATCH", "/me", {"job_title": "x" * 151})
    assert response.status_code in (400, 422)
    body = response.json()
    assert list(body["fields"]) == ["job_title"]
    assert "150" in body["fields"]["job_title"][0]


def test_it_rejects_over_long_tags(api):
    response = api.call("PATCH", "/me", {"expertise": ["x" * 60]})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["expertise"]


@pytest.mark.parametrize("field", ["bio", "display_name", "site"])
def test_it_rejects_nul_bytes_and_saves_nothing(api, member, field):
    response = api.call("PATCH", "/me", {"job_title": "Boss", field: "evil\x00text"})
    assert 400 <= response.status_code < 500
    assert list(response.json()["fields"]) == [field]
    member.refresh_from_db()
    assert member.job_title == ""
    assert "\x00" not in getattr(member, field)


def test_it_rejects_control_characters_in_tags(api, member):
    response = api.call("PATCH", "/me", {"interests": ["ok", "bad\x07"]})
    assert 400 <= response.status_code < 500
    assert list(response.json()["fields"]) == ["interests"]


def test_it_rejects_an_unknown_language(api, member):
    response = api.call("PATCH", "/me", {"language": "de"})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["language"]
    member.refresh_from_db()
    assert member.language == ""


def test_it_refuses_an_empty_display_name(api, member):
    response = api.call("PATCH", "/me", {"display_name": "   "})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["display_name"]


def test_it_rejects_absurd_lists_before_the_service(api, member):
    response = api.call("PATCH", "/me", {"interests": ["x" * 1000]})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["interests"]
    response = api.call("PATCH", "/me", {"expertise": [f"s{i}" for i in range(500)]})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["expertise"]


def test_it_sets_the_grammatical_gender(api, member):
    assert api.call("GET", "/me").json()["grammatical_gender"] == ""
    response = api.call("PATCH", "/me", {"grammatical_gender": "f"})
    assert response.status_code == 200
    assert response.json()["grammatical_gender"] == "f"
    member.refresh_from_db()
    assert member.grammatical_gender == "f"
    title = member.job_title
    bad = api.call("PATCH", "/me", {"grammatical_gender": "x", "job_title": "Comptable"})
    assert bad.status_code == 422  # as for an unknown language
    assert "grammatical_gender" in bad.json()["fields"]
    member.refresh_from_db()
    assert (member.grammatical_gender, member.job_title) == ("f", title)  # nothing half-written
