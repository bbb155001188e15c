"""POST and DELETE /people/{username}/follow."""

import pytest

from rucher.accounts.models import Follow

pytestmark = pytest.mark.django_db


def test_it_follows_and_unfollows(api, member, colleague):
    response = api.call("POST", "/people/carol/follow")
    assert response.status_code == 201
    assert response.json() == {"following": True, "follower_count": 1}
    response = api.call("POST", "/people/carol/follow")
    assert response.status_code == 200
    assert response.json() == {"following": True, "follower_count": 1}
    member.refresh_from_db()
    assert member.following_count == 1
    assert api.call("GET", "/me").json()["following_count"] == 1

    response = api.call("DELETE", "/people/carol/follow")
    assert response.status_code == 200
    assert response.json() == {"following": False, "follower_count": 0}
    response = api.call("DELETE", "/people/carol/follow")
    assert response.json() == {"following": False, "follower_count": 0}
    member.refresh_from_db()
    colleague.refresh_from_db()
    assert (member.following_count, colleague.follower_count) == (0, 0)


def test_it_refuses_following_oneself(api, member):
    response = api.call("POST", "/people/bob/follow")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == "You cannot follow yourself."
    assert not Follow.objects.exists()


def test_departed_people_cannot_be_followed(api, departed):
    response = api.call("POST", "/people/dave/follow")
    assert response.status_code == 404
    assert not Follow.objects.exists()
