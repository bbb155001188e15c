"""Content through the API: access matrix, posts, comments, likes, attachments, budgets."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.actions import comments as comment_actions
from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions
from rucher.communities import services as community_services
from rucher.content.models import Post, PostCommunity
from tests.communities.personas import POSITIONS, VISIBILITIES, build_world
from tests.content.conftest import build_content, png_bytes
from tests.shared import shared_fixture

pytestmark = pytest.mark.django_db

INSIDERS = {"member", "ambassador", "manager", "owner", "administrator"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@shared_fixture
def world(admin_user):
    return build_world(admin_user)


@shared_fixture
def content(world):
    return build_content(world)


@pytest.fixture
def as_(world, client_for, anon_api):
    clients = {}

    def get(position):
        if position == "anonymous":
            return anon_api
        if position not in clients:
            clients[position] = client_for(world.people[position])
        return clients[position]

    return get


def readable(visibility, position):
    # A person a manager removed reads nothing of the community, even an open one (a ban).
    if position in ("anonymous", "removed"):
        return False
    return visibility == "open" or position in INSIDERS


def check(response, visibility, position, missing):
    if position == "anonymous":
        assert response.status_code == 401
        return False
    if not readable(visibility, position):
        assert response.status_code == 404
        assert response.json() == missing.json()
        return False
    assert response.status_code == 200, response.json()
    return True


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("position", POSITIONS)
def test_the_stream_follows_the_matrix(content, as_, visibility, position):
    slug = content.world.communities[visibility].slug
    client = as_(position)
    response = client.call("GET", f"/communities/{slug}/posts")
    if check(response, visibility, position, client.call("GET", "/communities/nope/posts")):
        items = response.json()["items"]
        assert [i["id"] for i in items] == [content.posts[visibility].pk]
        assert items[0]["communities"] == [{"slug": slug, "name": f"{visibility.title()} club"}]


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("position", POSITIONS)
def test_a_post_and_its_comments_follow_the_matrix(content, as_, visibility, position):
    post = content.posts[visibility]
    client = as_(position)
    response = client.call("GET", f"/posts/{post.pk}")
    if check(response, visibility, position, client.call("GET", "/posts/999999")):
        body = response.json()
        assert body["body_html"] == f"<p>Hello {visibility} world</p>\n"
        assert body["comment_count"] == 1
        assert body["attachments"][0]["content_type"] == "image/png"
    response = client.call("GET", f"/posts/{post.pk}/comments")
    if check(response, visibility, position, client.call("GET", "/posts/999999/comments")):
        assert response.json()["items"][0]["body"] == f"first comment in {visibility}"
    response = client.call("POST", f"/posts/{post.pk}/like")
    if position == "anonymous":
        assert response.status_code == 401
    elif not readable(visibility, position):
        assert response.status_code == 404
    elif position == "owner":
        assert response.status_code == 400 and response.json()["code"] == "own_content"
    else:
        assert response.json() == {"liked": True, "like_count": 1}


@pytest.mark.parametrize("visibility", ["private", "secret"])
def test_leaving_revokes_at_once(content, as_, visibility):
    member = content.world.people["member"]
    post = content.posts[visibility]
    assert as_("member").call("GET", f"/posts/{post.pk}").status_code == 200
    community_services.community_leave(
        person=member, community=content.world.communities[visibility]
    )
    assert as_("member").call("GET", f"/posts/{post.pk}").status_code == 404
    assert as_("member").call("GET", f"/posts/{post.pk}/comments").status_code == 404


def test_create_read_edit_delete_a_post(world, as_):
    api = as_("member")
    response = api.call(
        "POST",
        "/posts",
        {
            "communities": ["open-club", "private-club"],
            "kind": "idea",
            "title": "An idea",
            "body": "Let us try #Lean with @manager",
            "tags": ["Kaizen"],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "idea" and body["tags"] == ["kaizen", "lean"]
    assert body["author"] == {"username": "member", "display_name": "Member"}
    assert {c["slug"] for c in body["communities"]} == {"open-club", "private-club"}
    assert body["liked_by_me"] is False and body["edited_at"] is None
    post_id = body["id"]
    # A reader of only the open community sees only that one: one thread, one counter.
    outsider_view = as_("outsider").call("GET", f"/posts/{post_id}").json()
    assert outsider_view["communities"] == [{"slug": "open-club", "name": "Open club"}]
    as_("outsider").call("POST", f"/posts/{post_id}/like")
    as_("manager").call("POST", f"/posts/{post_id}/like")
    assert as_("member").call("GET", f"/posts/{post_id}").json()["like_count"] == 2
    response = api.call("PATCH", f"/posts/{post_id}", {"body": "Edited"})
    assert response.status_code == 200 and response.json()["edited_at"]
    assert as_("manager").call("PATCH", f"/posts/{post_id}", {"body": "x"}).status_code == 403
    assert api.call("PATCH", f"/posts/{post_id}", {"body": None}).status_code == 422
    assert as_("ambassador").call("DELETE", f"/posts/{post_id}").status_code == 403
    assert api.call("DELETE", f"/posts/{post_id}").status_code == 204
    assert api.call("GET", f"/posts/{post_id}").status_code == 404


def test_an_unknown_community_in_a_cross_post_creates_nothing(world, as_):
    response = as_("member").call(
        "POST", "/posts", {"communities": ["open-club", "nope"], "body": "Hello"}
    )
    assert response.status_code == 400
    assert "communities" in response.json()["fields"]
    assert Post.objects.count() == 0 and PostCommunity.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"communities": ["open-club"], "body": ""}, 400, "body"),
        ({"communities": ["open-club"], "body": "x" * 20001}, 422, "body"),
        ({"communities": ["open-club"], "body": "a\u0000b"}, 422, "body"),
        ({"communities": [], "body": "x"}, 422, "communities"),
        ({"communities": ["open-club"], "body": "x", "kind": "poem"}, 422, "kind"),
        ({"communities": ["open-club"], "body": "x", "title": "t" * 201}, 422, "title"),
        ({"communities": ["open-club"], "body": "x", "surprise": 1}, 422, "surprise"),
        ({"communities": ["open-club"], "body": "x", "must_read": True}, 400, "must_read"),
    ],
)
def test_bad_posts_are_rejected_naming_the_field(world, as_, payload, status, field):
    response = as_("member").call("POST", "/posts", payload)
    assert response.status_code == status, response.json()
    assert field in response.json()["fields"]
    assert Post.objects.count() == 0


def test_comments_replies_and_likes(content, as_):
    post = content.posts["open"]
    top = content.comments["open"]
    api = as_("member")
    response = api.call("POST", f"/posts/{post.pk}/comments", {"body": "Agreed", "parent": top.pk})
    assert response.status_code == 201
    reply_id = response.json()["id"]
    response = api.call("POST", f"/posts/{post.pk}/comments", {"body": "x", "parent": reply_id})
    assert response.status_code == 400
    assert response.json()["fields"]["parent"] == ["You can only reply to a top-level comment."]
    other = content.posts["private"]
    response = api.call("POST", f"/posts/{other.pk}/comments", {"body": "x", "parent": top.pk})
    assert response.status_code == 400 and "parent" in response.json()["fields"]
    items = api.call("GET", f"/posts/{post.pk}/comments").json()["items"]
    assert [r["id"] for r in items[0]["replies"]] == [reply_id]
    assert api.call("POST", f"/comments/{top.pk}/like").json() == {"liked": True, "like_count": 1}
    assert api.call("POST", f"/comments/{top.pk}/like").json() == {"liked": True, "like_count": 1}
    own = api.call("POST", f"/comments/{reply_id}/like")
    assert own.status_code == 400 and own.json()["code"] == "own_content"
    assert "own contribution" in own.json()["detail"]
    assert api.call("DELETE", f"/comments/{top.pk}/like").json()["like_count"] == 0
    assert api.call("PATCH", f"/comments/{reply_id}", {"body": "Edited"}).status_code == 200
    assert as_("ambassador").call("DELETE", f"/comments/{reply_id}").status_code == 403
    assert api.call("GET", f"/posts/{post.pk}").json()["comment_count"] == 2
    assert as_("owner").call("DELETE", f"/comments/{top.pk}").status_code == 204
    assert api.call("GET", f"/posts/{post.pk}").json()["comment_count"] == 0


def test_liking_twice_is_idempotent_and_own_post_is_refused(content, as_):
    post = content.posts["open"]
    assert as_("member").call("POST", f"/posts/{post.pk}/like").json()["like_count"] == 1
    assert as_("member").call("POST", f"/posts/{post.pk}/like").json()["like_count"] == 1
    assert as_("member").call("GET", f"/posts/{post.pk}").json()["liked_by_me"] is True
    response = as_("owner").call("POST", f"/posts/{post.pk}/like")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "You cannot like your own contribution.",
        "code": "own_content",
    }
    assert as_("member").call("DELETE", f"/posts/{post.pk}/like").json() == {
        "liked": False,
        "like_count": 0,
    }


def test_a_tampered_cursor_is_400(content, as_):
    api = as_("member")
    for path in ("/communities/open-club/posts", f"/posts/{content.posts['open'].pk}/comments"):
        response = api.call("GET", f"{path}?cursor=bogus")
        assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"


def _upload(api, name, data):
    return api.post(
        "/api/v1/attachments", {"file": SimpleUploadedFile(name, data)}, format="multipart"
    )


def test_attachments_upload_and_attach(world, as_, settings):
    api = as_("member")
    response = _upload(api, "photo.png", png_bytes())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["content_type"] == "image/png" and body["name"] == "photo.png"
    assert body["url"] == f"/attachments/{body['id']}/photo.png"
    response = api.call(
        "POST", "/posts", {"communities": ["open-club"], "body": "pic", "attachments": [body["id"]]}
    )
    assert response.json()["attachments"][0]["id"] == body["id"]
    settings.RUCHER_ATTACHMENT_MAX_BYTES = 10
    response = _upload(api, "big.png", png_bytes())
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", png_bytes()),  # a PNG named .pdf
        ("image.png", b"just some text"),  # text named .png
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        ("page.html", b"<!doctype html><script>alert(1)</script>"),
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
    ],
)
def test_lying_or_dangerous_files_are_rejected(world, as_, name, data):
    response = _upload(as_("member"), name, data)
    assert response.status_code == 400
    assert "file" in response.json()["fields"]


def _budget(api, path):
    with CaptureQueriesContext(connection) as ctx:
        response = api.call("GET", path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()


def test_query_budgets_do_not_grow_with_the_page(world, as_):
    people = world.people
    community = world.communities["open"]
    post = post_actions.post_publish(author=people["owner"], communities=[community], body="Main")
    # Pages of 3 and 6, all full: a query per item would show (the limits used to be 20 and 50
    # over 60 posts, which proved the same at ten times the cost).
    for i in range(7):
        p = post_actions.post_publish(
            author=people["owner"],
            communities=[community, world.communities["private"]],
            body=f"Post {i} #tag{i % 3}",
        )
        like_actions.post_like(person=people["member"], post=p)
        top = comment_actions.comment_publish(author=people["manager"], post=post, body=f"c{i}")
        comment_actions.comment_publish(
            author=people["ambassador"], post=post, body="r", parent=top
        )
    api = as_("member")
    api.call("GET", "/communities/open-club/posts?limit=1")  # token bookkeeping out of the way
    small, body = _budget(api, "/communities/open-club/posts?limit=3")
    large, body_large = _budget(api, "/communities/open-club/posts?limit=6")
    assert len(body["items"]) == 3 and len(body_large["items"]) == 6
    assert small == large
    next_page, body_next = _budget(
        api, f"/communities/open-club/posts?cursor={body['next']}&limit=3"
    )
    assert len(body_next["items"]) == 3 and next_page == small
    small, body = _budget(api, f"/posts/{post.pk}/comments?limit=3")
    large, body_large = _budget(api, f"/posts/{post.pk}/comments?limit=6")
    assert len(body_large["items"]) == 6 and small == large


def test_the_created_post_is_answered_as_it_reads_back_without_reading_it(world, as_):
    # The answer of a creation is built from what was written (no read-back): it must be the
    # answer a reading of the post gives, whatever it carries.
    api = as_("member")
    uploads = [_upload(api, f"{name}.png", png_bytes()).json()["id"] for name in ("b", "a")]
    for communities in (["open-club"], ["private-club", "open-club"]):
        with CaptureQueriesContext(connection) as ctx:
            created = api.call(
                "POST",
                "/posts",
                {
                    "communities": communities,
                    "title": "Plan",
                    "body": "Voir le #Plan et la #qualité, @owner",
                    "tags": ["Zeta", "alpha", "plan"],
                    "attachments": uploads if len(communities) == 1 else [],
                },
            )
        assert created.status_code == 201, created.json()
        body = created.json()
        assert body == as_("member").call("GET", f"/posts/{body['id']}").json()
        assert body["tags"] == sorted(body["tags"]) and len(body["tags"]) == 4
        assert len(body["communities"]) == len(communities)
        if len(communities) == 1:
            assert [a["id"] for a in body["attachments"]] == sorted(uploads)
        # Not read back: no SELECT of the post, its tags or its attachments.
        selects = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
        assert not [sql for sql in selects if 'FROM "content_post" ' in sql]
        assert not [sql for sql in selects if '"content_attachment"."post_id" IN' in sql]
        assert not [sql for sql in selects if '"content_post_tags"."post_id" IN' in sql]


def test_attachment_urls_serve_api_clients_by_token(world, as_, anon_api):
    data = png_bytes()
    upload = _upload(as_("member"), "plan.png", data).json()
    as_("member").call(
        "POST",
        "/posts",
        {"communities": ["private-club"], "body": "plan", "attachments": [upload["id"]]},
    )
    url = upload["url"]
    # The Bearer token of a reader: the file, with the safe headers of the web.
    response = as_("manager").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    # Outsiders and people who left read nothing, exactly like a missing file.
    for position in ("outsider", "leaver", "requester"):
        assert as_(position).get(url).status_code == 404
    assert as_("member").get("/attachments/999999/plan.png").status_code == 404
    # A bad token is refused in the API's shape; it never falls back to a login page.
    response = anon_api.get(url, HTTP_AUTHORIZATION="Bearer rch_not-a-token")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    # A browser without a session still goes to the login page.
    assert anon_api.get(url).status_code == 302
