"""Every write about earned skills and first contributions (F-SKILLS-EARNED,
F-FIRST-CONTRIBUTION).

Reputation values, per tag of the contribution (tags as they are when the like or acceptance
happens; editing tags later does not re-attribute past reputation):
- a like by someone else on a post tagged X: +1 in X to the post's author (LIKE_POST_POINTS);
- a like by someone else on an answer (a top-level comment on a question) tagged X, through its
  question's tags: +2 in X to the answer's author (LIKE_ANSWER_POINTS);
- an accepted answer to a question tagged X: +5 in X to the answer's author, unless they asked
  the question (ACCEPTED_ANSWER_POINTS).
Unliking, un-accepting, or deleting the post or the comment deletes exactly the events it caused
and subtracts their points. Content services call these functions inside their own transaction.

The same calls feed the points ledger (rucher.recognition.points, F-POINTS): likes received,
accepted answers, and withdrawals on deletion.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from rucher.accounts.models import User
from rucher.communities.models import Membership
from rucher.content.models import Comment, Post, PostCommunity, is_answer
from rucher.content.selectors import is_first_post
from rucher.notifications.fallback import stand_ins_for
from rucher.notifications.services import notify
from rucher.recognition.models import ReputationEvent, SkillReputation

LIKE_POST_POINTS = 1
LIKE_ANSWER_POINTS = 2
ACCEPTED_ANSWER_POINTS = 5

Reason = ReputationEvent.Reason


def _tag_ids(post: Post) -> list[int]:
    return sorted(post.tags.values_list("pk", flat=True))


def _grant(
    *,
    person_id: int,
    tag_ids: list[int],
    points: int,
    reason: str,
    post_id: int,
    comment_id: int | None = None,
    liker_id: int | None = None,
) -> int:
    """Records one event per tag and adds the points of those actually recorded (an event
    already in the ledger adds nothing). Returns the number of events recorded."""
    if not tag_ids:
        return 0
    events = [
        ReputationEvent(
            person_id=person_id,
            tag_id=tag_id,
            points=points,
            reason=reason,
            post_id=post_id,
            comment_id=comment_id,
            liker_id=liker_id,
        )
        for tag_id in tag_ids
    ]
    try:
        with transaction.atomic():
            ReputationEvent.objects.bulk_create(events)
        recorded = tag_ids
    except IntegrityError:
        # Some were already recorded (a retried call): record the others one by one.
        recorded = []
        for event in events:
            try:
                with transaction.atomic():
                    event.save(force_insert=True)
            except IntegrityError:
                continue
            recorded.append(event.tag_id)
    if recorded:
        _add(person_id=person_id, tag_ids=recorded, delta=points)
    return len(recorded)


def _add(*, person_id: int, tag_ids: list[int], delta: int) -> None:
    SkillReputation.objects.bulk_create(
        [SkillReputation(person_id=person_id, tag_id=tag_id) for tag_id in sorted(tag_ids)],
        ignore_conflicts=True,
    )
    SkillReputation.objects.filter(person_id=person_id, tag_id__in=tag_ids).update(
        reputation=F("reputation") + delta
    )


def _reverse(events_filter: Q) -> int:
    """Deletes the matching events and subtracts exactly their points. Returns how many."""
    events = list(
        ReputationEvent.objects.select_for_update()
        .filter(events_filter)
        .values_list("pk", "person_id", "tag_id", "points")
    )
    if not events:
        return 0
    ReputationEvent.objects.filter(pk__in=[pk for pk, *_rest in events]).delete()
    totals: dict[tuple[int, int], int] = defaultdict(int)
    for _pk, person_id, tag_id, points in events:
        totals[(person_id, tag_id)] += points
    # One UPDATE per (person, amount): usually one in all.
    grouped: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (person_id, tag_id), total in sorted(totals.items()):
        grouped[(person_id, total)].append(tag_id)
    for (person_id, total), tag_ids in grouped.items():
        SkillReputation.objects.filter(person_id=person_id, tag_id__in=tag_ids).update(
            reputation=F("reputation") - total
        )
    return len(events)


@transaction.atomic
def reputation_on_post_like(*, post: Post, liker: User, liked: bool) -> int:
    """Skill reputation only (the points are rucher.recognition.points.points_on_post_like):
    rucher.actions.likes calls both with liked=True when a like was created, liked=False when
    one was removed."""
    if not liked:
        return _reverse(Q(reason=Reason.LIKE_POST, post=post.pk, liker=liker.pk))
    if post.author_id is None or post.author_id == liker.pk:
        return 0
    return _grant(
        person_id=post.author_id,
        tag_ids=_tag_ids(post),
        points=LIKE_POST_POINTS,
        reason=Reason.LIKE_POST,
        post_id=post.pk,
        liker_id=liker.pk,
    )


@transaction.atomic
def reputation_on_comment_like(*, comment: Comment, liker: User, liked: bool) -> int:
    """Skill reputation only, like reputation_on_post_like (points: points_on_comment_like)."""
    if not liked:
        return _reverse(Q(reason=Reason.LIKE_COMMENT, comment=comment.pk, liker=liker.pk))
    post = comment.post
    if comment.author_id is None or comment.author_id == liker.pk or not is_answer(comment, post):
        return 0
    return _grant(
        person_id=comment.author_id,
        tag_ids=_tag_ids(post),
        points=LIKE_ANSWER_POINTS,
        reason=Reason.LIKE_COMMENT,
        post_id=post.pk,
        comment_id=comment.pk,
        liker_id=liker.pk,
    )


@transaction.atomic
def reputation_on_accept(*, question_post: Post, comment: Comment, accepted: bool) -> int:
    """For Q&A: call with accepted=True when `comment` becomes the accepted answer of
    `question_post`, and accepted=False when it stops being (un-accepted, or replaced by another:
    then call False for the old one and True for the new one). Idempotent both ways.
    Returns the number of ledger events recorded or removed. Skill reputation only: the
    points are rucher.recognition.points.points_on_accept."""
    if not accepted:
        return _reverse(Q(reason=Reason.ACCEPTED_ANSWER, comment=comment.pk))
    if (
        comment.post_id != question_post.pk
        or comment.author_id is None
        or comment.author_id == question_post.author_id
        or not is_answer(comment, question_post)
    ):
        return 0
    return _grant(
        person_id=comment.author_id,
        tag_ids=_tag_ids(question_post),
        points=ACCEPTED_ANSWER_POINTS,
        reason=Reason.ACCEPTED_ANSWER,
        post_id=question_post.pk,
        comment_id=comment.pk,
    )


@transaction.atomic
def reputation_on_post_delete(*, post: Post) -> int:
    """Before the post goes (rucher.actions.posts): withdraws the reputation it earned, its
    answers' included (the points: points_withdraw_for_post)."""
    return _reverse(Q(post=post.pk))


@transaction.atomic
def reputation_on_post_untagged(*, post: Post, tag_ids: Iterable[int]) -> int:
    """After an edit removed tags from a post: withdraws the reputation those tags earned
    through it (likes of the post, of its answers, acceptances)."""
    ids = list(tag_ids)
    if not ids:
        return 0
    return _reverse(Q(post=post.pk, tag_id__in=ids))


@transaction.atomic
def reputation_on_comment_delete(*, comment: Comment) -> int:
    """Before the comment (and its replies) go; the points: points_withdraw_for_comment."""
    return _reverse(Q(comment=comment.pk) | Q(comment__parent=comment.pk))


@transaction.atomic
def skill_reputation_rebuild(*, person_ids: Iterable[int] | None = None) -> int:
    """Recomputes SkillReputation from the ledger (repair after deletions that bypassed the
    services, e.g. in the Django admin). Returns how many totals changed."""
    from django.db.models import Sum

    events = ReputationEvent.objects.all()
    totals_qs = SkillReputation.objects.all()
    if person_ids is not None:
        ids = list(person_ids)
        events = events.filter(person_id__in=ids)
        totals_qs = totals_qs.filter(person_id__in=ids)
    truth = {
        (row["person_id"], row["tag_id"]): row["total"]
        for row in events.values("person_id", "tag_id").annotate(total=Sum("points"))
    }
    changed = 0
    current = {(r.person_id, r.tag_id): r for r in totals_qs.select_for_update()}
    for key, row in current.items():
        expected = truth.get(key, 0)
        if row.reputation != expected:
            row.reputation = expected
            row.save(update_fields=["reputation"])
            changed += 1
    missing = [key for key in truth if key not in current]
    SkillReputation.objects.bulk_create(
        [SkillReputation(person_id=p, tag_id=t, reputation=truth[(p, t)]) for p, t in missing]
    )
    return changed + len(missing)


# --- first contribution --------------------------------------------------------------------


def first_contribution_published(*, post: Post) -> bool:
    """Called by content's post_create: when this is the author's first post, the ambassadors
    of its communities are notified in the background (after commit). Returns whether queued."""
    if not is_first_post(post):
        return False
    from rucher.recognition import tasks  # the tasks module imports this one

    post_id = post.pk
    transaction.on_commit(lambda: tasks.notify_first_contribution.enqueue(post_id))
    return True


def first_contribution_notify(*, post_id: int) -> int:
    """Notifies, for each community of the post, its ambassadors (its owners and managers when
    it has none; the organisation's ambassadors, then administrators, when it has no leader at
    all: rucher.notifications.fallback) of a person's first post. Idempotent: one notification
    per recipient and person (key "first:<person id>"), so a retried job notifies nobody twice."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None or post.is_hidden or post.author_id is None or not is_first_post(post):
        return 0
    community_ids = list(
        PostCommunity.objects.filter(post=post)
        .order_by("community_id")
        .values_list("community_id", flat=True)
    )
    leaders = Membership.objects.filter(
        community_id__in=community_ids,
        status=Membership.Status.MEMBER,
        person__is_active=True,
        role__in=[Membership.Role.AMBASSADOR, *Membership.MANAGING_ROLES],
    ).values_list("community_id", "person_id", "role")
    ambassadors: dict[int, list[int]] = defaultdict(list)
    managers: dict[int, list[int]] = defaultdict(list)
    for community_id, person_id, role in leaders:
        target = ambassadors if role == Membership.Role.AMBASSADOR else managers
        target[community_id].append(person_id)
    sent = 0
    stand_ins: list[int] = []
    for community_id in community_ids:
        recipients = ambassadors.get(community_id) or managers.get(community_id) or []
        if not recipients:  # a community nobody leads: the organisation's ambassadors
            recipients = stand_ins or stand_ins_for(post, exclude=[post.author_id])
            stand_ins = recipients
        sent += notify(
            recipient_ids=recipients,
            kind="first_contribution",
            key=f"first:{post.author_id}",
            actor_id=post.author_id,
            post_id=post.pk,
            community_id=community_id,
        )
    return sent
