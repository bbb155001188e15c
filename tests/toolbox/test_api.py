"""The toolbox API exactly as API.md "Community toolbox" says: blog, forum, ideas."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from rucher.actions import comments as comment_actions
from rucher.toolbox.models import ArticleCover, Idea
from tests.api.conftest import ApiClient
from tests.toolbox.conftest import png_bytes, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_for(world):
    from rucher.accounts import services

    def make(position: str) -> ApiClient:
        _token, raw = services.token_create(person=world.people[position], name="tests")
        return ApiClient(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


def test_it_creates_and_lists_ideas_votes_and_statuses(world, open_club, api_for):
    member = api_for("member")
    created = member.call(
        "POST",
        "/posts",
        {"communities": [open_club.slug], "kind": "idea", "title": "Idea", "body": "Do it"},
    )
    assert created.status_code == 201
    post_id = created.json()["id"]
    voter = api_for("ambassador")
    response = voter.call("POST", f"/posts/{post_id}/vote", {"value": 1})
    assert response.status_code == 200
    assert response.json() == {"vote_count": 1, "voted": True}
    assert voter.call("POST", f"/posts/{post_id}/vote", {"value": 1}).json()["vote_count"] == 1
    own = member.call("POST", f"/posts/{post_id}/vote", {"value": 1})
    assert (own.status_code, own.json()["code"]) == (400, "own_idea")
    listing = member.call("GET", f"/communities/{open_club.slug}/ideas?sort=votes")
    assert listing.status_code == 200
    item = listing.json()["items"][0]
    assert (item["id"], item["vote_count"], item["status"], item["voted"]) == (
        post_id,
        1,
        "new",
        False,
    )
    assert listing.json()["next"] is None
    answered = api_for("manager").call(
        "POST", f"/posts/{post_id}/idea-status", {"status": "accepted", "answer": "Yes"}
    )
    assert answered.status_code == 200
    assert (answered.json()["status"], answered.json()["answer"]) == ("accepted", "Yes")
    only_accepted = member.call("GET", f"/communities/{open_club.slug}/ideas?status=accepted")
    assert [i["id"] for i in only_accepted.json()["items"]] == [post_id]
    unvoted = voter.call("DELETE", f"/posts/{post_id}/vote")
    assert unvoted.json() == {"vote_count": 0, "voted": False}


def test_it_answers_the_issue_error_codes(world, open_club, api_for):
    plain = publish(world.people["member"], open_club, "post")
    response = api_for("manager").call("POST", f"/posts/{plain.pk}/vote", {"value": 1})
    assert (response.status_code, response.json()["code"]) == (400, "not_an_idea")
    idea = publish(world.people["member"], open_club, "idea")
    forbidden = api_for("ambassador").call(
        "POST", f"/posts/{idea.pk}/idea-status", {"status": "done", "answer": "x"}
    )
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "forbidden")
    hidden = api_for("removed").call(
        "POST", f"/posts/{idea.pk}/idea-status", {"status": "done", "answer": "x"}
    )
    assert hidden.status_code == 404
    unknown = api_for("manager").call(
        "POST", f"/posts/{idea.pk}/idea-status", {"status": "maybe", "answer": "x"}
    )
    assert unknown.status_code == 400
    assert "under_study" in unknown.json()["fields"]["status"][0]
    assert Idea.objects.get(post=idea).status == "new"
    bad_cursor = api_for("member").call("GET", f"/communities/{open_club.slug}/ideas?cursor=xyz")
    assert (bad_cursor.status_code, bad_cursor.json()["code"]) == (400, "invalid_cursor")


def test_it_lists_the_forum_by_last_reply_and_refuses_replies_to_closed_topics(
    world, open_club, api_for
):
    member = world.people["member"]
    old = publish(member, open_club, "discussion", "Old")
    publish(member, open_club, "discussion", "New")
    comment_actions.comment_publish(author=world.people["manager"], post=old, body="Bump")
    forum = api_for("member").call("GET", f"/communities/{open_club.slug}/forum?limit=1")
    assert forum.status_code == 200
    body = forum.json()
    top = body["items"][0]
    assert top["title"] == "Old"
    assert top["reply_count"] == 1
    assert top["last_replier"]["username"] == "manager"
    assert top["closed"] is False and top["unread"] is True
    assert body["next"]
    second = api_for("member").call(
        "GET", f"/communities/{open_club.slug}/forum?limit=1&cursor={body['next']}"
    )
    assert second.json()["items"][0]["title"] == "New"
    assert api_for("member").call("POST", f"/posts/{old.pk}/close").status_code == 403
    assert api_for("manager").call("POST", f"/posts/{old.pk}/close").json()["closed"] is True
    refused = api_for("member").call("POST", f"/posts/{old.pk}/comments", {"body": "Hello?"})
    assert (refused.status_code, refused.json()["code"]) == (409, "topic_closed")
    assert old.comments.count() == 1
    assert api_for("manager").call("DELETE", f"/posts/{old.pk}/close").json()["closed"] is False
    assert (
        api_for("member").call("POST", f"/posts/{old.pk}/comments", {"body": "Hi"}).status_code
        == 201
    )


def test_it_lists_blogs_and_sets_covers(world, open_club, api_for):
    member = api_for("member")
    created = member.call(
        "POST",
        "/posts",
        {
            "communities": [open_club.slug],
            "kind": "article",
            "title": "Hello",
            "body": "# Big\n\ntext",
        },
    )
    post_id = created.json()["id"]
    cover = member.post(
        f"/api/v1/posts/{post_id}/cover",
        {"file": SimpleUploadedFile("c.png", png_bytes(), content_type="image/png")},
    )
    assert cover.status_code == 200
    assert cover.json()["url"] == f"/posts/{post_id}/cover.jpg"
    with override_settings(RUCHER_IMAGE_MAX_PIXELS=100):
        bomb = member.post(
            f"/api/v1/posts/{post_id}/cover",
            {"file": SimpleUploadedFile("c.png", png_bytes(), content_type="image/png")},
        )
    assert (bomb.status_code, bomb.json()["code"]) == (413, "too_large")
    junk = member.post(
        f"/api/v1/posts/{post_id}/cover",
        {"file": SimpleUploadedFile("c.png", b"nope", content_type="image/png")},
    )
    assert junk.status_code == 400
    assert ArticleCover.objects.filter(post_id=post_id).count() == 1
    blog = member.call("GET", f"/communities/{open_club.slug}/blog")
    item = blog.json()["items"][0]
    assert (item["id"], item["reading_minutes"], item["cover_url"]) == (
        post_id,
        1,
        f"/posts/{post_id}/cover.jpg",
    )
    assert item["published_at"]
    person = api_for("outsider").call("GET", "/people/member/blog")
    assert [i["id"] for i in person.json()["items"]] == [post_id]
    other = api_for("manager").call("POST", f"/api/v1/posts/{post_id}/cover")
    assert other.status_code in (403, 404, 422)


def test_private_tools_are_404_to_outsiders_and_to_a_member_who_left(world, api_for):
    private = world.communities["private"]
    publish(world.people["member"], private, "article", "Inside")
    for path in ("blog", "forum", "ideas"):
        url = f"/communities/{private.slug}/{path}"
        assert api_for("outsider").call("GET", url).status_code == 404
        assert api_for("leaver").call("GET", url).status_code == 404
        assert api_for("member").call("GET", url).status_code == 200
    person = api_for("outsider").call("GET", "/people/member/blog")
    assert person.json()["items"] == []


def test_a_tab_that_is_off_is_404_on_the_api(world, open_club, api_for):
    open_club.tabs_off = "forum"
    open_club.save(update_fields=["tabs_off"])
    assert api_for("member").call("GET", f"/communities/{open_club.slug}/forum").status_code == 404
    refused = api_for("member").call(
        "POST", "/posts", {"communities": [open_club.slug], "kind": "discussion", "body": "x"}
    )
    assert refused.status_code == 400
    assert "kind" in refused.json()["fields"]


def test_the_lists_have_a_query_budget(world, open_club, api_for, django_assert_max_num_queries):
    member = world.people["member"]
    for n in range(8):
        publish(member, open_club, "idea", f"Idea {n}")
        publish(member, open_club, "discussion", f"Topic {n}")
        publish(member, open_club, "article", f"Article {n}")
    client = api_for("manager")
    counts = {}
    for path in ("ideas", "forum", "blog"):
        with django_assert_max_num_queries(12) as q:
            assert (
                client.call("GET", f"/communities/{open_club.slug}/{path}?limit=3").status_code
                == 200
            )
        counts[path] = len(q.captured_queries)
    for path in ("ideas", "forum", "blog"):
        with django_assert_max_num_queries(counts[path]):
            client.call("GET", f"/communities/{open_club.slug}/{path}?limit=20")
