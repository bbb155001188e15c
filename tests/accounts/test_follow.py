"""Following and unfollowing people, with exact counters."""

from rucher.accounts.models import Follow, User


def _counts(person):
    person.refresh_from_db()
    return person.follower_count, person.following_count


def test_it_follows_a_colleague(member_client, member, colleague):
    response = member_client.post("/people/carol/follow")
    assert response.status_code == 302
    assert response["Location"] == "/people/carol/"
    assert Follow.objects.filter(follower=member, followee=colleague).exists()
    assert _counts(member) == (0, 1)
    assert _counts(colleague) == (1, 0)


def test_it_follows_twice_harmlessly(member_client, member, colleague):
    member_client.post("/people/carol/follow")
    member_client.post("/people/carol/follow", {"action": "follow"})
    assert Follow.objects.count() == 1
    assert _counts(member) == (0, 1)
    assert _counts(colleague) == (1, 0)


def test_it_unfollows(member_client, member, colleague):
    member_client.post("/people/carol/follow")
    response = member_client.post("/people/carol/follow", {"action": "unfollow"})
    assert response.status_code == 302
    assert not Follow.objects.exists()
    assert _counts(member) == (0, 0)
    assert _counts(colleague) == (0, 0)


def test_it_unfollows_twice_harmlessly(member_client, member, colleague):
    member_client.post("/people/carol/follow")
    member_client.post("/people/carol/follow", {"action": "unfollow"})
    member_client.post("/people/carol/follow", {"action": "unfollow"})
    assert _counts(member) == (0, 0)
    assert _counts(colleague) == (0, 0)


def test_it_counts_several_followers(client_for, member, colleague, admin_user):
    client_for(member).post("/people/carol/follow")
    client_for(admin_user).post("/people/carol/follow")
    client_for(colleague).post("/people/bob/follow")
    assert _counts(colleague) == (2, 1)
    assert _counts(member) == (1, 1)
    assert _counts(admin_user) == (0, 1)


def test_it_refuses_to_follow_oneself(client_for, member):
    response = client_for(member).post("/people/bob/follow")
    assert response.status_code == 400
    assert "You cannot follow yourself." in response.content.decode()
    assert not Follow.objects.exists()
    assert _counts(member) == (0, 0)


def test_it_returns_the_button_to_htmx(member_client, colleague):
    response = member_client.post("/people/carol/follow", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.startswith("<form")
    assert 'name="action" value="unfollow"' in body
    response = member_client.post(
        "/people/carol/follow", {"action": "unfollow"}, HTTP_HX_REQUEST="true"
    )
    assert 'name="action" value="follow"' in response.content.decode()


def test_it_shows_the_follow_state_on_the_profile(member_client, colleague):
    member_client.post("/people/carol/follow")
    response = member_client.get("/people/carol/")
    assert response.context["following"] is True
    assert 'name="action" value="unfollow"' in response.content.decode()


def test_it_does_not_allow_get(member_client, colleague):
    assert member_client.get("/people/carol/follow").status_code == 405
    assert not Follow.objects.exists()


def test_it_gives_404_for_unknown_and_departed_people(member_client, departed):
    assert member_client.post("/people/nobody/follow").status_code == 404
    assert member_client.post("/people/dave/follow").status_code == 404
    assert not Follow.objects.exists()
    assert User.objects.get(username="dave").follower_count == 0


def test_it_requires_sign_in(client_for, colleague):
    response = client_for().post("/people/carol/follow")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Follow.objects.exists()
