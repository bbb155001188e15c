"""Questions: due time at creation, first answer, accepting, and routing with a clock."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rucher.actions import comments as comment_actions
from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.core.factories import PersonFactory
from rucher.core.testing import run_queued_tasks
from rucher.notifications.models import Notification
from rucher.qa import services
from rucher.qa.models import Question, RoutingNotice
from tests.qa.conftest import answer, ask, declare, paris

pytestmark = pytest.mark.django_db

MONDAY_9 = paris(2026, 6, 8, 9, 0)


def test_a_question_gets_its_due_time_from_the_promise(world):
    post = ask(world.people["member"], [world.communities["open"]], at=paris(2026, 6, 5, 17, 30))
    question = Question.objects.get(post=post)
    assert question.promise_hours == 8
    assert question.due_at == paris(2026, 6, 8, 16, 30)
    assert question.route_experts_at == paris(2026, 6, 8, 12, 30)  # half: 4 working hours


def test_a_cross_posted_question_takes_the_shortest_promise(world):
    world.communities["private"].answer_promise_hours = 2
    world.communities["private"].save(update_fields=["answer_promise_hours"])
    post = ask(
        world.people["member"],
        [world.communities["open"], world.communities["private"]],
        at=MONDAY_9,
    )
    assert Question.objects.get(post=post).due_at == paris(2026, 6, 8, 11, 0)


def test_without_a_promise_there_is_no_due_time(world, settings):
    settings.RUCHER_DEFAULT_ANSWER_HOURS = 0
    open_ = world.communities["open"]
    open_.answer_promise_hours = None
    open_.save(update_fields=["answer_promise_hours"])
    post = ask(world.people["member"], [open_], at=MONDAY_9)
    question = Question.objects.get(post=post)
    assert question.due_at is None and question.route_experts_at is None


def test_other_kinds_have_no_question_state(world):
    post = post_actions.post_publish(
        author=world.people["member"], communities=[world.communities["open"]], body="Hi"
    )
    assert not Question.objects.filter(post=post).exists()


def test_an_answer_by_the_asker_does_not_count(world):
    asker, other = world.people["member"], world.people["manager"]
    post = ask(asker, [world.communities["open"]], at=MONDAY_9)
    answer(asker, post, at=paris(2026, 6, 8, 10, 0))
    assert Question.objects.get(post=post).first_answer_at is None
    first = answer(other, post, at=paris(2026, 6, 8, 11, 0))
    reply = answer(asker, post, at=paris(2026, 6, 8, 12, 0), parent=first)
    answer(other, post, at=paris(2026, 6, 8, 13, 0))
    question = Question.objects.get(post=post)
    assert question.first_answer_id == first.pk
    assert question.first_answer_at == paris(2026, 6, 8, 11, 0)
    assert reply.parent_id == first.pk


def test_a_reply_is_not_an_answer(world):
    asker, other = world.people["member"], world.people["manager"]
    post = ask(asker, [world.communities["open"]], at=MONDAY_9)
    mine = answer(asker, post, at=paris(2026, 6, 8, 10, 0))
    answer(other, post, at=paris(2026, 6, 8, 11, 0), parent=mine)
    assert Question.objects.get(post=post).first_answer_at is None


def test_the_asker_is_notified_of_each_answer(world, django_capture_on_commit_callbacks):
    asker, other = world.people["member"], world.people["manager"]
    post = ask(asker, [world.communities["open"]], at=MONDAY_9)
    with django_capture_on_commit_callbacks(execute=True):
        comment = answer(other, post, at=paris(2026, 6, 8, 10, 0))
    run_queued_tasks()
    notes = Notification.objects.filter(recipient=asker)
    assert [(n.kind, n.key) for n in notes] == [("answer", f"answer:{comment.pk}")]


def test_accepting_checks_who_and_what(world):
    asker, manager = world.people["member"], world.people["manager"]
    ambassador = world.people["ambassador"]
    post = ask(asker, [world.communities["open"]], at=MONDAY_9)
    other = ask(asker, [world.communities["open"]], at=MONDAY_9, title="Another")
    first = answer(manager, post, at=paris(2026, 6, 8, 10, 0))
    reply = answer(ambassador, post, at=paris(2026, 6, 8, 10, 5), parent=first)
    elsewhere = answer(manager, other, at=paris(2026, 6, 8, 10, 0))
    own = answer(asker, post, at=paris(2026, 6, 8, 10, 10))
    with pytest.raises(PermissionDenied):
        services.answer_accept(actor=ambassador, post=post, comment_id=first.pk)
    for bad in (reply, elsewhere, own):
        with pytest.raises(ValidationError):
            services.answer_accept(actor=asker, post=post, comment_id=bad.pk)
    with pytest.raises(ValidationError):
        services.answer_accept(actor=asker, post=post, comment_id=2**70)
    question = services.answer_accept(actor=asker, post=post, comment_id=first.pk)
    assert question.accepted_comment_id == first.pk and question.accepted_by == asker


def test_a_manager_changes_the_accepted_answer_and_each_author_is_told(
    world, django_capture_on_commit_callbacks
):
    asker, manager = world.people["member"], world.people["manager"]
    ambassador, owner = world.people["ambassador"], world.people["owner"]
    post = ask(asker, [world.communities["open"]], at=MONDAY_9)
    first = answer(ambassador, post, at=paris(2026, 6, 8, 10, 0))
    second = answer(owner, post, at=paris(2026, 6, 8, 11, 0))
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_accept(actor=asker, post=post, comment_id=first.pk)
    run_queued_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_accept(actor=manager, post=post, comment_id=second.pk)
        services.answer_accept(actor=manager, post=post, comment_id=second.pk)  # no change
    run_queued_tasks()
    assert Question.objects.get(post=post).accepted_comment_id == second.pk
    accepted = Notification.objects.filter(kind="answer_accepted").order_by("id")
    assert [(n.recipient_id, n.key) for n in accepted] == [
        (ambassador.pk, f"accepted:{post.pk}:{first.pk}"),
        (owner.pk, f"accepted:{post.pk}:{second.pk}"),
    ]


def test_deleting_the_accepted_answer_clears_acceptance(world):
    asker, manager, owner = world.people["member"], world.people["manager"], world.people["owner"]
    post = ask(asker, [world.communities["open"]], at=MONDAY_9)
    first = answer(manager, post, at=paris(2026, 6, 8, 10, 0))
    second = answer(owner, post, at=paris(2026, 6, 8, 11, 0))
    services.answer_accept(actor=asker, post=post, comment_id=first.pk)
    comment_actions.comment_remove(actor=manager, comment=first)
    question = Question.objects.get(post=post)
    assert question.accepted_comment_id is None and question.accepted_at is None
    assert question.first_answer_id == second.pk
    assert question.first_answer_at == paris(2026, 6, 8, 11, 0)
    comment_actions.comment_remove(actor=owner, comment=second)
    assert Question.objects.get(post=post).first_answer_at is None


# --- routing -------------------------------------------------------------------------------------


@pytest.fixture
def experts(world):
    """An expert member of every community, and an expert outside the private one."""
    inside = PersonFactory(username="insider", display_name="Insider")
    outside = PersonFactory(username="stranger", display_name="Stranger")
    for community in world.communities.values():
        membership_actions.membership_set_role(
            actor=world.people["owner"], community=community, person=inside, role="member"
        )
    declare(inside, "python")
    declare(outside, "python", "django")
    declare(world.people["member"], "python")  # the asker knows python too
    return inside, outside


@pytest.fixture
def route(django_capture_on_commit_callbacks):
    """Runs the periodic job at `now` (its tasks enqueued on commit), returns how many."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            count = services.questions_route_enqueue(now=now)
        run_queued_tasks()
        return count

    return run


def _routed(question_post, stage_kind):
    return set(
        Notification.objects.filter(post=question_post, kind=stage_kind).values_list(
            "recipient__username", flat=True
        )
    )


def test_routing_stages_follow_the_clock(world, experts, route):
    post = ask(
        world.people["member"], [world.communities["private"]], at=MONDAY_9, tags=("Python",)
    )
    # 8-hour promise from Monday 9:00: experts at 13:00, leaders at 16:12 (90 %), due at 17:00.
    assert route(paris(2026, 6, 8, 12, 59)) == 0
    assert route(paris(2026, 6, 8, 13, 0)) == 1
    run_queued_tasks()
    assert _routed(post, "question_routed") == {"insider"}
    assert _routed(post, "question_due") == set()
    # Running again before stage 2 does nothing.
    assert route(paris(2026, 6, 8, 14, 0)) == 0
    assert services.question_route(question_id=post.pk, now=paris(2026, 6, 8, 14, 0)) == 0
    assert route(paris(2026, 6, 8, 16, 12)) == 1
    run_queued_tasks()
    assert _routed(post, "question_due") == {"owner", "manager", "ambassador"}
    assert route(paris(2026, 6, 8, 18, 0)) == 0
    assert RoutingNotice.objects.filter(question=post.pk).count() == 4
    notes = Notification.objects.filter(post=post, kind="question_due")
    assert {n.key for n in notes} == {f"route:{post.pk}:2"}


def test_routing_is_idempotent_when_the_job_runs_twice(world, experts, route):
    post = ask(
        world.people["member"], [world.communities["private"]], at=MONDAY_9, tags=("python",)
    )
    late = paris(2026, 6, 9, 9, 0)  # both stages due at once
    route(late)
    route(late)
    run_queued_tasks()
    services.question_route(question_id=post.pk, now=late)
    assert Notification.objects.filter(post=post, kind="question_routed").count() == 1
    assert Notification.objects.filter(post=post, kind="question_due").count() == 3
    assert RoutingNotice.objects.filter(question=post.pk).count() == 4


def test_open_communities_route_to_anyone_and_never_to_the_asker(world, experts, route):
    asker = world.people["manager"]
    declare(asker, "python")
    post = ask(asker, [world.communities["open"]], at=MONDAY_9, tags=("python",))
    route(paris(2026, 6, 9, 9, 0))
    run_queued_tasks()
    assert _routed(post, "question_routed") == {"insider", "stranger", "member"}
    assert _routed(post, "question_due") == {"owner", "ambassador"}


def test_answered_questions_are_not_routed(world, experts, route):
    post = ask(
        world.people["member"], [world.communities["private"]], at=MONDAY_9, tags=("python",)
    )
    answer(world.people["ambassador"], post, at=paris(2026, 6, 8, 10, 0))
    assert route(paris(2026, 6, 9, 9, 0)) == 0
    assert services.question_route(question_id=post.pk, now=paris(2026, 6, 9, 9, 0)) == 0


def test_an_answer_by_the_asker_does_not_stop_routing(world, experts, route):
    asker = world.people["member"]
    post = ask(asker, [world.communities["private"]], at=MONDAY_9, tags=("python",))
    answer(asker, post, at=paris(2026, 6, 8, 10, 0))
    assert route(paris(2026, 6, 8, 13, 0)) == 1


def test_accepting_moves_earned_reputation_to_the_accepted_answer(world):
    selectors = pytest.importorskip("rucher.recognition.selectors")
    asker, ambassador, owner = (
        world.people["member"],
        world.people["ambassador"],
        world.people["owner"],
    )
    post = ask(asker, [world.communities["open"]], at=MONDAY_9, tags=("python",))
    first = answer(ambassador, post, at=paris(2026, 6, 8, 10, 0))
    second = answer(owner, post, at=paris(2026, 6, 8, 11, 0))
    services.answer_accept(actor=asker, post=post, comment_id=first.pk)
    assert selectors.top_skill_slugs(ambassador, 5) == ["python"]
    services.answer_accept(actor=asker, post=post, comment_id=second.pk)
    assert selectors.top_skill_slugs(ambassador, 5) == []
    assert selectors.top_skill_slugs(owner, 5) == ["python"]


def test_a_community_without_its_own_promise_takes_the_organisation_default(world, settings):
    settings.RUCHER_DEFAULT_ANSWER_HOURS = 16
    open_, private = world.communities["open"], world.communities["private"]
    open_.answer_promise_hours = None
    open_.save(update_fields=["answer_promise_hours"])
    private.answer_promise_hours = 40
    private.save(update_fields=["answer_promise_hours"])
    question = Question.objects.get(post=ask(world.people["member"], [open_], at=MONDAY_9))
    # Monday 9:00 + 16 working hours of 9-hour days → Tuesday 16:00.
    assert question.promise_hours == 16
    assert question.due_at == paris(2026, 6, 8, 9, 0).replace(day=9, hour=16)
    # Cross-posted with a community promising 40 h: the shorter (the default) wins.
    both = Question.objects.get(
        post=ask(world.people["owner"], [open_, private], at=MONDAY_9, title="both")
    )
    assert both.promise_hours == 16
    # A community's own promise wins over the default, shorter or longer.
    alone = Question.objects.get(
        post=ask(world.people["owner"], [private], at=MONDAY_9, title="alone")
    )
    assert alone.promise_hours == 40


def test_the_community_page_shows_the_default_promise(world, settings, client):
    settings.RUCHER_DEFAULT_ANSWER_HOURS = 16
    open_ = world.communities["open"]
    open_.answer_promise_hours = None
    open_.save(update_fields=["answer_promise_hours"])
    client.force_login(world.people["member"])
    page = client.get(f"/c/{open_.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Every question answered within 16 working hours" in page
