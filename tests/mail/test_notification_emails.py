"""Immediate notification emails: queued once per notify() with a grace delay, skipped when
read, when the preference changed or when access was lost; worded in the recipient's language,
with the excerpt, the link, and the reply address."""

import email
from datetime import timedelta
from email import policy

import pytest
from django.core import mail
from huey.contrib.djhuey import HUEY

from rucher.actions import comments as comment_actions
from rucher.actions import likes as like_actions
from rucher.actions import memberships as membership_actions
from rucher.communities import services as community_services
from rucher.core.factories import PersonFactory
from rucher.mail import preferences
from rucher.mail.models import OutboxMessage
from rucher.mail.outbox import outbox_send_due
from rucher.notifications.models import Notification
from rucher.notifications.services import notifications_mark_read, notify
from tests.mail.helpers import later
from tests.notifications.posts import make_post

pytestmark = pytest.mark.django_db

State = OutboxMessage.State
SECRET = "The merger with Initech closes on Friday"


@pytest.fixture
def people(world):
    """The post's author (English) and a commenter, both members of every community."""
    author = world.people["member"]
    author.language = "en"
    author.save(update_fields=["language"])
    # A first comment or like earns badges, emailed at once by default: these tests follow the
    # comment's email alone.
    commenter = world.people["ambassador"]
    for person in (author, commenter):
        preferences.preferences_set(person=person, changes={"badge": "weekly"})
    return author, commenter


def _comment(drain, django_capture_on_commit_callbacks, author, post, body="Nice work"):
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_actions.comment_publish(author=author, post=post, body=body)
    drain()
    return comment


def _parsed(index: int = 0):
    return email.message_from_bytes(mail.outbox[index].message().as_bytes(), policy=policy.default)


def test_a_comment_emails_the_author_after_the_grace_delay(
    world, people, drain, django_capture_on_commit_callbacks, settings
):
    settings.RUCHER_EMAIL_GRACE_SECONDS = 300
    author, commenter = people
    post = make_post(author, [world.communities["open"]], title="Budget 2027")
    comment = _comment(drain, django_capture_on_commit_callbacks, commenter, post)
    message = OutboxMessage.objects.get()
    assert message.recipient == author
    assert message.key == f"notif:{author.pk}:comment:{comment.pk}"
    assert message.kind == "comment"
    assert message.notification.comment == comment
    assert mail.outbox == []
    due = message.not_before
    assert due == message.notification.created_at + timedelta(seconds=300)
    assert outbox_send_due(now=due - timedelta(seconds=1)) == {"unknown": 0}
    assert outbox_send_due(now=due) == {"unknown": 0, "sent": 1}
    parsed = _parsed()
    assert parsed["Subject"] == "[Open club] Ambassador commented on your post “Budget 2027”"
    text = parsed.get_body(("plain",)).get_content()
    assert "Ambassador commented on your post “Budget 2027”" in text
    assert "> Nice work" in text
    assert f"/posts/{post.pk}/#comment-{comment.pk}" in text
    assert "Reply to this email to comment." in text
    html = parsed.get_body(("html",)).get_content()
    assert f'href="http://127.0.0.1:8000/posts/{post.pk}/#comment-{comment.pk}"' in html


def test_no_grace_sends_at_once(world, people, drain, django_capture_on_commit_callbacks, settings):
    settings.RUCHER_EMAIL_GRACE_SECONDS = 0
    author, commenter = people
    post = make_post(author, [world.communities["open"]])
    _comment(drain, django_capture_on_commit_callbacks, commenter, post)
    assert OutboxMessage.objects.get().state == State.SENT
    assert len(mail.outbox) == 1


def test_read_in_the_web_ui_meanwhile_skips_the_email(
    world, people, drain, django_capture_on_commit_callbacks
):
    author, commenter = people
    post = make_post(author, [world.communities["open"]])
    _comment(drain, django_capture_on_commit_callbacks, commenter, post)
    notifications_mark_read(person_id=author.pk, all_=True)
    assert outbox_send_due(now=later(301)) == {"unknown": 0, "skipped": 1}
    message = OutboxMessage.objects.get()
    assert (message.state, message.last_error) == (State.SKIPPED, "read")
    assert mail.outbox == []


def test_a_preference_changed_meanwhile_skips_the_email(
    world, people, drain, django_capture_on_commit_callbacks
):
    author, commenter = people
    post = make_post(author, [world.communities["open"]])
    _comment(drain, django_capture_on_commit_callbacks, commenter, post)
    preferences.preferences_set(person=author, changes={"comment": "daily"})
    assert outbox_send_due(now=later(301)) == {"unknown": 0, "skipped": 1}
    assert OutboxMessage.objects.get().last_error == "preference"
    assert mail.outbox == []


def test_kinds_not_wanted_at_once_queue_nothing(
    world, people, drain, django_capture_on_commit_callbacks
):
    author, commenter = people
    post = make_post(author, [world.communities["open"]])
    preferences.preferences_set(person=author, changes={"comment": "never"})
    _comment(drain, django_capture_on_commit_callbacks, commenter, post)
    # Likes default to the weekly digest.
    with django_capture_on_commit_callbacks(execute=True):
        like_actions.post_like(person=commenter, post=post)
    drain()
    assert Notification.objects.filter(recipient=author, kind__in=["comment", "like"]).count() == 2
    assert not OutboxMessage.objects.exists()


def test_the_same_notification_twice_is_one_email(
    world, people, drain, django_capture_on_commit_callbacks, settings
):
    settings.RUCHER_EMAIL_GRACE_SECONDS = 0
    author, commenter = people
    post = make_post(author, [world.communities["open"]])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify(
                recipient_ids=[author.pk],
                kind="mention",
                key=f"mention:post:{post.pk}",
                actor_id=commenter.pk,
                post_id=post.pk,
            )
        drain()
    assert OutboxMessage.objects.count() == 1
    assert len(mail.outbox) == 1


def test_one_job_per_notify_call_for_many_recipients(
    world, drain, django_capture_on_commit_callbacks, settings
):
    settings.RUCHER_EMAIL_GRACE_SECONDS = 300
    owner = world.people["owner"]
    post = make_post(owner, [world.communities["open"]], kind="announcement")
    readers = [PersonFactory() for _ in range(6)]
    preferences.preferences_set(person=readers[0], changes={"announcement": "weekly"})
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient_ids=[p.pk for p in readers],
            kind="announcement",
            key=f"announcement:{post.pk}",
            actor_id=owner.pk,
            post_id=post.pk,
        )
    assert HUEY.pending_count() == 1
    drain()
    assert set(OutboxMessage.objects.values_list("recipient_id", flat=True)) == {
        p.pk for p in readers[1:]
    }


def test_access_lost_before_queuing_queues_nothing(
    world, people, drain, django_capture_on_commit_callbacks
):
    author, commenter = people
    secret = world.communities["secret"]
    post = make_post(author, [secret], body=SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_actions.comment_publish(author=commenter, post=post, body=SECRET)
    community_services.community_leave(person=author, community=secret)
    drain()  # the notification job runs after the author left: they are not a reader
    assert not OutboxMessage.objects.exists()
    assert not Notification.objects.filter(comment=comment).exists()


def test_access_lost_after_queuing_sends_nothing_secret(
    world, people, drain, django_capture_on_commit_callbacks
):
    author, commenter = people
    secret = world.communities["secret"]
    post = make_post(author, [secret], title="Initech", body=SECRET)
    _comment(drain, django_capture_on_commit_callbacks, commenter, post, body=SECRET)
    assert OutboxMessage.objects.get().state == State.PENDING
    community_services.community_leave(person=author, community=secret)
    assert outbox_send_due(now=later(301)) == {"unknown": 0, "skipped": 1}
    assert OutboxMessage.objects.get().last_error == "no_access"
    assert mail.outbox == []


def test_a_hidden_comment_is_not_emailed(world, people, drain, django_capture_on_commit_callbacks):
    author, commenter = people
    post = make_post(author, [world.communities["open"]])
    comment = _comment(drain, django_capture_on_commit_callbacks, commenter, post)
    from django.utils import timezone

    type(comment).objects.filter(pk=comment.pk).update(hidden_at=timezone.now())
    assert outbox_send_due(now=later(301)) == {"unknown": 0, "skipped": 1}
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [
        ("en", "Ambassador commented on your post “Budget”", "Hello Member,"),
        ("fr", "Ambassador a commenté votre publication « Budget »", "Bonjour Member,"),
    ],
)
def test_the_email_speaks_the_recipients_language(
    world, people, drain, django_capture_on_commit_callbacks, settings, language, subject, greeting
):
    settings.RUCHER_EMAIL_GRACE_SECONDS = 0
    author, commenter = people
    author.language = language
    author.save(update_fields=["language"])
    post = make_post(author, [world.communities["open"]], title="Budget")
    # The commenter's own language (the request's) does not matter.
    from django.utils import translation

    with translation.override("en" if language == "fr" else "fr"):
        _comment(drain, django_capture_on_commit_callbacks, commenter, post)
    parsed = _parsed()
    # A header is one line of plain spaces (no-break ones included: the subject is folded).
    assert parsed["Subject"] == f"[Open club] {subject}".replace("\u00a0", " ")
    assert greeting in parsed.get_body(("plain",)).get_content()
    assert f'<html lang="{language}">' in parsed.get_body(("html",)).get_content()


def test_the_excerpt_is_plain_text_and_escaped_in_html(
    world, people, drain, django_capture_on_commit_callbacks, settings
):
    settings.RUCHER_EMAIL_GRACE_SECONDS = 0
    author, commenter = people
    post = make_post(author, [world.communities["open"]])
    body = 'Look <script>alert("x")</script> & <img src=x onerror=alert(1)>'
    _comment(drain, django_capture_on_commit_callbacks, commenter, post, body=body)
    parsed = _parsed()
    html = parsed.get_body(("html",)).get_content()
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    assert f"> {body}" in parsed.get_body(("plain",)).get_content()


def test_a_notification_without_a_post_has_no_reply_address_nor_thread(
    world, drain, django_capture_on_commit_callbacks, settings
):
    settings.RUCHER_EMAIL_GRACE_SECONDS = 0
    owner = world.people["owner"]
    owner.language = "en"
    owner.save(update_fields=["language"])
    preferences.preferences_set(person=owner, changes={"join_request": "immediate"})
    newcomer = PersonFactory(display_name="Newcomer")
    with django_capture_on_commit_callbacks(execute=True):
        membership_actions.community_join(person=newcomer, community=world.communities["private"])
    drain()
    message = OutboxMessage.objects.get(recipient=owner)
    assert "Reply-To" not in message.headers
    assert "In-Reply-To" not in message.headers
    assert "Reply to this email" not in message.body_text
    assert message.subject == "[Private club] Newcomer asked to join Private club"
    assert len(mail.outbox) == 1
