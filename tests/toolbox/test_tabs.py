"""Community tabs: on by default, managers turn them off (404, gone from the menu)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rucher.communities.models import Community
from rucher.toolbox import services
from tests.toolbox.conftest import publish

pytestmark = pytest.mark.django_db

TAB_URLS = {
    "blog": "/c/{slug}/blog/",
    "forum": "/c/{slug}/forum/",
    "ideas": "/c/{slug}/ideas/",
    "questions": "/c/{slug}/questions/",
    "members": "/c/{slug}/members/",
}


def test_it_shows_every_tab_by_default(world, open_club, web):
    response = web(world.people["member"]).get(f"/c/{open_club.slug}/")
    assert response.status_code == 200
    for tab, url in TAB_URLS.items():
        assert f'href="{url.format(slug=open_club.slug)}"' in response.text, tab
        assert web(world.people["member"]).get(url.format(slug=open_club.slug)).status_code == 200


@pytest.mark.parametrize("tab", list(TAB_URLS))
def test_it_hides_a_tab_a_manager_turned_off(world, open_club, web, tab):
    manager = web(world.people["manager"])
    on = [t for t in Community.Tab.values if t != tab]
    response = manager.post(f"/c/{open_club.slug}/manage/tabs", {"tabs": on})
    assert response.status_code == 302
    open_club.refresh_from_db()
    assert not open_club.tab_on(tab)
    url = TAB_URLS[tab].format(slug=open_club.slug)
    member = web(world.people["member"])
    assert member.get(url).status_code == 404
    assert f'href="{url}"' not in member.get(f"/c/{open_club.slug}/").text
    # The other tabs stay.
    other = next(t for t in TAB_URLS if t != tab)
    assert member.get(TAB_URLS[other].format(slug=open_club.slug)).status_code == 200


def test_it_lets_only_managers_choose_the_tabs(world, open_club, web):
    response = web(world.people["member"]).post(
        f"/c/{open_club.slug}/manage/tabs", {"tabs": ["blog"]}
    )
    assert response.status_code == 403
    open_club.refresh_from_db()
    assert open_club.tabs_off == ""
    with pytest.raises(PermissionDenied):
        services.community_tabs_set(
            actor=world.people["member"], community=open_club, tabs_on=["blog"]
        )


def test_it_refuses_an_unknown_tab(world, open_club):
    community = Community.objects.get(pk=open_club.pk)
    community.my_role, community.my_status = "owner", "member"
    with pytest.raises(ValidationError) as caught:
        services.community_tabs_set(
            actor=world.people["owner"], community=community, tabs_on=["blog", "casino"]
        )
    assert "blog, forum, ideas, events, polls, documents, questions, members" in str(caught.value)
    open_club.refresh_from_db()
    assert open_club.tabs_off == ""


def test_it_refuses_a_post_of_a_tool_that_is_off(world, open_club):
    open_club.tabs_off = "ideas"
    open_club.save(update_fields=["tabs_off"])
    with pytest.raises(ValidationError):
        publish(world.people["member"], open_club, "idea")
    assert not open_club.posts.exists()


@pytest.mark.parametrize("path", ["blog", "forum", "ideas"])
def test_it_hides_a_private_community_tools_from_outsiders(world, private_club, web, path):
    url = f"/c/{private_club.slug}/{path}/"
    for position in ("outsider", "leaver", "removed", "requester"):
        assert web(world.people[position]).get(url).status_code == 404, position
    assert web(world.people["member"]).get(url).status_code == 200


def test_it_hides_a_secret_community_tools_and_works_without_javascript(world, web):
    secret = world.communities["secret"]
    assert web(world.people["outsider"]).get(f"/c/{secret.slug}/forum/").status_code == 404
    publish(world.people["member"], secret, "discussion", "Plain HTML")
    response = web(world.people["member"]).get(f"/c/{secret.slug}/forum/")
    assert "Plain HTML" in response.text
    assert "<script" not in response.text.split("<main", 1)[-1]


def test_a_member_who_leaves_loses_the_tabs_at_once(world, private_club, web):
    from rucher.communities import services as community_services

    member = world.people["member"]
    client = web(member)
    assert client.get(f"/c/{private_club.slug}/ideas/").status_code == 200
    community_services.community_leave(person=member, community=private_club)
    assert client.get(f"/c/{private_club.slug}/ideas/").status_code == 404


def test_it_speaks_french(world, open_club):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(world.people["member"])
    response = client.get(f"/c/{open_club.slug}/ideas/")
    assert "Boîte à idées" in response.text
    assert "Forum" in response.text
