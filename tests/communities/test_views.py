"""Community web pages: browse, create, join / leave / request, manage, and query budgets."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.communities import services
from rucher.communities.models import Community, Membership
from rucher.core.factories import PersonFactory
from rucher.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def slugs(response):
    assert response.status_code == 200
    return [c.slug for c in response.context["page"].items]


def make(creator, **kwargs):
    fields = {"name": "Lean", "kind": "practice", "visibility": "open"}
    fields.update(kwargs)
    return services.community_create(creator=creator, **fields)


def test_browse_lists_visible_communities_by_name(client_for, member, colleague):
    make(colleague, name="Zeta", visibility="private")
    make(colleague, name="Alpha", kind="project")
    make(colleague, name="Hidden", visibility="secret")
    response = client_for(member).get("/communities/")
    assert slugs(response) == ["alpha", "bienvenue", "support", "zeta"]
    assert "Hidden" not in response.content.decode()


def test_browse_filters_by_kind_and_mine(client_for, member, colleague):
    make(colleague, name="Alpha", kind="project")
    mine = make(member, name="Mine", visibility="secret")
    client = client_for(member)
    assert slugs(client.get("/communities/?kind=project")) == ["alpha"]
    assert slugs(client.get("/communities/?mine=1")) == [mine.slug]
    assert slugs(client.get("/communities/?kind=bogus")) == [
        "alpha",
        "bienvenue",
        mine.slug,
        "support",
    ]
    assert client.get("/communities/?cursor=garbage").status_code == 400


def test_administrators_see_secret_communities(client_for, admin_user, member):
    make(member, name="Hidden", visibility="secret")
    assert "hidden" in slugs(client_for(admin_user).get("/communities/"))


def test_browse_pages_with_htmx(client_for, member):
    for i in range(30):
        make(member, name=f"Community {i:02d}")
    client = client_for(member)
    first = client.get("/communities/")
    page = first.context["page"]
    assert len(page.items) == 24 and page.next_cursor
    more = client.get(f"/communities/?cursor={page.next_cursor}", HTTP_HX_REQUEST="true")
    assert more.status_code == 200
    assert "<html" not in more.content.decode()
    assert len(more.context["page"].items) == 8  # 30 + the two default communities


def test_create_makes_an_owned_community(client_for, member):
    response = client_for(member).post(
        "/communities/new/",
        {
            "name": "Qualité <script>alert(1)</script>",
            "slug": "",
            "kind": "practice",
            "visibility": "private",
            "description": "**Bold** <script>x</script> [x](javascript:alert(1))",
            "answer_promise_hours": "24",
        },
    )
    community = Community.objects.get(created_by=member)
    assert response.status_code == 302
    assert response["Location"] == f"/c/{community.slug}/"
    assert Membership.objects.get(community=community).role == "owner"
    page = client_for(member).get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
    assert "<strong>Bold</strong>" in page
    assert "Every question answered within 24 working hours" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"answer_promise_hours": "0"}, "answer_promise_hours", "greater than or equal to 1"),
        ({"answer_promise_hours": "-1"}, "answer_promise_hours", "greater than or equal to 1"),
        ({"name": "x" * 101}, "name", "at most 100 characters"),
        ({"name": "a\x00b"}, "name", "Null characters are not allowed"),
        ({"kind": "gossip"}, "kind", "Select a valid choice"),
        ({"slug": "bienvenue"}, "slug", "already used"),
        ({"slug": "Bad Slug"}, "slug", "lower-case letters"),
    ],
)
def test_create_shows_field_errors(client_for, member, data, field, message):
    payload = {"name": "Lean", "kind": "practice", "visibility": "open", **data}
    response = client_for(member).post("/communities/new/", payload)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not Community.objects.filter(created_by=member).exists()


def test_join_and_leave_an_open_community(client_for, member, colleague):
    community = make(colleague)
    client = client_for(member)
    page = client.get(f"/c/{community.slug}/").content.decode()
    assert ">Join<" in page
    response = client.post(f"/c/{community.slug}/join")
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.member_count == 2
    assert ">Leave<" in client.get(f"/c/{community.slug}/").content.decode()
    client.post(f"/c/{community.slug}/leave")
    community.refresh_from_db()
    assert community.member_count == 1
    assert client.get(f"/c/{community.slug}/join").status_code == 405


def test_request_then_approval_through_the_manage_page(client_for, member, colleague):
    community = make(colleague, visibility="private")
    requester = client_for(member)
    assert "Request to join" in requester.get(f"/c/{community.slug}/").content.decode()
    requester.post(f"/c/{community.slug}/join")
    assert "waiting for a manager" in requester.get(f"/c/{community.slug}/").content.decode()
    manager = client_for(colleague)
    manage = manager.get(f"/c/{community.slug}/manage/").content.decode()
    assert "Bob Member" in manage
    response = manager.post(f"/c/{community.slug}/manage/requests/bob/approve")
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.member_count == 2
    assert requester.get(f"/c/{community.slug}/members/").status_code == 200
    assert manager.post(f"/c/{community.slug}/manage/requests/bob/approve").status_code == 404
    assert manager.post(f"/c/{community.slug}/manage/requests/bob/maybe").status_code == 404


def test_reject_through_the_manage_page(client_for, member, colleague):
    community = make(colleague, visibility="private")
    membership_actions.community_join(person=member, community=community)
    client_for(colleague).post(f"/c/{community.slug}/manage/requests/bob/reject")
    assert not Membership.objects.filter(person=member, community=community).exists()
    assert client_for(member).get(f"/c/{community.slug}/members/").status_code == 404


def test_a_member_cannot_decide_requests(client_for, member, colleague):
    community = make(colleague, visibility="private")
    third = PersonFactory(username="third")
    membership_actions.community_join(person=third, community=community)
    membership_actions.membership_set_role(
        actor=colleague, community=community, person=member, role="member"
    )
    response = client_for(member).post(f"/c/{community.slug}/manage/requests/third/approve")
    assert response.status_code == 403
    assert Membership.objects.get(person=third).status == "requested"


def test_the_last_owner_is_told_why_they_cannot_leave(client_for, member):
    community = make(member)
    client = client_for(member)
    response = client.post(f"/c/{community.slug}/leave", follow=True)
    assert "last owner" in response.content.decode()
    assert Membership.objects.filter(person=member, community=community).exists()


def test_managers_edit_and_add_members(client_for, member, colleague):
    community = make(member)
    client = client_for(member)
    response = client.post(
        f"/c/{community.slug}/manage/",
        {"name": "Lean 2", "kind": "project", "visibility": "secret", "answer_promise_hours": "8"},
    )
    assert response.status_code == 302
    community.refresh_from_db()
    assert (community.name, community.kind, community.visibility) == ("Lean 2", "project", "secret")
    bad = client.post(
        f"/c/{community.slug}/manage/", {"name": "", "kind": "x", "visibility": "open"}
    )
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"name", "kind"}
    response = client.post(
        f"/c/{community.slug}/manage/members", {"username": "carol", "role": "ambassador"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(person=colleague).role == "ambassador"
    unknown = client.post(
        f"/c/{community.slug}/manage/members", {"username": "nobody", "role": "member"}
    )
    assert unknown.status_code == 400
    assert "Unknown person." in unknown.context["add_form"].errors["username"]
    members = client.get(f"/c/{community.slug}/members/").content.decode()
    assert "Carol Colleague" in members and "Ambassador" in members and "Owner" in members
    assert AuditEvent.objects.filter(action="community.member_set").exists()


def test_the_pages_are_in_french(client_for, member):
    response = client_for(member, language="fr").get("/c/bienvenue/")
    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()
    assert "Bienvenue sur Rucher" in response.content.decode()


def _query_count(client, url):
    client.get(url)  # warm the per-process caches (charter, sessions) first
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_browse_has_a_constant_query_budget(client_for, member):
    client = client_for(member)
    for i in range(3):
        make(member, name=f"Small {i}")
    few = _query_count(client, "/communities/")
    for i in range(40):
        make(PersonFactory(), name=f"Big {i}", visibility=("open", "private", "secret")[i % 3])
    many = _query_count(client, "/communities/")
    # the person, one page of communities, my memberships (read once per request), the badge,
    # the posts of the last 30 days, the colleagues' communities (none: no colleague here)
    assert few == many == 6


def test_members_page_has_a_constant_query_budget(client_for, member):
    community = make(member)
    client = client_for(member)
    for _ in range(3):
        membership_actions.community_join(person=PersonFactory(), community=community)
    few = _query_count(client, f"/c/{community.slug}/members/")
    for person in PersonFactory.create_batch(60):
        membership_actions.community_join(person=person, community=community)
    many = _query_count(client, f"/c/{community.slug}/members/")
    # the person, the community with my membership, a page, my memberships, the badge
    assert few == many == 5
    assert client.get(f"/c/{community.slug}/members/").context["page"].next_cursor


def test_the_community_pages_speak_french(client_for, member):
    community = make(member, answer_promise_hours=24)
    client = client_for(member, language="fr")
    page = client.get(f"/c/{community.slug}/").content.decode()
    assert "Chaque question reçoit une réponse en 24 heures ouvrées au plus" in page
    assert (
        "Aucune publication pour l’instant." in page or "Aucune publication pour l'instant." in page
    )
    assert "Propriétaire" in client.get(f"/c/{community.slug}/members/").content.decode()
    assert "Créer une communauté" in client.get("/communities/").content.decode()


def test_the_community_page_has_a_fixed_query_budget(client_for, member):
    community = make(member)
    for person in PersonFactory.create_batch(10):
        membership_actions.membership_set_role(
            actor=member, community=community, person=person, role="manager"
        )

    client = client_for(member)
    post_actions.post_publish(author=member, communities=[community], body="Premier")
    few = _query_count(client, f"/c/{community.slug}/")
    for i in range(15):
        post_actions.post_publish(author=member, communities=[community], body=f"Post {i}")
    # The community page with its leaders and its stream: the same count whatever the size.
    assert _query_count(client, f"/c/{community.slug}/") == few


def test_the_members_tab_shows_only_to_readers(client_for, member, colleague):
    community = make(colleague, visibility="private")
    page = client_for(member).get(f"/c/{community.slug}/").content.decode()
    assert f"/c/{community.slug}/members/" not in page
    page = client_for(colleague).get(f"/c/{community.slug}/").content.decode()
    assert f"/c/{community.slug}/members/" in page
