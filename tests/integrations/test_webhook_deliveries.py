"""Outgoing webhooks delivered to a real local HTTP receiver: signed bodies, retries after a
500, back-off, disabling after 24 h of failures, and never a secret community's content."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from rucher.actions import comments as comment_actions
from rucher.actions import communities as community_actions
from rucher.actions import people as people_actions
from rucher.actions import posts as post_actions
from rucher.integrations import delivery, services
from rucher.integrations.models import Webhook, WebhookDelivery
from rucher.integrations.tasks import deliveries_due_enqueue
from rucher.moderation import services as moderation
from rucher.notifications.models import Notification

SECRET = "s3cret-s3cret-s3cret"


def _hook(actor, receiver, events, community=None):
    return services.webhook_create(
        actor=actor,
        url=receiver.url("/hook"),
        events_wanted=events,
        secret=SECRET,
        community=community,
    )


def _received(receiver):
    return [json.loads(r.body) for r in receiver.received]


def _publish(world, *places, kind="post", title="Hello"):
    return post_actions.post_publish(
        author=world.people["owner"],
        communities=[world.communities[p] for p in places],
        kind=kind,
        title=title,
        body="Some **news**",
    )


@pytest.mark.parametrize("deferred", [False, True])
def test_post_created_leaves_once_with_recognition_deferred_or_not(
    world, receiver, drain, admin_user, settings, deferred
):
    # Deferred (production), the post's one background task also fans the webhooks out; a
    # retry of that task sends nothing twice.
    from rucher.actions import tasks

    settings.RUCHER_DEFERRED_RECOGNITION = deferred
    _hook(admin_user, receiver, ["post.created"])
    post = _publish(world, "open")
    drain()
    tasks.post_published_effects.call(post.pk)
    drain()
    created = [b for b in _received(receiver) if b["event"] == "post.created"]
    assert [b["data"]["post"]["id"] for b in created] == [post.pk]


def test_it_delivers_a_signed_post_created(world, receiver, drain, admin_user):
    _hook(admin_user, receiver, ["post.created"])
    post = _publish(world, "open")
    drain()
    assert len(receiver.received) == 1
    request = receiver.received[0]
    expected = "sha256=" + hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-rucher-signature"] == expected
    assert request.headers["x-rucher-event"] == "post.created"
    assert request.headers["content-type"].startswith("application/json")
    body = json.loads(request.body)
    assert body["event"] == "post.created"
    assert body["id"] == request.headers["x-rucher-delivery"]
    assert body["timestamp"]
    assert body["data"]["post"]["id"] == post.pk
    assert body["data"]["post"]["author"]["username"] == "owner"
    assert [c["slug"] for c in body["data"]["post"]["communities"]] == [
        world.communities["open"].slug
    ]
    row = WebhookDelivery.objects.get()
    assert row.status == "succeeded"
    assert row.response_code == 200
    assert row.attempts == 1
    assert row.duration_ms is not None


@pytest.mark.parametrize("place", ["private", "secret"])
def test_an_organisation_hook_never_receives_a_closed_communitys_content(
    world, receiver, drain, admin_user, place
):
    _hook(admin_user, receiver, ["post.created", "comment.created", "community.created"])
    post = _publish(world, place)
    comment_actions.comment_publish(author=world.people["member"], post=post, body="Secret reply")
    community_actions.community_create(
        creator=world.people["owner"], name="Hidden", kind="interest", visibility=place
    )
    drain()
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


def test_a_cross_post_names_only_the_open_community(world, receiver, drain, admin_user):
    _hook(admin_user, receiver, ["post.created"])
    _publish(world, "secret", "open")
    drain()
    (body,) = _received(receiver)
    slugs = [c["slug"] for c in body["data"]["post"]["communities"]]
    assert slugs == [world.communities["open"].slug]
    assert world.communities["secret"].slug not in receiver.received[0].body.decode()


def test_a_community_hook_receives_its_secret_communitys_content_only(world, receiver, drain):
    secret = world.communities["secret"]
    _hook(world.people["manager"], receiver, ["post.created"], community=secret)
    _publish(world, "open", title="Elsewhere")
    post = _publish(world, "secret", title="Inside")
    drain()
    (body,) = _received(receiver)
    assert body["data"]["post"]["id"] == post.pk
    assert body["data"]["post"]["communities"][0]["slug"] == secret.slug


def test_a_hidden_post_is_not_delivered(world, receiver, drain, admin_user):
    _hook(admin_user, receiver, ["post.created"])
    post = _publish(world, "open")
    moderation.post_hide(actor=admin_user, post=post)
    drain()
    assert receiver.received == []


def test_comment_and_first_answer_events(world, receiver, drain, admin_user):
    _hook(admin_user, receiver, ["comment.created", "question.answered"])
    question = _publish(world, "open", kind="question", title="Why?")
    answer = comment_actions.comment_publish(
        author=world.people["member"], post=question, body="Because"
    )
    comment_actions.comment_publish(author=world.people["manager"], post=question, body="Also")
    drain()
    events = sorted(
        (b["event"], b["data"].get("answer", b["data"].get("comment"))["id"])
        for b in _received(receiver)
    )
    assert ("question.answered", answer.pk) in events
    assert [e for e, _ in events].count("question.answered") == 1
    assert [e for e, _ in events].count("comment.created") == 2


def test_person_joined_and_open_community_created(world, receiver, drain, admin_user):
    _hook(admin_user, receiver, ["person.joined", "community.created"])
    people_actions.person_create(
        username="newcomer", email="newcomer@example.com", display_name="New Comer"
    )
    community_actions.community_create(
        creator=world.people["owner"], name="Gardeners", kind="interest", visibility="open"
    )
    drain()
    by_event = {b["event"]: b["data"] for b in _received(receiver)}
    assert by_event["person.joined"]["person"]["username"] == "newcomer"
    assert by_event["community.created"]["community"]["name"] == "Gardeners"


def test_it_retries_after_a_500_with_the_same_signed_body(world, receiver, drain, admin_user):
    answers = iter([(500, {}, b"oops"), (200, {}, b"ok")])
    receiver.routes["/hook"] = lambda request: next(answers)
    _hook(admin_user, receiver, ["post.created"])
    _publish(world, "open")
    drain()
    row = WebhookDelivery.objects.get()
    assert row.status == "pending"
    assert row.response_code == 500
    assert row.error == "HTTP 500"
    assert row.next_attempt_at > timezone.now()
    hook = Webhook.objects.get()
    assert hook.failing_since is not None
    # Not due yet: nothing is sent again.
    assert deliveries_due_enqueue() == 0
    # Once due, the retry is sent and succeeds.
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert deliveries_due_enqueue() == 1
    drain()
    row.refresh_from_db()
    assert row.status == "succeeded"
    assert row.attempts == 2
    first, second = receiver.received
    assert first.body == second.body
    assert first.headers["x-rucher-signature"] == second.headers["x-rucher-signature"]
    hook.refresh_from_db()
    assert hook.failing_since is None


def test_back_off_grows_between_attempts(world, receiver, admin_user, drain):
    receiver.routes["/hook"] = lambda request: (503, {}, b"down")
    hook = _hook(admin_user, receiver, ["post.created"])
    row = delivery.delivery_create(webhook=hook, event="post.created", key="k", data={})
    now = timezone.now()
    delays = []
    for _ in range(3):
        delivery.delivery_send(delivery_id=row.pk, now=now)
        row.refresh_from_db()
        delays.append(row.next_attempt_at - now)
        now = row.next_attempt_at
    assert delays == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]


def test_a_hook_failing_for_24_hours_is_disabled_and_administrators_told(
    world, receiver, admin_user
):
    receiver.routes["/hook"] = lambda request: (500, {}, b"")
    hook = _hook(admin_user, receiver, ["post.created"])
    first = delivery.delivery_create(webhook=hook, event="post.created", key="a", data={})
    start = timezone.now()
    assert delivery.delivery_send(delivery_id=first.pk, now=start) == "pending"
    later = delivery.delivery_create(webhook=hook, event="post.created", key="b", data={})
    waiting = delivery.delivery_create(webhook=hook, event="post.created", key="c", data={})
    assert delivery.delivery_send(delivery_id=later.pk, now=start + timedelta(hours=25)) == "failed"
    hook.refresh_from_db()
    assert not hook.is_active
    assert hook.disabled_at is not None
    waiting.refresh_from_db()
    assert waiting.status == "failed"
    notified = Notification.objects.filter(kind="webhook_disabled")
    assert set(notified.values_list("recipient", flat=True)) == {admin_user.pk}
    # Nothing more leaves for a disabled hook.
    count = len(receiver.received)
    assert delivery.delivery_send(delivery_id=first.pk, now=start + timedelta(days=2)) is None
    assert len(receiver.received) == count


def test_a_success_restarts_the_failure_clock(world, receiver, admin_user):
    answers = iter([(500, {}, b""), (200, {}, b""), (500, {}, b"")])
    receiver.routes["/hook"] = lambda request: next(answers)
    hook = _hook(admin_user, receiver, ["post.created"])
    start = timezone.now()
    for key, offset in (("a", 0), ("b", 20), ("c", 30)):
        row = delivery.delivery_create(webhook=hook, event="post.created", key=key, data={})
        delivery.delivery_send(delivery_id=row.pk, now=start + timedelta(hours=offset))
    hook.refresh_from_db()
    assert hook.is_active


def test_the_send_test_button_delivers_a_ping(world, receiver, drain, admin_user):
    hook = _hook(admin_user, receiver, ["post.created"])
    services.webhook_test(actor=admin_user, webhook=hook)
    drain()
    (body,) = _received(receiver)
    assert body["event"] == "ping"
    assert body["data"]["webhook"] == hook.pk


def test_the_guard_applies_at_each_delivery(world, receiver, drain, admin_user, settings):
    """An address allowed at registration and no longer allowed is not contacted."""
    _hook(admin_user, receiver, ["post.created"])
    settings.RUCHER_OUTBOUND_ALLOWED_HOSTS = ""
    _publish(world, "open")
    drain()
    assert receiver.received == []
    row = WebhookDelivery.objects.get()
    assert row.status == "pending"
    assert "RUCHER_OUTBOUND_ALLOWED_HOSTS" in row.error  # the guard's refusal, stored


def test_a_fan_out_run_twice_creates_each_delivery_once(world, receiver, admin_user):
    _hook(admin_user, receiver, ["post.created"])
    post = _publish(world, "open")
    assert len(delivery.event_fan_out(name="post.created", object_id=post.pk)) == 1
    assert delivery.event_fan_out(name="post.created", object_id=post.pk) == []
    assert WebhookDelivery.objects.count() == 1


def test_a_dead_workers_claim_is_sent_again(world, receiver, admin_user):
    hook = _hook(admin_user, receiver, ["post.created"])
    row = delivery.delivery_create(webhook=hook, event="post.created", key="k", data={})
    WebhookDelivery.objects.filter(pk=row.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(minutes=10)
    )
    assert delivery.deliveries_due() == [row.pk]
    assert delivery.delivery_send(delivery_id=row.pk) == "succeeded"


def test_a_question_that_missed_its_promise_is_announced_once(world, receiver, drain, admin_user):
    from rucher.integrations.tasks import questions_overdue_enqueue
    from rucher.qa.models import Question

    _hook(admin_user, receiver, ["question.overdue", "post.created"])
    question = _publish(world, "open", kind="question", title="Anyone?")
    answered = _publish(world, "open", kind="question", title="Answered")
    comment_actions.comment_publish(author=world.people["member"], post=answered, body="Yes")
    past = timezone.now() - timedelta(minutes=5)
    Question.objects.filter(post__in=[question, answered]).update(due_at=past)
    drain()
    assert questions_overdue_enqueue() == 1
    drain()
    assert questions_overdue_enqueue() == 1  # runs again: nothing new leaves
    drain()
    overdue = [b for b in _received(receiver) if b["event"] == "question.overdue"]
    assert [b["data"]["post"]["id"] for b in overdue] == [question.pk]
    # The same post's post.created went out too (distinct events, distinct deliveries).
    assert {b["event"] for b in _received(receiver)} == {"post.created", "question.overdue"}


@pytest.mark.parametrize(("place", "delivered"), [("open", True), ("secret", False)])
def test_an_idea_status_change_is_delivered_where_the_hook_may_read(
    world, receiver, drain, admin_user, place, delivered
):
    from rucher.actions import ideas as idea_actions

    _hook(admin_user, receiver, ["idea.status_changed"])
    idea = post_actions.post_publish(
        author=world.people["member"],
        communities=[world.communities[place]],
        kind="idea",
        title="Bike racks",
        body="More of them",
    )
    idea_actions.idea_status_change(
        actor=world.people["owner"], post=idea, status="accepted", answer="Ordered"
    )
    drain()
    bodies = [b for b in _received(receiver) if b["event"] == "idea.status_changed"]
    if delivered:
        (body,) = bodies
        assert body["data"]["status"] == "accepted"
    else:
        assert bodies == []
