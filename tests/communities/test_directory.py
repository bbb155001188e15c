"""The community directory (/communities/): cards with description, member count and recent
activity, the inline "Join" (htmx, with a no-JavaScript fallback), "Your colleagues joined"
suggestions, and its query budget."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rucher.accounts import services as account_services
from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.communities import selectors, services
from rucher.communities.models import Community, Membership
from rucher.content.models import Post, PostCommunity
from rucher.core.factories import PersonFactory

pytestmark = pytest.mark.django_db


def make(creator, **kwargs):
    fields = {"name": "Lean", "kind": "practice", "visibility": "open"}
    fields.update(kwargs)
    return services.community_create(creator=creator, **fields)


def card(response, slug, prefix="community-card"):
    html = response.content.decode()
    start = html.index(f'id="{prefix}-{slug}"')
    return html[start : html.index("</article>", start)]


def test_it_shows_description_members_and_posts_of_the_last_30_days(client_for, member, colleague):
    lean = make(colleague, description="Le **lean** au quotidien : [Kaizen](https://example.org).")
    membership_actions.community_join(person=member, community=lean)
    for n in range(3):
        post_actions.post_publish(author=colleague, communities=[lean], body=f"Note {n}")
    old = post_actions.post_publish(author=colleague, communities=[lean], body="Il y a longtemps")
    PostCommunity.objects.filter(post=old).update(created_at=timezone.now() - timedelta(days=31))
    hidden = post_actions.post_publish(author=colleague, communities=[lean], body="Masquée")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())

    response = client_for(member).get("/communities/")
    shown = card(response, "lean")
    assert "Le lean au quotidien : Kaizen." in shown  # Markdown marks and link targets dropped
    assert "2 members" in shown
    assert "3 posts in the last 30 days" in shown
    assert "You are a member" in shown
    assert "No post in the last 30 days" in card(response, "support")

    french = client_for(member, language="fr").get("/communities/")
    assert "3 publications ces 30 derniers jours" in card(french, "lean")
    assert "Aucune publication ces 30 derniers jours" in card(french, "support")


def test_the_card_offers_join_or_request_by_visibility(client_for, member, colleague):
    make(colleague, name="Ouvert")
    make(colleague, name="Prive", visibility="private")
    response = client_for(member).get("/communities/")
    assert ">Join</button>" in card(response, "ouvert")
    assert ">Request to join</button>" in card(response, "prive")
    assert 'hx-post="/c/ouvert/join"' in card(response, "ouvert")


def test_joining_inline_swaps_the_card(client_for, member, colleague):
    lean = make(colleague)
    response = client_for(member).post(
        f"/c/{lean.slug}/join", HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"community-card-{lean.slug}"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="community-card-lean"' in html
    assert "Welcome to Lean!" in html and "You are a member" in html and "2 members" in html
    assert Membership.objects.get(community=lean, person=member).status == "member"


def test_joining_a_suggested_card_keeps_its_id(client_for, member, colleague):
    lean = make(colleague)
    response = client_for(member).post(
        f"/c/{lean.slug}/join",
        {"card": "suggested-card"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"suggested-card-{lean.slug}",
    )
    assert 'id="suggested-card-lean"' in response.content.decode()
    response = client_for(PersonFactory()).post(
        f"/c/{lean.slug}/join",
        {"card": '"><script>'},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"community-card-{lean.slug}",
    )
    assert 'id="community-card-lean"' in response.content.decode()


def test_asking_to_join_a_private_community_inline_files_a_request(client_for, member, colleague):
    private = make(colleague, name="Prive", visibility="private")
    response = client_for(member).post(
        f"/c/{private.slug}/join",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"community-card-{private.slug}",
    )
    html = response.content.decode()
    assert "Your request has been sent" in html and "Request pending" in html
    assert Membership.objects.get(community=private, person=member).status == "requested"


def test_without_javascript_joining_opens_the_community(client_for, member, colleague):
    lean = make(colleague)
    response = client_for(member).post(f"/c/{lean.slug}/join")
    assert response.status_code == 302 and response["Location"] == f"/c/{lean.slug}/"
    assert Membership.objects.filter(community=lean, person=member, status="member").exists()


def test_a_removed_member_cannot_rejoin_inline(client_for, member, colleague):
    lean = make(colleague)
    membership_actions.community_join(person=member, community=lean)
    membership_actions.membership_remove(actor=colleague, community=lean, person=member)
    response = client_for(member).post(
        f"/c/{lean.slug}/join", HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"community-card-{lean.slug}"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "removed you" in html and "<button" not in html
    assert Membership.objects.get(community=lean, person=member).status == "removed"


def test_an_outsider_cannot_join_a_secret_community_inline(client_for, member, colleague):
    secret = make(colleague, name="Hidden", visibility="secret")
    response = client_for(member).post(
        f"/c/{secret.slug}/join",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"community-card-{secret.slug}",
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(community=secret, person=member).exists()


def test_colleagues_communities_are_suggested(client_for, member, colleague):
    manager = PersonFactory(display_name="Mona Manager")
    member.manager = manager
    member.save(update_fields=["manager"])
    sibling = PersonFactory(display_name="Sam Sibling", manager=manager)
    followed = PersonFactory(display_name="Fanny Followed")
    account_services.follow_create(follower=member, followee=followed)
    stranger = PersonFactory(display_name="Stan Stranger")

    both = make(colleague, name="Both")
    for person in (sibling, followed):
        membership_actions.community_join(person=person, community=both)
    bosses = make(colleague, name="Bosses", visibility="private")
    membership_actions.community_join(person=manager, community=bosses)
    membership_actions.request_approve(actor=colleague, community=bosses, person=manager)
    strangers = make(colleague, name="Strangers")
    membership_actions.community_join(person=stranger, community=strangers)
    mine = make(colleague, name="Mine")
    membership_actions.community_join(person=member, community=mine)
    membership_actions.community_join(person=sibling, community=mine)
    secret = make(sibling, name="Secret", visibility="secret")

    suggested = selectors.colleague_communities(member)
    assert [s.community.slug for s in suggested] == ["both", "bosses"]
    assert suggested[0].colleague_count == 2
    assert sorted(suggested[0].names) == ["Fanny Followed", "Sam Sibling"]
    assert suggested[1].names == ["Mona Manager"]
    assert secret.slug not in [s.community.slug for s in suggested]

    response = client_for(member).get("/communities/")
    html = response.content.decode()
    assert "Your colleagues joined" in html
    assert "and 1 other colleague are members" in card(response, "both", "suggested-card")
    assert "Mona Manager is a member" in card(response, "bosses", "suggested-card")
    assert ">Request to join</button>" in card(response, "bosses", "suggested-card")
    # Filtered lists and further pages go without suggestions.
    filtered = client_for(member).get("/communities/?mine=1").content.decode()
    assert "Your colleagues joined" not in filtered

    french = client_for(member, language="fr").get("/communities/").content.decode()
    assert "Vos collègues ont rejoint" in french


def test_someone_without_colleagues_gets_no_suggestions(client_for, member, colleague):
    make(colleague)
    assert selectors.colleague_communities(member) == []
    assert "Your colleagues joined" not in client_for(member).get("/communities/").content.decode()


def _query_count(client, url):
    client.get(url)  # warm the per-process caches and the day's activity row first
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_directory_has_a_constant_query_budget(client_for, member):
    followed = PersonFactory()
    account_services.follow_create(follower=member, followee=followed)
    client = client_for(member)
    for i in range(2):
        community = make(PersonFactory(), name=f"Small {i}")
        membership_actions.community_join(person=followed, community=community)
        post_actions.post_publish(author=community.created_by, communities=[community], body="x")
    few = _query_count(client, "/communities/")

    colleagues = PersonFactory.create_batch(8)
    for colleague in colleagues:
        account_services.follow_create(follower=member, followee=colleague)
    for i in range(30):
        community = make(PersonFactory(), name=f"Big {i}", visibility=("open", "private")[i % 2])
        for colleague in colleagues[: i % 5]:
            membership_actions.community_join(person=colleague, community=community)
        post_actions.post_publish(author=community.created_by, communities=[community], body="x")
    many = _query_count(client, "/communities/")
    # the person, a page of communities, my memberships, the badge, the recent posts; the
    # colleagues (one UNION), their communities ranked, then those communities and the
    # colleagues' names
    assert few == many == 9
    assert Community.objects.count() > 30


def test_joining_from_the_community_page_through_htmx_follows_to_the_page(client_for, member):
    """The community page's button targets its membership box: the answer is the page (via the
    redirect), with the welcome as a message, not the directory's card."""
    owner = PersonFactory()
    open_ = make(owner, name="Ouverte", slug="ouverte-page")
    response = client_for(member).post(
        f"/c/{open_.slug}/join", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="membership"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/c/{open_.slug}/"
    assert Membership.objects.get(community=open_, person=member).is_member
