"""The composer ("What's new?") on the home feed, the community page and the new-post page:
the viewer's communities only, the current community first and picked, a question with its
answer-time promise, the same services behind it."""

import re

import pytest

from rucher.content.models import Post
from rucher.qa.models import Question

pytestmark = pytest.mark.django_db


def _picker_slugs(html: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="communities" value="([^"]+)"', html)


def test_the_home_composer_lists_only_my_communities(world, client_for):
    page = client_for(world.people["member"]).get("/").content.decode()
    assert 'id="composer"' in page and 'action="/posts/new/"' in page
    assert sorted(_picker_slugs(page)) == ["open-club", "private-club", "secret-club"]
    # The promise travels with each community, for the question mode.
    assert "data-promise-hours=" in page or "Answer guaranteed" not in page
    assert "/static/rucher/composer.js" in page


def test_people_outside_every_community_are_invited_to_join(world, client_for):
    for who in ("outsider", "leaver", "removed"):
        page = client_for(world.people[who]).get("/").content.decode()
        assert _picker_slugs(page) == []
        assert "Join a community to post in it." in page


def test_the_community_composer_picks_the_community_first(world, client_for):
    page = client_for(world.people["member"]).get("/c/private-club/").content.decode()
    slugs = _picker_slugs(page)
    assert slugs[0] == "private-club" and len(slugs) == 3
    assert re.search(r'value="private-club" checked', page)
    assert not re.search(r'value="open-club" checked', page)


def test_a_leaver_sees_no_composer_on_the_community_page(world, client_for):
    page = client_for(world.people["leaver"]).get("/c/open-club/").content.decode()
    assert 'id="composer"' not in page


def test_a_question_from_the_composer_gets_the_community_promise(world, client_for, settings):
    settings.RUCHER_DEFAULT_ANSWER_HOURS = 24
    world.communities["open"].answer_promise_hours = 8
    world.communities["open"].save(update_fields=["answer_promise_hours"])
    client = client_for(world.people["member"])
    page = client.get("/").content.decode()
    assert 'data-promise-hours="8"' in page and 'data-promise-hours="24"' in page
    assert "Answer guaranteed within 8 working hours" in page
    response = client.post(
        "/posts/new/",
        {"communities": ["open-club"], "kind": "question", "title": "Où ?", "body": "Le badge ?"},
    )
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/posts/{post.pk}/"
    assert post.kind == "question"
    assert Question.objects.get(post=post).due_at is not None


def test_posting_in_a_community_i_left_is_refused_and_writes_nothing(world, client_for):
    client = client_for(world.people["leaver"])
    response = client.post(
        "/posts/new/", {"communities": ["open-club"], "kind": "post", "body": "Still here?"}
    )
    assert response.status_code == 400
    assert Post.objects.count() == 0


def test_the_new_post_page_keeps_every_kind_and_the_linked_community_first(world, client_for):
    page = client_for(world.people["member"]).get("/posts/new/?community=secret-club")
    html = page.content.decode()
    assert _picker_slugs(html)[0] == "secret-club"
    assert 'value="secret-club" checked' in html
    for kind in ("post", "question", "article", "idea", "discussion"):
        assert f'name="kind" value="{kind}"' in html
    assert 'value="kudos"' not in html


def test_a_tag_is_listed_once_per_card_and_help_texts_are_connected(world, client_for):
    client = client_for(world.people["member"])
    client.post(
        "/posts/new/",
        {"communities": ["open-club"], "kind": "post", "body": "On parle #lean", "tags": "kaizen"},
    )
    for url in ("/", "/c/open-club/", f"/posts/{Post.objects.get().pk}/"):
        page = client.get(url).content.decode()
        assert page.count('href="/tags/lean/"') == 1, url
        assert page.count('href="/tags/kaizen/"') == 1, url
    page = client.get("/posts/new/").content.decode()
    described = re.findall(r'aria-describedby="([^"]+)"', page)
    assert described and all(f'id="{target}"' in page for target in described)
