"""Demo recognition: the points the demo's invented activity would have earned, a few public
thanks, the badges they make, and last week's top 3 — so that `make run` shows a living
leaderboard, profile scores and the top 3 on the home page.

Called by `rucher demo` after the demo content and questions, which write their rows with the
ORM (no services, so no points). Points go through `points_grant` with the ledger's own keys
and rules (values, daily and pair caps), dated when the contribution happened, so a second run
grants nothing twice. Thanks go through `kudos_give`, once per (giver, receiver) pair.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.content.models import Comment, CommentLike, Post, PostLike, is_answer
from rucher.recognition.badges import badges_check
from rucher.recognition.kudos import kudos_give
from rucher.recognition.leaderboard import weekly_top_freeze
from rucher.recognition.models import Kudos, OrganisationValue, PersonScore, PointsReason
from rucher.recognition.points import POST_REASONS, points_grant

Reason = PointsReason

# (giver, receiver, community slug, value position, message)
THANKS = [
    (
        "camille.martin",
        "antoine.dupont",
        "bienvenue",
        0,
        "Merci Antoine pour ton aide sur la migration des postes de travail : tout a marché du "
        "premier coup !",
    ),
    (
        "antoine.dupont",
        "chloe.thomas",
        "bienvenue",
        2,
        "Merci Chloé pour la relecture minutieuse de la procédure qualité.",
    ),
    (
        "chloe.thomas",
        "camille.martin",
        "bienvenue",
        3,
        "Merci Camille d'avoir accueilli si chaleureusement les nouveaux arrivants.",
    ),
]


def _at(moment: datetime, now: datetime) -> datetime:
    return min(moment, now)


def _grant_content(now: datetime) -> int:
    granted = 0
    firsts: set[int] = set()
    posts = Post.objects.filter(hidden_at__isnull=True).order_by("created_at", "pk")
    for post in posts:
        reason = POST_REASONS.get(post.kind)
        if post.author_id is None or reason is None:
            continue
        at = _at(post.created_at, now)
        granted += bool(
            points_grant(
                person_id=post.author_id,
                reason=reason,
                key=f"post:{post.pk}",
                post_id=post.pk,
                now=at,
            )
        )
        if post.author_id not in firsts:
            firsts.add(post.author_id)
            granted += bool(
                points_grant(
                    person_id=post.author_id,
                    reason=Reason.FIRST_CONTRIBUTION,
                    key=f"first:{post.pk}",
                    post_id=post.pk,
                    now=at,
                )
            )
    comments = (
        Comment.objects.filter(hidden_at__isnull=True)
        .select_related("post")
        .order_by("created_at", "pk")
    )
    for comment in comments:
        post = comment.post
        if comment.author_id is None or post.is_hidden:
            continue
        # The questions app's rule: a top-level comment on someone else's question.
        answer = is_answer(comment, post)
        granted += bool(
            points_grant(
                person_id=comment.author_id,
                reason=Reason.ANSWER if answer else Reason.COMMENT,
                key=f"answer:{comment.pk}" if answer else f"comment:{comment.pk}",
                post_id=post.pk,
                comment_id=comment.pk,
                now=_at(comment.created_at, now),
            )
        )
    return granted


def _grant_likes(now: datetime) -> int:
    granted = 0
    for like in PostLike.objects.select_related("post").order_by("pk"):
        post = like.post
        if post.author_id is None or post.author_id == like.person_id or post.is_hidden:
            continue
        granted += bool(
            points_grant(
                person_id=post.author_id,
                reason=Reason.LIKE_RECEIVED,
                key=f"post_like:{like.pk}",
                actor_id=like.person_id,
                post_id=post.pk,
                now=_at(post.created_at + timedelta(hours=2), now),
            )
        )
    for clike in CommentLike.objects.select_related("comment").order_by("pk"):
        comment = clike.comment
        if comment.author_id is None or comment.author_id == clike.person_id:
            continue
        if comment.is_hidden:
            continue
        granted += bool(
            points_grant(
                person_id=comment.author_id,
                reason=Reason.LIKE_RECEIVED,
                key=f"comment_like:{clike.pk}",
                actor_id=clike.person_id,
                post_id=comment.post_id,
                comment_id=comment.pk,
                now=_at(comment.created_at + timedelta(hours=2), now),
            )
        )
    return granted


def _thank(now: datetime) -> int:
    values = list(OrganisationValue.objects.filter(active=True).order_by("position", "name"))
    people = {u.username: u for u in User.objects.filter(username__in=_thank_usernames())}
    given = 0
    for giver_name, receiver_name, slug, value_index, message in THANKS:
        giver, receiver = people.get(giver_name), people.get(receiver_name)
        community = Community.objects.filter(slug=slug).first()
        if giver is None or receiver is None or community is None:
            continue
        if Kudos.objects.filter(giver=giver, receiver=receiver).exists():
            continue
        value = values[value_index % len(values)] if values else None
        kudos_give(giver=giver, community=community, to=receiver, message=message, value=value)
        given += 1
    return given


def _thank_usernames() -> set[str]:
    return {name for row in THANKS for name in row[:2]}


@transaction.atomic
def demo_recognition_load(*, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    points = _grant_content(now) + _grant_likes(now)
    thanks = _thank(now)
    badges = 0
    for person_id in PersonScore.objects.values_list("person_id", flat=True):
        badges += len(badges_check(person_id=person_id, now=now))
    frozen = weekly_top_freeze(now=now)
    return {"points": points, "thanks": thanks, "badges": badges, "top3": frozen}
