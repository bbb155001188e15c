"""GET /people (directory), GET /people/{username}, POST /people (administrators)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.accounts import services
from rucher.accounts.models import User
from rucher.core.factories import PersonFactory
from rucher.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def usernames(response):
    assert response.status_code == 200, response.json()
    return [item["username"] for item in response.json()["items"]]


def test_it_lists_active_people_by_name(api, member, colleague, admin_user, departed):
    response = api.call("GET", "/people")
    assert usernames(response) == ["alice", "bob", "carol"]
    assert response.json()["next"] is None
    item = response.json()["items"][2]
    assert set(item) == {
        "username",
        "display_name",
        "job_title",
        "department",
        "site",
        "photo_url",
        "expertise",
        "following",
    }
    assert item["department"] == "Ventes"


def test_it_filters_the_directory(api, member, colleague):
    services.profile_update(person=colleague, changes={"expertise": ["Python"]})
    assert usernames(api.call("GET", "/people?department=Ventes")) == ["carol"]
    assert usernames(api.call("GET", "/people?site=Lyon")) == ["bob"]
    assert usernames(api.call("GET", "/people?skill=python")) == ["carol"]
    assert usernames(api.call("GET", "/people?q=carol")) == ["carol"]
    assert usernames(api.call("GET", "/people?q=nobody-at-all")) == []
    response = api.call("GET", "/people?skill=python")
    assert response.json()["items"][0]["expertise"] == ["Python"]


def test_it_says_whom_i_follow(api, member, colleague):
    services.follow_create(follower=member, followee=colleague)
    items = {i["username"]: i["following"] for i in api.call("GET", "/people").json()["items"]}
    assert items == {"bob": False, "carol": True}


def test_a_cursor_walk_returns_everyone_exactly_once(api, member):
    PersonFactory.create_batch(23)
    PersonFactory(display_name="Person 0003")  # same name as another: the id breaks the tie
    expected = set(User.objects.filter(is_active=True).values_list("username", flat=True))
    seen: list[str] = []
    cursor = ""
    pages = 0
    while True:
        response = api.call("GET", f"/people?limit=5{cursor}")
        seen += usernames(response)
        pages += 1
        next_cursor = response.json()["next"]
        if next_cursor is None:
            break
        cursor = f"&cursor={next_cursor}"
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected
    assert pages == 5


def test_it_rejects_a_tampered_cursor(api, member):
    PersonFactory.create_batch(3)
    next_cursor = api.call("GET", "/people?limit=2").json()["next"]
    tampered = next_cursor[:-2] + ("AA" if not next_cursor.endswith("AA") else "BB")
    for cursor in (tampered, "garbage", "%00"):
        response = api.call("GET", f"/people?cursor={cursor}")
        assert 400 <= response.status_code < 500
        assert "code" in response.json()
    response = api.call("GET", f"/people?cursor={tampered}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_a_cursor_is_only_valid_for_its_own_filters(api, member):
    PersonFactory.create_batch(3)
    next_cursor = api.call("GET", "/people?limit=2").json()["next"]
    response = api.call("GET", f"/people?limit=2&site=Lyon&cursor={next_cursor}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


@pytest.mark.parametrize("limit", ["0", "101", "-1", "many"])
def test_it_rejects_an_impossible_limit(api, limit):
    response = api.call("GET", f"/people?limit={limit}")
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["limit"]


def test_the_directory_costs_the_same_whatever_the_page_size(member_client, member):
    people = PersonFactory.create_batch(60)
    for i, person in enumerate(people):
        services.profile_update(person=person, changes={"expertise": [f"skill{i}", "shared"]})
    member_client.get("/api/v1/people?limit=1")  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        response = member_client.get("/api/v1/people?limit=5")
        assert len(response.json()["items"]) == 5
    with CaptureQueriesContext(connection) as large:
        response = member_client.get("/api/v1/people?limit=50")
        assert len(response.json()["items"]) == 50
    assert len(large) == len(small)
    assert len(large) <= 5


def test_it_shows_a_profile(api, member, colleague):
    services.follow_create(follower=member, followee=colleague)
    services.profile_update(person=colleague, changes={"manager": member, "bio": "Hi"})
    response = api.call("GET", "/people/carol")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "carol"
    assert body["following"] is True
    assert body["manager"] == "bob"
    assert body["follower_count"] == 1
    assert body["earned_skills"] == []
    assert body["score"] == 0
    assert body["badges"] == []
    assert "charter_accepted" not in body
    assert "language" not in body
    assert "meet_opt_out" not in body


@pytest.mark.parametrize("username", ["nobody", "dave"])
def test_unknown_and_departed_people_are_not_found(api, departed, username):
    response = api.call("GET", f"/people/{username}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("username", ["x" * 300, "bob%00"])
def test_impossible_usernames_are_invalid(api, member, username):
    for method in ("GET", "POST", "DELETE"):
        path = f"/people/{username}" if method == "GET" else f"/people/{username}/follow"
        response = api.call(method, path)
        assert response.status_code == 422
        assert list(response.json()["fields"]) == ["username"]


def test_members_cannot_create_people(api):
    response = api.call(
        "POST", "/people", {"username": "erin", "email": "erin@example.org", "display_name": "Erin"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not User.objects.filter(username="erin").exists()


def test_administrators_create_people(admin_api, admin_user):
    response = admin_api.call(
        "POST",
        "/people",
        {
            "username": "erin",
            "email": "erin@example.org",
            "display_name": "Erin Newcomer",
            "department": "R&D",
            "password": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["username"] == "erin"
    assert response.json()["department"] == "R&D"
    erin = User.objects.get(username="erin")
    assert erin.check_password("a-long-enough-passphrase")
    assert AuditEvent.objects.filter(
        action="person.create", actor=admin_user, target="erin"
    ).exists()


def test_it_refuses_a_duplicate_username(admin_api, member):
    response = admin_api.call(
        "POST",
        "/people",
        {"username": "BOB", "email": "new@example.org", "display_name": "Another Bob"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["username"]


def test_it_validates_new_people(admin_api):
    response = admin_api.call(
        "POST",
        "/people",
        {"username": "bad name!", "email": "nope", "display_name": "X", "password": "123"},
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"username", "email", "password"}
    response = admin_api.call("POST", "/people", {"username": "erin"})
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"email", "display_name"}


def test_a_profile_carries_the_score_and_badges(api, colleague, member):
    from rucher.actions import likes, posts
    from rucher.communities.services import community_create
    from rucher.content.models import Tag
    from rucher.recognition.models import BadgeAward, PersonScore

    # A tag badge shows where the caller may read some evidence of it (an open post, liked).
    club = community_create(
        creator=colleague, name="Club", kind="interest", visibility="open", description=""
    )
    post = posts.post_publish(
        author=colleague, communities=[club], title="t", body="b", tags=["Python"]
    )
    likes.post_like(person=member, post=post)
    tag = Tag.objects.get(slug="python")
    PersonScore.objects.update_or_create(person=colleague, defaults={"total": 42})
    BadgeAward.objects.create(person=colleague, badge="first_post")
    BadgeAward.objects.create(person=colleague, badge="helpful", tag=tag)
    body = api.call("GET", "/people/carol").json()
    assert body["score"] == 42
    assert sorted(body["badges"]) == ["first_post", "helpful:python"]
