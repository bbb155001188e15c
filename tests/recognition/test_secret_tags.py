"""Tags and reputation earned in a secret community stay inside it (issue 13, item 5): earned
skills and tag badges on profiles (web and API), the expertise finder (web and API), the tag
page and the points ledger (web and API), outsider against member."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rucher.accounts import services as accounts
from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions
from rucher.content.models import Tag
from rucher.core.testing import page_without_tokens
from rucher.recognition.models import BadgeAward
from rucher.recognition.selectors import earned_skills

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_post(world):
    """The member's post in the secret club, tagged only there ("phenix"), liked twice."""
    post = post_actions.post_publish(
        author=world.people["member"],
        communities=[world.communities["secret"]],
        title="Secret",
        body="b",
        tags=["phenix", "python"],
    )
    for liker in ("manager", "owner"):
        like_actions.post_like(person=world.people[liker], post=post)
    BadgeAward.objects.create(
        person=world.people["member"], badge="helpful", tag=Tag.objects.get(slug="phenix")
    )
    return post


def _api(person):
    _token, raw = accounts.token_create(person=person, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def _earned_section(client):
    body = client.get("/people/member/").content.decode()
    return body[body.index("Earned skills") : body.index("Declared expertise")]


def test_the_web_profile_shows_secret_skills_to_members_only(world, client_for, secret_post):
    assert "phenix" not in _earned_section(client_for(world.people["outsider"]))
    assert "phenix" in _earned_section(client_for(world.people["manager"]))


def test_the_web_profile_hides_a_secret_tag_badge_from_outsiders(world, client_for, secret_post):
    outsider = client_for(world.people["outsider"]).get("/people/member/").content.decode()
    assert "phenix" not in outsider
    manager = client_for(world.people["manager"]).get("/people/member/").content.decode()
    assert "Helpful in phenix" in manager


def test_the_api_profile_shows_secret_skills_to_members_only(world, secret_post):
    outsider = _api(world.people["outsider"]).get("/api/v1/people/member").json()
    assert outsider["earned_skills"] == []
    assert outsider["badges"] == []
    member = _api(world.people["manager"]).get("/api/v1/people/member").json()
    assert {s["tag"] for s in member["earned_skills"]} == {"phenix", "python"}
    assert member["badges"] == ["helpful:phenix"]
    badges = _api(world.people["outsider"]).get("/api/v1/people/member/badges").json()
    assert badges["items"] == []


def test_a_person_sees_all_of_their_own_skills(world, secret_post):
    member = world.people["member"]
    assert {s.slug for s in earned_skills(member, member)} == {"phenix", "python"}


def test_earned_reputation_counts_only_readable_evidence(world, secret_post):
    # One like on an open post tagged python: the outsider sees 1, the manager 1 + 2.
    post = post_actions.post_publish(
        author=world.people["member"],
        communities=[world.communities["open"]],
        title="Open",
        body="b",
        tags=["python"],
    )
    like_actions.post_like(person=world.people["ambassador"], post=post)
    seen = {
        s.slug: s.reputation for s in earned_skills(world.people["outsider"], secret_post.author)
    }
    assert seen == {"python": 1}
    seen = {
        s.slug: s.reputation for s in earned_skills(world.people["manager"], secret_post.author)
    }
    assert seen == {"python": 3, "phenix": 2}
    api = _api(world.people["outsider"]).get("/api/v1/experts?tag=python").json()
    assert [(i["username"], i["reputation"]) for i in api["items"]] == [("member", 1)]


def _strip(text, tag):
    """The page with the asked-for tag and the per-response tokens (CSRF, CSP nonce) taken out."""
    text = text.replace(tag, "TAG")
    text = re.sub(r'nonce="[^"]*"', "", text)
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", text)


def test_the_web_expert_finder_answers_a_secret_tag_like_an_unknown_one(
    world, client_for, secret_post
):
    outsider = client_for(world.people["outsider"])
    secret = outsider.get("/experts/?tag=phenix")
    unknown = outsider.get("/experts/?tag=zzunknown")
    assert secret.status_code == unknown.status_code == 200
    assert _strip(secret.content.decode(), "phenix") == _strip(
        unknown.content.decode(), "zzunknown"
    )
    member = client_for(world.people["manager"]).get("/experts/?tag=phenix").content.decode()
    assert "Member" in member


def test_the_api_expert_finder_answers_a_secret_tag_like_an_unknown_one(world, secret_post):
    outsider = _api(world.people["outsider"])
    secret = outsider.get("/api/v1/experts?tag=phenix")
    unknown = outsider.get("/api/v1/experts?tag=zzunknown")
    assert secret.status_code == unknown.status_code == 200
    assert secret.json() == unknown.json() == {"items": [], "next": None}
    member = _api(world.people["manager"]).get("/api/v1/experts?tag=phenix").json()
    assert [(i["username"], i["reputation"]) for i in member["items"]] == [("member", 2)]


def test_the_tag_page_of_a_secret_only_tag_is_a_404_like_an_unknown_tag(
    world, client_for, secret_post
):
    outsider = client_for(world.people["outsider"])
    secret = outsider.get("/tags/phenix/")
    unknown = outsider.get("/tags/zzunknown/")
    assert secret.status_code == unknown.status_code == 404
    assert page_without_tokens(secret.content) == page_without_tokens(unknown.content)
    assert client_for(world.people["member"]).get("/tags/phenix/").status_code == 200
    assert client_for(world.people["administrator"]).get("/tags/phenix/").status_code == 200


def test_the_web_points_ledger_hides_secret_activity_from_outsiders(world, client_for, secret_post):
    # The member's secret post earned "post" and two "like received" entries there.
    outsider = client_for(world.people["outsider"]).get("/people/member/points/")
    assert outsider.status_code == 200
    assert "<time" not in outsider.content.decode()
    assert "Like received" not in outsider.content.decode()
    manager = client_for(world.people["manager"]).get("/people/member/points/").content.decode()
    assert "Like received" in manager and "<time" in manager
    me = client_for(world.people["member"]).get("/people/member/points/").content.decode()
    assert "Like received" in me


def test_the_api_points_ledger_hides_secret_activity_from_outsiders(world, secret_post):
    outsider = _api(world.people["outsider"]).get("/api/v1/people/member/points").json()
    assert outsider["items"] == []
    member = _api(world.people["manager"]).get("/api/v1/people/member/points").json()
    assert {i["reason"] for i in member["items"]} >= {"post", "like_received"}
    assert outsider["total"] == member["total"]


def test_the_profile_query_count_does_not_grow_with_evidence(world, client_for, secret_post):
    outsider = client_for(world.people["outsider"])
    outsider.get("/people/member/")
    with CaptureQueriesContext(connection) as few:
        outsider.get("/people/member/")
    for i in range(5):
        post = post_actions.post_publish(
            author=world.people["member"],
            communities=[world.communities["open"]],
            title=f"More {i}",
            body="b",
            tags=[f"tag{i}", "python"],
        )
        like_actions.post_like(person=world.people["owner"], post=post)
    with CaptureQueriesContext(connection) as many:
        body = outsider.get("/people/member/").content.decode()
    assert "tag4" in body
    assert len(many) == len(few)
