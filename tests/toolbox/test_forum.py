"""The forum: topics by last reply (kept by comment create and delete), reply counts, the last
replier, the unread marker, closing and reopening."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rucher.actions import comments as comment_actions
from rucher.toolbox import selectors, services
from rucher.toolbox.models import Topic
from tests.qa.conftest import answer, paris
from tests.toolbox.conftest import publish

pytestmark = pytest.mark.django_db


def test_it_sorts_topics_by_last_reply(world, open_club):
    member, colleague = world.people["member"], world.people["manager"]
    first = publish(member, open_club, "discussion", "First")
    second = publish(member, open_club, "discussion", "Second")
    page = selectors.forum_page(member, open_club)
    assert [p.title for p in page.items] == ["Second", "First"]
    reply = comment_actions.comment_publish(author=colleague, post=first, body="Up you go")
    page = selectors.forum_page(member, open_club)
    assert [p.title for p in page.items] == ["First", "Second"]
    top = page.items[0]
    assert top.comment_count == 1
    assert top.tool.last_replier == colleague
    assert top.tool.last_activity_at == reply.created_at
    # Deleting the reply puts the topic back where its own time says.
    comment_actions.comment_remove(actor=colleague, comment=reply)
    page = selectors.forum_page(member, open_club)
    assert [p.title for p in page.items] == ["Second", "First"]
    assert page.items[1].tool.last_replier is None
    assert second.kind == "discussion"


def test_it_pages_the_forum_by_keyset(world, open_club):
    member = world.people["member"]
    for n in range(5):
        publish(member, open_club, "discussion", f"Topic {n}")
    first = selectors.forum_page(member, open_club, limit=2)
    second = selectors.forum_page(member, open_club, cursor=first.next_cursor, limit=2)
    third = selectors.forum_page(member, open_club, cursor=second.next_cursor, limit=2)
    titles = [p.title for page in (first, second, third) for p in page.items]
    assert titles == [f"Topic {n}" for n in (4, 3, 2, 1, 0)]
    assert third.next_cursor is None


def test_it_marks_topics_with_news_since_my_last_visit(world, open_club, web):
    member, manager = world.people["member"], world.people["manager"]
    with_news = publish(manager, open_club, "discussion", "News")
    assert selectors.forum_page(member, open_club).items[0].tool.unread
    web(member).get(f"/posts/{with_news.pk}/")
    assert not selectors.forum_page(member, open_club).items[0].tool.unread
    answer(manager, with_news, at=paris(2099, 1, 5, 10), body="Something new")
    assert selectors.forum_page(member, open_club).items[0].tool.unread


def test_managers_close_and_reopen_a_topic(world, open_club, web):
    member, manager = world.people["member"], world.people["manager"]
    topic = publish(member, open_club, "discussion", "Closing soon")
    response = web(manager).post(f"/posts/{topic.pk}/close", {"closed": "1"})
    assert response.status_code == 302
    assert Topic.objects.get(post=topic).is_closed
    page = web(member).get(f"/posts/{topic.pk}/")
    assert "This topic is closed" in page.text
    with pytest.raises(ValidationError) as caught:
        comment_actions.comment_publish(author=member, post=topic, body="Too late")
    assert caught.value.code == "topic_closed"
    assert topic.comments.count() == 0
    # A web reply is refused with the message, nothing written.
    response = web(member).post(f"/posts/{topic.pk}/comments", {"body": "Still too late"})
    assert response.status_code == 400
    assert topic.comments.count() == 0
    web(manager).post(f"/posts/{topic.pk}/close", {"closed": "0"})
    assert not Topic.objects.get(post=topic).is_closed
    comment_actions.comment_publish(author=member, post=topic, body="Open again")
    assert topic.comments.count() == 1


def test_only_managers_close_topics(world, open_club, web):
    topic = publish(world.people["member"], open_club, "discussion")
    assert web(world.people["member"]).post(f"/posts/{topic.pk}/close").status_code == 403
    assert web(world.people["removed"]).post(f"/posts/{topic.pk}/close").status_code == 404
    with pytest.raises(PermissionDenied):
        services.topic_close(actor=world.people["member"], post=topic, closed=True)
    assert not Topic.objects.get(post=topic).is_closed


def test_it_refuses_to_close_what_is_not_a_topic(world, open_club):
    post = publish(world.people["member"], open_club, "post")
    with pytest.raises(ValidationError):
        services.topic_close(actor=world.people["owner"], post=post, closed=True)


def test_the_forum_page_has_a_query_budget(world, open_club, web, django_assert_max_num_queries):
    member, manager = world.people["member"], world.people["manager"]
    for n in range(12):
        topic = publish(member, open_club, "discussion", f"Topic {n}")
        comment_actions.comment_publish(author=manager, post=topic, body="Reply")
    client = web(member)
    client.get(f"/c/{open_club.slug}/forum/")  # warm the session
    with django_assert_max_num_queries(14) as few:
        assert client.get(f"/c/{open_club.slug}/forum/").status_code == 200
    publish(member, open_club, "discussion", "One more")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/c/{open_club.slug}/forum/")


def test_posts_written_without_the_actions_get_their_rows_once(world, open_club):
    """Seed, demo content and importers write posts straight into the content tables."""
    from rucher.content.models import Comment, Post, PostCommunity
    from rucher.toolbox.models import Article, Idea

    member, manager = world.people["member"], world.people["manager"]
    rows = {}
    for kind in ("discussion", "idea", "article", "post"):
        post = Post.objects.create(author=member, kind=kind, title=kind, body="x")
        PostCommunity.objects.create(post=post, community=open_club, created_at=post.created_at)
        rows[kind] = post
    reply = Comment.objects.create(post=rows["discussion"], author=manager, body="late")
    Post.objects.filter(pk=rows["discussion"].pk).update(comment_count=1)
    assert services.tool_rows_backfill() == 3
    assert services.tool_rows_backfill() == 0
    topic = Topic.objects.get(post=rows["discussion"])
    assert (topic.last_replier, topic.last_activity_at) == (manager, reply.created_at)
    assert Idea.objects.filter(post=rows["idea"]).exists()
    assert Article.objects.filter(post=rows["article"]).exists()
