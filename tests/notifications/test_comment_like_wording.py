"""A like on a comment says so (issue 14, item 10): "a aimé votre commentaire sur « … »", not
"votre publication" — the one sentence the inbox (web and API) and the notification email use."""

import pytest
from django.test import Client
from django.utils import translation

from rucher.accounts import services as accounts
from rucher.actions import comments as comment_actions
from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions
from rucher.core.testing import run_queued_tasks
from rucher.notifications.messages import notification_message
from rucher.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def liked_comment(world, django_capture_on_commit_callbacks):
    owner, member = world.people["owner"], world.people["member"]
    post = post_actions.post_publish(
        author=owner, communities=[world.communities["open"]], title="Budget", body="b"
    )
    comment = comment_actions.comment_publish(author=member, post=post, body="My idea")
    with django_capture_on_commit_callbacks(execute=True):
        like_actions.comment_like(person=owner, comment=comment)
    run_queued_tasks()
    return Notification.objects.get(recipient=member, kind="like")


def test_a_comment_like_is_worded_as_such_in_both_languages(liked_comment):
    assert liked_comment.comment_id is not None
    with translation.override("en"):
        assert notification_message(liked_comment) == "Owner liked your comment on “Budget”"
    with translation.override("fr"):
        assert (
            notification_message(liked_comment) == "Owner a aimé votre commentaire sur « Budget »"
        )


def test_the_api_inbox_says_comment(world, liked_comment):
    _token, raw = accounts.token_create(person=world.people["member"], name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
    items = api.get("/api/v1/notifications").json()["items"]
    assert [i["message"] for i in items] == ["Owner liked your comment on “Budget”"]


def test_a_post_like_still_says_post(world, django_capture_on_commit_callbacks):
    owner, member = world.people["owner"], world.people["member"]
    post = post_actions.post_publish(
        author=member, communities=[world.communities["open"]], title="Budget", body="b"
    )
    with django_capture_on_commit_callbacks(execute=True):
        like_actions.post_like(person=owner, post=post)
    run_queued_tasks()
    n = Notification.objects.get(recipient=member, kind="like")
    with translation.override("en"):
        assert notification_message(n) == "Owner liked your post “Budget”"
