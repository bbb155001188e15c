"""Notifications and their emails name only a community the recipient can read (issue 13,
item 4), and one comment that both replies to and mentions a person is one email (item 7)."""

import pytest
from django.core import mail
from django.test import Client

from rucher.actions import comments as comment_actions
from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions
from rucher.mail.models import Delivery, EmailPreference
from rucher.notifications.models import Notification
from rucher.qa import services as qa
from tests.notifications.posts import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(world, settings):
    settings.RUCHER_EMAIL_GRACE_SECONDS = 0
    reader = world.people["outsider"]  # reads the cross-posts through the open club only
    reader.language = "en"
    reader.save(update_fields=["language"])
    for kind in Notification.Kind.values:
        EmailPreference.objects.update_or_create(
            person=reader, kind=kind, defaults={"delivery": Delivery.IMMEDIATE}
        )
    # The secret club first: the first placement is one the reader cannot read.
    places = [world.communities["secret"], world.communities["open"]]
    return reader, places


def test_each_notification_kind_names_a_community_the_reader_can_read(
    world, cast, drain, django_capture_on_commit_callbacks
):
    reader, places = cast
    owner, member = world.people["owner"], world.people["member"]
    with django_capture_on_commit_callbacks(execute=True):
        # mention in a post
        post_actions.post_publish(author=owner, communities=places, body="Hi @outsider")
        # comment on the reader's post, a like on it
        mine = make_post(reader, places, title="Shared plan")
        comment_actions.comment_publish(author=member, post=mine, body="Nice")
        like_actions.post_like(person=member, post=mine)
        # reply to the reader's comment, a like on it, a mention in a comment
        other = post_actions.post_publish(author=owner, communities=places, body="Plan B")
        theirs = comment_actions.comment_publish(author=reader, post=other, body="Agreed")
        comment_actions.comment_publish(author=member, post=other, body="Yes", parent=theirs)
        like_actions.comment_like(person=member, comment=theirs)
        comment_actions.comment_publish(author=member, post=other, body="cc @outsider")
        # an answer to the reader's question; the reader's answer accepted
        asked = make_post(reader, places, title="How?", kind="question")
        comment_actions.comment_publish(author=member, post=asked, body="Like this")
        question = post_actions.post_publish(
            author=owner, communities=places, kind="question", title="Why?", body="Why?"
        )
        answer = comment_actions.comment_publish(author=reader, post=question, body="Because")
        qa.answer_accept(actor=owner, post=question, comment_id=answer.pk)
    drain()
    # (Badges earned on the way name no community.)
    received = Notification.objects.filter(recipient=reader).exclude(kind="badge")
    kinds = set(received.values_list("kind", flat=True))
    assert kinds == {"mention", "comment", "like", "reply", "answer", "answer_accepted"}
    assert set(received.values_list("community_id", flat=True)) == {world.communities["open"].pk}
    secret_name = world.communities["secret"].name
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(reader)
    inbox = client.get("/notifications/").content.decode()
    assert secret_name not in inbox
    emails = [m for m in mail.outbox if m.to == [reader.email] and "badge" not in m.subject.lower()]
    assert len(emails) == received.count()
    for message in emails:
        assert message.subject.startswith("[Open club] ")
        assert secret_name not in message.subject
        assert secret_name not in message.body
        assert all(secret_name not in str(content) for content, _type in message.alternatives)
    # A member of both still reads the first placement's name.
    assert set(
        Notification.objects.filter(recipient=owner)
        .exclude(kind="badge")
        .values_list("community_id", flat=True)
    ) == {world.communities["secret"].pk}


def test_a_reply_that_also_mentions_the_person_is_one_email(
    world, cast, drain, django_capture_on_commit_callbacks
):
    reader, places = cast
    owner, member = world.people["owner"], world.people["member"]
    with django_capture_on_commit_callbacks(execute=True):
        post = post_actions.post_publish(author=owner, communities=places, body="Plan")
        theirs = comment_actions.comment_publish(author=reader, post=post, body="Agreed")
        comment_actions.comment_publish(
            author=member, post=post, body="Thanks @outsider", parent=theirs
        )
    drain()
    assert list(Notification.objects.filter(recipient=reader).values_list("kind", flat=True)) == [
        "reply"
    ]
    assert len([m for m in mail.outbox if m.to == [reader.email]]) == 1
