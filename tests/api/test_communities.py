"""Communities through the API: access matrix, browse, create, edit, join, members, requests."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.communities import services
from rucher.communities.models import Community, Membership
from rucher.core.factories import PersonFactory
from tests.communities.personas import POSITIONS, VISIBILITIES, build_world
from tests.shared import shared_fixture

pytestmark = pytest.mark.django_db

INSIDERS = {"member", "ambassador", "manager", "owner", "administrator"}


def reads_content(visibility, position):
    """Open communities for all, except the people a manager removed (a ban); members read
    their own."""
    return position in INSIDERS or (visibility == "open" and position != "removed")


@shared_fixture
def world(admin_user):
    return build_world(admin_user)


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


def slugs(response):
    assert response.status_code == 200, response.json()
    return [item["slug"] for item in response.json()["items"]]


def create(api, **data):
    payload = {"name": "Lean", "kind": "practice", "visibility": "open", **data}
    return api.call("POST", "/communities", payload)


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("position", POSITIONS)
def test_the_detail_follows_the_matrix(world, as_, visibility, position):
    community = world.communities[visibility]
    response = as_(position).call("GET", f"/communities/{community.slug}")
    if position == "anonymous":
        assert response.status_code == 401
    elif visibility == "secret" and position not in INSIDERS:
        assert response.status_code == 404
        assert response.json() == as_(position).call("GET", "/communities/nope").json()
    else:
        assert response.status_code == 200
        body = response.json()
        assert body["slug"] == community.slug
        assert body["member_count"] == 4  # owner, manager, ambassador, member
        assert body["can_read"] is reads_content(visibility, position)
        assert body["can_manage"] is (position in {"owner", "manager", "administrator"})


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("position", POSITIONS)
def test_the_members_list_follows_the_matrix(world, as_, visibility, position):
    community = world.communities[visibility]
    response = as_(position).call("GET", f"/communities/{community.slug}/members")
    if position == "anonymous":
        assert response.status_code == 401
    elif reads_content(visibility, position):
        assert response.status_code == 200
        items = {i["username"]: i["role"] for i in response.json()["items"]}
        assert items == {
            "owner": "owner",
            "manager": "manager",
            "ambassador": "ambassador",
            "member": "member",
        }
    else:
        # Private or secret content is 404 to outsiders, identical to a missing object.
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("position", POSITIONS)
def test_the_list_never_shows_hidden_secret_communities(world, as_, position):
    response = as_(position).call("GET", "/communities?limit=100")
    if position == "anonymous":
        assert response.status_code == 401
        return
    listed = slugs(response)
    assert world.communities["open"].slug in listed
    assert world.communities["private"].slug in listed
    assert (world.communities["secret"].slug in listed) is (position in INSIDERS)


def test_mine_and_kind_filters(world, as_):
    response = as_("member").call("GET", "/communities?mine=true")
    assert sorted(slugs(response)) == sorted(c.slug for c in world.communities.values())
    assert slugs(as_("requester").call("GET", "/communities?mine=true")) == []
    assert slugs(as_("member").call("GET", "/communities?kind=process")) == ["bienvenue"]
    item = as_("requester").call("GET", "/communities?kind=interest").json()["items"][0]
    assert item["my_status"] == "requested"
    response = as_("member").call("GET", "/communities?kind=gossip")
    assert response.status_code == 422
    assert "kind" in response.json()["fields"]


def test_a_cursor_walk_returns_every_visible_community_once(api, member, colleague):
    for i in range(12):
        services.community_create(
            creator=colleague,
            name=f"C{i:02d}",
            kind="interest",
            visibility=("open", "private", "secret")[i % 3],
        )
    seen, cursor = [], ""
    while True:
        response = api.call("GET", f"/communities?limit=3{cursor}")
        seen += slugs(response)
        if response.json()["next"] is None:
            break
        cursor = f"&cursor={response.json()['next']}"
    assert len(seen) == len(set(seen)) == 8 + 2  # 4 secret ones hidden, 2 default ones
    assert api.call("GET", "/communities?cursor=garbage").status_code == 400


def test_create_makes_the_caller_owner(api, member):
    response = create(
        api,
        name="Qualité totale",
        description="*hi*",
        objectives="Zero defects",
        answer_promise_hours=24,
        visibility="private",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "qualite-totale"
    assert body["my_role"] == "owner" and body["my_status"] == "member"
    assert body["member_count"] == 1
    assert body["answer_promise_hours"] == 24
    assert body["description_html"] == "<p><em>hi</em></p>\n"
    assert api.call("GET", "/communities/qualite-totale/members").json()["items"] == [
        {"username": "bob", "display_name": "Bob Member", "role": "owner", "status": "member"}
    ]


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"answer_promise_hours": 0}, 400, "answer_promise_hours"),
        ({"answer_promise_hours": -1}, 400, "answer_promise_hours"),
        ({"answer_promise_hours": "24"}, 422, "answer_promise_hours"),
        ({"answer_promise_hours": 1.5}, 422, "answer_promise_hours"),
        ({"name": "x" * 101}, 422, "name"),
        ({"name": "nul\x00"}, 422, "name"),
        ({"name": "  "}, 400, "name"),
        ({"slug": "bienvenue"}, 400, "slug"),
        ({"slug": "Not a slug"}, 400, "slug"),
        ({"kind": "gossip"}, 422, "kind"),
        ({"visibility": "public"}, 422, "visibility"),
        ({"colour": "red"}, 422, "colour"),
    ],
)
def test_create_rejects_bad_input(api, member, data, status, field):
    response = create(api, **data)
    assert response.status_code == status, response.json()
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert not Community.objects.filter(created_by=member).exists()


def test_a_duplicate_slug_is_a_400_naming_the_field(api, member):
    assert create(api, slug="lean").status_code == 201
    response = create(api, name="Other", slug="lean")
    assert response.status_code == 400
    assert response.json()["fields"]["slug"] == [
        "This address is already used by another community."
    ]


def test_missing_fields_are_named(api, member):
    response = api.call("POST", "/communities", {})
    assert response.status_code == 422
    assert {"name", "kind", "visibility"} <= set(response.json()["fields"])


def test_managers_edit_and_others_cannot(world, as_):
    slug = world.communities["private"].slug
    response = as_("manager").call(
        "PATCH", f"/communities/{slug}", {"rules": "Be kind", "answer_promise_hours": 12}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["rules"] == "Be kind"
    assert response.json()["answer_promise_hours"] == 12
    cleared = as_("owner").call("PATCH", f"/communities/{slug}", {"answer_promise_hours": None})
    assert cleared.json()["answer_promise_hours"] is None
    assert as_("owner").call("PATCH", f"/communities/{slug}", {"name": None}).status_code == 422
    bad = as_("owner").call("PATCH", f"/communities/{slug}", {"answer_promise_hours": 0})
    assert bad.status_code == 400 and "answer_promise_hours" in bad.json()["fields"]
    for position, status in (("member", 403), ("ambassador", 403), ("outsider", 403)):
        response = as_(position).call("PATCH", f"/communities/{slug}", {"rules": "x"})
        assert response.status_code == status
    secret = world.communities["secret"].slug
    assert (
        as_("outsider").call("PATCH", f"/communities/{secret}", {"rules": "x"}).status_code == 404
    )


def test_join_open_private_and_secret(world, as_):
    open_, private, secret = (world.communities[v].slug for v in VISIBILITIES)
    client = as_("outsider")
    response = client.call("POST", f"/communities/{open_}/join")
    assert response.status_code == 201
    assert response.json() == {"status": "member", "role": "member", "member_count": 5}
    again = client.call("POST", f"/communities/{open_}/join")
    assert again.status_code == 200 and again.json()["member_count"] == 5
    response = client.call("POST", f"/communities/{private}/join")
    assert response.status_code == 201
    assert response.json() == {"status": "requested", "role": "member", "member_count": 4}
    response = client.call("POST", f"/communities/{secret}/join")
    assert response.status_code == 404
    assert response.json() == client.call("POST", "/communities/nope/join").json()


def test_leave_and_the_last_owner(world, as_):
    open_ = world.communities["open"].slug
    response = as_("member").call("POST", f"/communities/{open_}/leave")
    assert response.status_code == 200
    assert response.json() == {"status": None, "role": None, "member_count": 3}
    response = as_("owner").call("POST", f"/communities/{open_}/leave")
    assert response.status_code == 409
    assert response.json()["code"] == "last_owner"
    assert "last owner" in response.json()["detail"]


def test_a_member_who_leaves_a_secret_community_loses_it_at_once(world, as_):
    secret = world.communities["secret"].slug
    client = as_("member")
    assert client.call("GET", f"/communities/{secret}").status_code == 200
    assert client.call("POST", f"/communities/{secret}/leave").status_code == 200
    assert client.call("GET", f"/communities/{secret}").status_code == 404
    assert client.call("GET", f"/communities/{secret}/members").status_code == 404
    assert secret not in slugs(client.call("GET", "/communities"))


def test_managers_add_invite_and_promote(world, as_):
    secret = world.communities["secret"].slug
    manager = as_("manager")
    response = manager.call(
        "POST", f"/communities/{secret}/members", {"username": "outsider", "invite": True}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "invited"
    outsider = as_("outsider")
    assert outsider.call("GET", f"/communities/{secret}").json()["my_status"] == "invited"
    joined = outsider.call("POST", f"/communities/{secret}/join")
    assert joined.json() == {"status": "member", "role": "member", "member_count": 5}
    promoted = manager.call(
        "POST", f"/communities/{secret}/members", {"username": "outsider", "role": "manager"}
    )
    assert promoted.status_code == 200 and promoted.json()["role"] == "manager"
    refused = manager.call(
        "POST", f"/communities/{secret}/members", {"username": "outsider", "role": "owner"}
    )
    assert refused.status_code == 400 and "role" in refused.json()["fields"]
    unknown = manager.call("POST", f"/communities/{secret}/members", {"username": "ghost"})
    assert unknown.status_code == 400 and "username" in unknown.json()["fields"]
    bad_role = manager.call(
        "POST", f"/communities/{secret}/members", {"username": "member", "role": "king"}
    )
    assert bad_role.status_code == 422
    forbidden = as_("member").call(
        "POST", f"/communities/{secret}/members", {"username": "requester"}
    )
    assert forbidden.status_code == 403
    assert not Membership.objects.filter(
        community__slug=secret, person__username="requester", status="member"
    ).exists()


def test_requests_are_approved_or_rejected_by_managers(world, as_):
    private = world.communities["private"].slug
    assert (
        as_("member").call("POST", f"/communities/{private}/requests/requester/approve").status_code
        == 403
    )
    response = as_("manager").call("POST", f"/communities/{private}/requests/requester/approve")
    assert response.status_code == 200
    assert response.json() == {"username": "requester", "status": "member"}
    assert as_("requester").call("GET", f"/communities/{private}/members").status_code == 200
    assert as_("requester").call("GET", f"/communities/{private}").json()["member_count"] == 5
    again = as_("manager").call("POST", f"/communities/{private}/requests/requester/approve")
    assert again.status_code == 404
    as_("outsider").call("POST", f"/communities/{private}/join")
    response = as_("owner").call("POST", f"/communities/{private}/requests/outsider/reject")
    assert response.json() == {"username": "outsider", "status": "rejected"}
    assert as_("outsider").call("GET", f"/communities/{private}").json()["my_status"] is None
    secret = world.communities["secret"].slug
    hidden = as_("outsider").call("POST", f"/communities/{secret}/requests/requester/approve")
    assert hidden.status_code == 404


@pytest.mark.parametrize("slug", ["a" * 61, "x%00y", "%F0%9F%90%9D"])
def test_odd_slugs_are_answered_cleanly(api, member, slug):
    response = api.call("GET", f"/communities/{slug}")
    assert response.status_code in (404, 422)
    assert "code" in response.json()


def test_the_list_has_a_constant_query_budget(api, member, colleague):
    def measure():
        api.call("GET", "/communities?limit=100")
        with CaptureQueriesContext(connection) as ctx:
            assert api.call("GET", "/communities?limit=100").status_code == 200
        return len(ctx.captured_queries)

    few = measure()
    for i in range(30):
        services.community_create(
            creator=PersonFactory(),
            name=f"C{i}",
            kind="interest",
            visibility=("open", "private", "secret")[i % 3],
        )
    assert measure() == few


def test_managers_list_pending_requests(world, as_):
    private = world.communities["private"].slug
    response = as_("manager").call("GET", f"/communities/{private}/requests")
    assert response.status_code == 200
    assert [i["username"] for i in response.json()["items"]] == ["requester"]
    assert response.json()["items"][0]["status"] == "requested"
    assert as_("member").call("GET", f"/communities/{private}/requests").status_code == 403
    secret = world.communities["secret"].slug
    assert as_("outsider").call("GET", f"/communities/{secret}/requests").status_code == 404


def test_the_openapi_schema_documents_the_communities(api, member):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/communities",
        "/api/v1/communities/{slug}",
        "/api/v1/communities/{slug}/join",
        "/api/v1/communities/{slug}/leave",
        "/api/v1/communities/{slug}/members",
        "/api/v1/communities/{slug}/requests/{username}/approve",
        "/api/v1/communities/{slug}/requests/{username}/reject",
    ):
        assert path in paths
    assert "/api/v1/communities/{slug}/posts" in paths
