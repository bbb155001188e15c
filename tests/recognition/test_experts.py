"""F-DIRECTORY expertise finder (web): ranking, no content leak, constant query budget."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.accounts import services as accounts
from rucher.actions import likes as like_actions
from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.core.factories import PersonFactory
from rucher.recognition import selectors

pytestmark = pytest.mark.django_db


def _earn(world, author, tag, likes, community="open", title="Earned"):
    """`likes` people like a post of `author` tagged `tag`."""
    post = post_actions.post_publish(
        author=author,
        communities=[world.communities[community]],
        title=title,
        body="text",
        tags=[tag],
    )
    likers = [p for p in world.people.values() if p.pk != author.pk][:likes]
    for liker in likers:
        post.author = author
        like_actions.post_like(person=liker, post=post)
    return post


def test_it_ranks_by_reputation_then_declared_then_name(world):
    people = world.people
    _earn(world, people["member"], "python", 1)
    _earn(world, people["owner"], "python", 3)
    zed = PersonFactory(username="zed", display_name="Zed Declared")
    amy = PersonFactory(username="amy", display_name="amy declared")
    for person in (zed, amy, people["owner"]):
        accounts.profile_update(person=person, changes={"expertise": ["Python"]})
    page = selectors.experts_page(world.people["outsider"], tag="PYTHON")
    ranked = [(p.username, p.reputation, p.declared) for p in page.items]
    assert ranked == [
        ("owner", 3, True),
        ("member", 1, False),
        ("amy", 0, True),
        ("zed", 0, True),
    ]


def test_it_pages_by_keyset_across_both_tiers(world):
    people = world.people
    _earn(world, people["member"], "python", 2)
    _earn(world, people["owner"], "python", 1)
    for name in ("a1", "a2", "a3"):
        person = PersonFactory(username=name, display_name=name)
        accounts.profile_update(person=person, changes={"expertise": ["python"]})
    seen = []
    cursor = None
    while True:
        page = selectors.experts_page(
            world.people["outsider"], tag="python", cursor=cursor, limit=2
        )
        seen += [p.username for p in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == ["member", "owner", "a1", "a2", "a3"]


def test_the_page_ranks_experts_for_a_member(world, client_for):
    _earn(world, world.people["member"], "python", 2)
    response = client_for(world.people["outsider"]).get("/experts/?tag=Python")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Member" in body and "2 points of reputation" in body


def test_it_needs_a_signed_in_person(world, client_for):
    assert client_for().get("/experts/?tag=python").status_code == 302


def test_it_never_shows_secret_content(world, client_for):
    secret = _earn(
        world, world.people["member"], "python", 2, community="secret", title="TOP-SECRET-TITLE"
    )
    outsider = client_for(world.people["outsider"])
    response = outsider.get("/experts/?tag=python")
    body = response.content.decode()
    assert response.status_code == 200
    assert "TOP-SECRET-TITLE" not in body
    assert f"/posts/{secret.pk}/" not in body
    assert world.communities["secret"].name not in body
    assert world.communities["secret"].slug not in body


def test_an_empty_or_odd_tag_is_a_form_not_an_error(world, client_for):
    client = client_for(world.people["member"])
    assert client.get("/experts/").status_code == 200
    assert client.get("/experts/?tag=%00").status_code == 200
    assert client.get("/experts/?tag=" + "x" * 500).status_code == 200
    assert client.get("/experts/?tag=python&cursor=bogus").status_code == 400


def test_the_query_budget_is_constant(world, client_for):
    client = client_for(world.people["outsider"])
    _earn(world, world.people["member"], "python", 1)
    client.get("/experts/?tag=python")
    with CaptureQueriesContext(connection) as few:
        client.get("/experts/?tag=python")
    for i in range(6):
        person = PersonFactory(username=f"p{i}", display_name=f"P{i}")
        accounts.profile_update(person=person, changes={"expertise": ["python", "go"]})
        membership_actions.community_join(person=person, community=world.communities["open"])
        _earn(world, person, "python", 2)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/experts/?tag=python")
    assert response.content.decode().count('class="expert"') == 7
    assert len(many) == len(few)
