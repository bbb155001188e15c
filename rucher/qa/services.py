"""Every write about questions: opening one (its due time), recording answers, accepting one,
and routing unanswered questions to experts, then to the communities' leaders.

Promise of a cross-posted question: the shortest promise among its communities (the strictest
promise made to the asker wins). Routing stages, in working hours after the question was asked:
stage 1 (experts) at half the promise, stage 2 (managers and ambassadors) at 90 % of it.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.accounts.models import DeclaredSkill, User
from rucher.communities.models import Community, Membership
from rucher.content import access as content_access
from rucher.content.access import readers_among
from rucher.content.models import Comment, Post, is_answer
from rucher.core.audit import audit_record
from rucher.notifications.fallback import stand_ins_for
from rucher.notifications.services import notify_readers
from rucher.qa.calendar import WorkCalendar, add_working_hours, organisation_calendar
from rucher.qa.models import Question, RoutingNotice, RoutingStage
from rucher.recognition.points import points_on_accept
from rucher.recognition.selectors import experts_for_tags
from rucher.recognition.services import reputation_on_accept

EXPERTS_STAGE_SHARE = 0.5
LEADERS_STAGE_SHARE = 0.9
# How many experts stage 1 notifies per question.
EXPERTS_PER_QUESTION = 5
# Candidates asked for before keeping only those who may read the question.
EXPERT_CANDIDATES = 100


def promise_for(communities: Iterable[Community]) -> int | None:
    """The shortest promise among the communities, a community without its own taking the
    organisation's default (None only when neither exists)."""
    promises = [
        c.effective_answer_promise_hours for c in communities if c.effective_answer_promise_hours
    ]
    return min(promises) if promises else None


def schedule_for(
    asked_at: datetime, promise_hours: int | None, calendar: WorkCalendar | None = None
) -> dict[str, datetime | None]:
    if not promise_hours:
        return {"due_at": None, "route_experts_at": None, "route_leaders_at": None}
    calendar = calendar or organisation_calendar()
    return {
        "due_at": add_working_hours(asked_at, promise_hours, calendar),
        "route_experts_at": add_working_hours(
            asked_at, promise_hours * EXPERTS_STAGE_SHARE, calendar
        ),
        "route_leaders_at": add_working_hours(
            asked_at, promise_hours * LEADERS_STAGE_SHARE, calendar
        ),
    }


@transaction.atomic
def question_open(*, post: Post, communities: Sequence[Community]) -> Question:
    """Called by post_create for a question: its due time counts from its publication."""
    promise = promise_for(communities)
    question, _created = Question.objects.get_or_create(
        post=post,
        defaults={
            "asked_at": post.created_at,
            "promise_hours": promise,
            **schedule_for(post.created_at, promise),
        },
    )
    return question


def answer_recorded(*, comment: Comment, post: Post) -> bool:
    """Called by comment_create: the first answer stops the clock (and the routing)."""
    if not is_answer(comment, post):
        return False
    return bool(
        Question.objects.filter(post=post.pk, first_answer_at__isnull=True).update(
            first_answer=comment, first_answer_at=comment.created_at
        )
    )


def answer_removed(*, post_id: int) -> None:
    """Called by comment_delete after the delete: an accepted answer that is gone is no longer
    accepted, and a deleted first answer gives way to the next remaining answer (if any)."""
    question = Question.objects.filter(post=post_id).select_related("post").first()
    if question is None:
        return
    fields: list[str] = []
    if question.accepted_comment_id is None and question.accepted_at is not None:
        question.accepted_by = None
        question.accepted_at = None
        fields += ["accepted_by", "accepted_at"]
    if question.first_answer_id is None and question.first_answer_at is not None:
        following = (
            Comment.objects.filter(post=post_id, parent__isnull=True, author__isnull=False)
            .exclude(author=question.post.author_id)
            .order_by("created_at", "id")
            .first()
        )
        question.first_answer = following
        question.first_answer_at = following.created_at if following else None
        fields += ["first_answer", "first_answer_at"]
    if fields:
        question.save(update_fields=fields)


def can_accept(person: User, post: Post) -> bool:
    """The asker, or a manager of one of the question's communities (administrators too)."""
    return post.author_id == person.pk or content_access.can_moderate_post(person, post)


@transaction.atomic
def answer_accept(*, actor: User, post: Post, comment_id: int) -> Question:
    """Accepts one answer (accepting another one replaces it). The post comes from access_post."""
    question = Question.objects.select_for_update().filter(post=post.pk).first()
    if question is None:
        raise ValidationError(
            {"post": [_("Only questions have accepted answers.")]}, code="not_a_question"
        )
    if not can_accept(actor, post):
        raise PermissionDenied
    comment = Comment.objects.filter(pk=comment_id).first() if 0 < comment_id < 2**63 else None
    if comment is None or comment.post_id != post.pk or comment.is_hidden:
        raise ValidationError(
            {"comment_id": [_("This comment is not an answer to this question.")]},
            code="not_this_question",
        )
    if comment.parent_id is not None:
        raise ValidationError(
            {"comment_id": [_("This is a reply to an answer: accept the answer itself.")]},
            code="reply_not_answer",
        )
    if not is_answer(comment, post):
        raise ValidationError(
            {"comment_id": [_("The asker's own comment cannot be the accepted answer.")]},
            code="own_comment",
        )
    if question.accepted_comment_id == comment.pk:
        return question
    previous = question.accepted_comment
    question.accepted_comment = comment
    question.accepted_by = actor
    question.accepted_at = timezone.now()
    question.save(update_fields=["accepted_comment", "accepted_by", "accepted_at"])
    _reputation_on_accept(post, previous, comment, actor.pk)
    if actor.pk != post.author_id:
        audit_record(
            action="question.accept",
            actor=actor,
            target=f"post:{post.pk}",
            data={"comment": comment.pk},
        )
    from rucher.qa import tasks  # the tasks module imports this one (its jobs call it)

    transaction.on_commit(lambda: tasks.notify_answer_accepted.enqueue(post.pk, comment.pk))
    return question


def _reputation_on_accept(
    post: Post, previous: Comment | None, comment: Comment, accepted_by: int | None
) -> None:
    """Points and earned skills (F-POINTS, F-SKILLS-EARNED): the replaced answer loses what
    acceptance gave it."""
    if previous is not None:
        points_on_accept(question_post=post, comment=previous, accepted=False)
        reputation_on_accept(question_post=post, comment=previous, accepted=False)
    points_on_accept(question_post=post, comment=comment, accepted=True, accepted_by=accepted_by)
    reputation_on_accept(question_post=post, comment=comment, accepted=True)


def answer_accepted_notify(*, question_id: int, comment_id: int) -> int:
    """Tells the answer's author, if that answer is still the accepted one."""
    question = Question.objects.filter(post=question_id, accepted_comment=comment_id).first()
    if question is None:
        return 0
    comment = Comment.objects.select_related("post").get(pk=comment_id)
    if comment.author_id is None:
        return 0
    return notify_readers(
        post=comment.post,
        recipient_ids=[comment.author_id],
        kind="answer_accepted",
        key=f"accepted:{question_id}:{comment_id}",
        actor_id=question.accepted_by_id,
        comment_id=comment_id,
    )


# --- routing ----------------------------------------------------------------------------------


def _unanswered_due(now: datetime) -> Any:
    return Question.objects.filter(
        first_answer_at__isnull=True, post__hidden_at__isnull=True
    ).filter(
        Q(routed_stage__lt=RoutingStage.EXPERTS, route_experts_at__lte=now)
        | Q(routed_stage__lt=RoutingStage.LEADERS, route_leaders_at__lte=now)
    )


def questions_route_enqueue(*, now: datetime | None = None) -> int:
    """The periodic job: one background task per unanswered question with a stage now due."""
    from rucher.qa.tasks import route_question  # the tasks module imports this one

    now = now or timezone.now()
    ids = list(_unanswered_due(now).order_by("pk").values_list("pk", flat=True))
    for question_id in ids:
        route_question.enqueue(question_id, now.isoformat())
    return len(ids)


def _person_ids(found: Iterable[Any]) -> list[int]:
    """experts_for_tags may give users, ids or (user, reputation) pairs: keep the ids."""
    ids: list[int] = []
    for item in found:
        if isinstance(item, tuple | list):
            item = item[0]
        pk = getattr(item, "pk", item)
        if isinstance(pk, int) and pk not in ids:
            ids.append(pk)
    return ids


def experts_for(
    post: Post, tag_slugs: list[str], *, limit: int = EXPERTS_PER_QUESTION
) -> list[int]:
    """The people with the most earned reputation in the tags, then those who declare them as
    expertise; never the asker; only people who may read the question."""
    if not tag_slugs:
        return []
    exclude = [post.author_id] if post.author_id else []
    candidates = _person_ids(
        experts_for_tags(tag_slugs, limit=EXPERT_CANDIDATES, exclude_ids=exclude)
    )
    declared = (
        DeclaredSkill.objects.filter(slug__in=tag_slugs)
        .exclude(person__in=exclude)
        .values("person")
        .annotate(matches=Count("id"))
        .order_by("-matches", "person")
        .values_list("person", flat=True)[:EXPERT_CANDIDATES]
    )
    for pk in declared:
        if pk not in candidates:
            candidates.append(pk)
    readers = set(readers_among(post, candidates))
    return [pk for pk in candidates if pk in readers and pk not in exclude][:limit]


def leaders_for(post: Post) -> list[int]:
    """Managers (and owners) and ambassadors of the question's communities, never the asker."""
    return list(
        Membership.objects.filter(
            community__placements__post=post,
            status=Membership.Status.MEMBER,
            role__in=[
                Membership.Role.OWNER,
                Membership.Role.MANAGER,
                Membership.Role.AMBASSADOR,
            ],
            person__is_active=True,
        )
        .exclude(person=post.author_id)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()
    )


def question_route(*, question_id: int, now: datetime | None = None) -> int:
    """Runs the routing stages now due for one question; returns how many people were notified.
    Safe to run twice or concurrently: RoutingNotice rows and notification keys are unique."""
    now = now or timezone.now()
    question = _unanswered_due(now).filter(pk=question_id).select_related("post").first()
    if question is None:
        return 0
    post = question.post
    tag_slugs = list(post.tags.order_by("slug").values_list("slug", flat=True))
    sent = 0
    stages: list[tuple[int, str, list[int]]] = []
    if question.route_experts_at and question.route_experts_at <= now:
        stages.append((RoutingStage.EXPERTS, "question_routed", experts_for(post, tag_slugs)))
    if question.route_leaders_at and question.route_leaders_at <= now:
        # A question in communities nobody leads goes to the organisation's ambassadors.
        leaders = leaders_for(post) or stand_ins_for(post, exclude=[post.author_id])
        stages.append((RoutingStage.LEADERS, "question_due", leaders))
    done = question.routed_stage
    for stage, kind, recipients in stages:
        if stage <= question.routed_stage:
            continue
        with transaction.atomic():
            RoutingNotice.objects.bulk_create(
                [RoutingNotice(question=question, person_id=pk, stage=stage) for pk in recipients],
                ignore_conflicts=True,
            )
            sent += notify_readers(
                post=post, recipient_ids=recipients, kind=kind, key=f"route:{question.pk}:{stage}"
            )
        done = max(done, stage)
    Question.objects.filter(pk=question.pk, routed_stage__lt=done).update(routed_stage=done)
    return sent
