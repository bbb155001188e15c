"""The points ledger (F-POINTS): every grant and withdrawal is a row; a person's total and the
per-period totals follow in the same transaction. The rules (reasons, keys, caps, anti-gaming,
withdrawals) are in docs/points.md.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from rucher.communities.models import Membership
from rucher.content.access import readable_community_q, readable_posts
from rucher.content.models import (
    Comment,
    CommentLike,
    Post,
    PostCommunity,
    PostKind,
    PostLike,
    is_answer,
)
from rucher.content.selectors import is_first_post
from rucher.core.pagination import Page, keyset_page
from rucher.recognition.badges import badges_check_enqueue
from rucher.recognition.models import Kudos, PersonScore, PointsEntry, PointsReason, PointsValue
from rucher.recognition.periods import period_scores_add

if TYPE_CHECKING:
    from rucher.accounts.models import User
    from rucher.core.pagination import Page
    from rucher.recognition.models import Kudos

Reason = PointsReason

DEFAULT_VALUES: dict[str, int] = {
    Reason.POST: 5,
    Reason.QUESTION: 5,
    Reason.ANSWER: 10,
    Reason.COMMENT: 2,
    Reason.LIKE_RECEIVED: 2,
    Reason.ANSWER_ACCEPTED: 15,
    Reason.FIRST_CONTRIBUTION: 10,
    Reason.KUDOS_RECEIVED: 10,
    Reason.EVENT_ATTENDED: 5,
    Reason.IDEA_ACCEPTED: 20,
}
# Points per person, reason and day; 0 means no cap.
DEFAULT_DAILY_CAPS: dict[str, int] = {
    Reason.POST: 50,
    Reason.QUESTION: 50,
    Reason.ANSWER: 100,
    Reason.COMMENT: 40,
    Reason.LIKE_RECEIVED: 60,
    Reason.ANSWER_ACCEPTED: 150,
    Reason.FIRST_CONTRIBUTION: 0,
    Reason.KUDOS_RECEIVED: 30,
    Reason.EVENT_ATTENDED: 25,
    Reason.IDEA_ACCEPTED: 100,
}
DEFAULT_PAIR_DAILY_CAP = 3
# Thanks between the same two people earn points once a day.
KUDOS_PAIR_DAILY_CAP = 1

# Post kinds that earn points when published. Announcements are official communication (the
# managers' duty, not a voluntary contribution) and thanks earn their receiver, not their giver.
POST_REASONS: dict[str, str] = {
    PostKind.POST: Reason.POST,
    PostKind.ARTICLE: Reason.POST,
    PostKind.IDEA: Reason.POST,
    PostKind.DISCUSSION: Reason.POST,
    PostKind.QUESTION: Reason.QUESTION,
}


@dataclass(frozen=True)
class Rule:
    points: int
    daily_cap: int


def points_rule(reason: str) -> Rule:
    """The value and daily cap of a reason: the administrators' row, else the defaults. Read on
    every grant (one indexed query on a tiny table), so a change applies at once."""
    row = PointsValue.objects.filter(reason=reason).values_list("points", "daily_cap").first()
    if row is not None:
        return Rule(points=row[0], daily_cap=row[1])
    return Rule(points=DEFAULT_VALUES[reason], daily_cap=DEFAULT_DAILY_CAPS[reason])


def points_value(reason: str) -> int:
    return points_rule(reason).points


def points_rules() -> dict[str, Rule]:
    """Every reason's rule (one query), e.g. for a help page."""
    rows = dict(
        (reason, Rule(points=points, daily_cap=cap))
        for reason, points, cap in PointsValue.objects.values_list("reason", "points", "daily_cap")
    )
    return {
        reason: rows.get(reason)
        or Rule(points=DEFAULT_VALUES[reason], daily_cap=DEFAULT_DAILY_CAPS[reason])
        for reason in Reason.values
    }


def pair_daily_cap(reason: str) -> int | None:
    """How many grants a day one actor may cause to one person for this reason (None: any)."""
    if reason == Reason.LIKE_RECEIVED:
        return int(getattr(settings, "RUCHER_POINTS_PAIR_DAILY_CAP", DEFAULT_PAIR_DAILY_CAP))
    if reason == Reason.KUDOS_RECEIVED:
        return KUDOS_PAIR_DAILY_CAP
    return None


def day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The calendar day of `now` in the organisation's time zone, as [start, end)."""
    zone = timezone.get_default_timezone()
    day = timezone.localtime(now, zone).date()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)
    return start, end


def live_grants(queryset: QuerySet[PointsEntry] | None = None) -> QuerySet[PointsEntry]:
    """Grants not withdrawn (withdrawals themselves excluded)."""
    qs = PointsEntry.objects.all() if queryset is None else queryset
    return qs.filter(reverses__isnull=True, reversed_by__isnull=True)


def _lock_score(person_id: int) -> bool:
    """Creates the person's score row if needed, then locks it until the end of the
    transaction: every ledger write for one person goes through here first. True when the
    person is a bot (an incoming webhook's), who never earns points."""
    PersonScore.objects.bulk_create([PersonScore(person_id=person_id)], ignore_conflicts=True)
    rows = list(
        PersonScore.objects.select_for_update(of=("self",))
        .filter(person_id=person_id)
        .values_list("person__is_bot", flat=True)
    )
    return bool(rows and rows[0])


def _earning_community(person_id: int, post_id: int) -> int | None:
    """The first community of the post the person was not removed from (None: none left)."""
    removed = Membership.objects.filter(
        person_id=person_id, status=Membership.Status.REMOVED
    ).values("community_id")
    return (
        PostCommunity.objects.filter(post_id=post_id)
        .exclude(community_id__in=removed)
        .order_by("id")
        .values_list("community_id", flat=True)
        .first()
    )


@transaction.atomic
def points_grant(
    *,
    person_id: int,
    reason: str,
    key: str,
    actor_id: int | None = None,
    community_id: int | None = None,
    post_id: int | None = None,
    comment_id: int | None = None,
    now: datetime | None = None,
) -> PointsEntry | None:
    """Records one grant, or nothing when a rule says so (see the module's docstring).

    The community is the given one, else the post's first community the person was not removed
    from; either is checked against removals after the lock. Returns the new entry or None.
    """
    if reason not in Reason.values:
        raise ValueError(f"unknown points reason {reason!r}")
    if actor_id is not None and actor_id == person_id:
        return None
    now = now or timezone.now()
    if _lock_score(person_id):
        return None
    if community_id is not None:
        if Membership.objects.filter(
            person_id=person_id, community_id=community_id, status=Membership.Status.REMOVED
        ).exists():
            return None
    elif post_id is not None:
        community_id = _earning_community(person_id, post_id)
        if community_id is None:
            return None
    if live_grants(PointsEntry.objects.filter(key=key, person_id=person_id)).exists():
        return None
    rule = points_rule(reason)
    points = rule.points
    if points <= 0:
        return None
    start, end = day_bounds(now)
    today = live_grants(
        PointsEntry.objects.filter(
            person_id=person_id, reason=reason, created_at__gte=start, created_at__lt=end
        )
    )
    pair_cap = pair_daily_cap(reason)
    if (
        actor_id is not None
        and pair_cap is not None
        and today.filter(actor_id=actor_id).count() >= pair_cap
    ):
        return None
    if rule.daily_cap:
        earned = today.aggregate(total=Sum("points"))["total"] or 0
        points = min(points, rule.daily_cap - earned)
        if points <= 0:
            return None
    entry = PointsEntry.objects.create(
        person_id=person_id,
        reason=reason,
        points=points,
        key=key,
        actor_id=actor_id,
        community_id=community_id,
        post_id=post_id,
        comment_id=comment_id,
        created_at=now,
    )
    PersonScore.objects.filter(person_id=person_id).update(total=F("total") + points)
    period_scores_add(person_id, [(community_id, now, points)])

    badges_check_enqueue(person_id=person_id)
    return entry


@transaction.atomic
def points_reverse(*, where: Q, now: datetime | None = None) -> int:
    """Withdraws every live grant matching `where` (a new opposite row for each). Returns how
    many grants were withdrawn."""
    now = now or timezone.now()
    person_ids = sorted(set(live_grants().filter(where).values_list("person_id", flat=True)))
    withdrawn = 0
    for person_id in person_ids:
        _lock_score(person_id)
        # Read again under the lock: a concurrent withdrawal may have come first.
        grants = list(live_grants().filter(where, person_id=person_id).order_by("id"))
        if not grants:
            continue
        PointsEntry.objects.bulk_create(
            [
                PointsEntry(
                    person_id=person_id,
                    reason=grant.reason,
                    points=-grant.points,
                    key=grant.key,
                    reverses=grant,
                    actor_id=grant.actor_id,
                    community_id=grant.community_id,
                    post_id=grant.post_id,
                    comment_id=grant.comment_id,
                    created_at=now,
                )
                for grant in grants
            ]
        )
        total = sum(grant.points for grant in grants)
        PersonScore.objects.filter(person_id=person_id).update(total=F("total") - total)
        period_scores_add(person_id, [(g.community_id, now, -g.points) for g in grants])
        withdrawn += len(grants)
    return withdrawn


def points_total(person_id: int) -> int:
    return (
        PersonScore.objects.filter(person_id=person_id).values_list("total", flat=True).first() or 0
    )


# --- hooks called by the other apps' services ---------------------------------------------


def _grant_first_contribution(post: Post) -> PointsEntry | None:
    if post.author_id is None or not is_first_post(post):
        return None
    author_id = post.author_id
    if live_grants(
        PointsEntry.objects.filter(person_id=author_id, reason=Reason.FIRST_CONTRIBUTION)
    ).exists():
        return None
    return points_grant(
        person_id=author_id,
        reason=Reason.FIRST_CONTRIBUTION,
        key=f"first:{post.pk}",
        post_id=post.pk,
    )


def _grant_post(post: Post) -> int:
    """What publishing the post earns its author: its kind's points and, for a first post, the
    first contribution. Returns how many grants were recorded."""
    reason = POST_REASONS.get(post.kind)
    if post.author_id is None or reason is None or post.is_hidden:
        return 0
    granted = points_grant(
        person_id=post.author_id, reason=reason, key=f"post:{post.pk}", post_id=post.pk
    )
    first = _grant_first_contribution(post)
    return int(granted is not None) + int(first is not None)


@transaction.atomic
def points_on_post_created(*, post: Post) -> int:
    """Called by content's post_create (thanks are granted by kudos_give instead)."""
    return _grant_post(post)


def _comment_reason(comment: Comment, post: Post) -> str:
    return Reason.ANSWER if is_answer(comment, post) else Reason.COMMENT


def _comment_key(comment: Comment, post: Post) -> str:
    reason = _comment_reason(comment, post)
    return f"answer:{comment.pk}" if reason == Reason.ANSWER else f"comment:{comment.pk}"


@transaction.atomic
def points_on_comment_created(*, comment: Comment, post: Post) -> PointsEntry | None:
    """Called by content's comment_create: an answer (a top-level comment on someone else's
    question) or a comment."""
    if comment.author_id is None or comment.is_hidden or post.is_hidden:
        return None
    return points_grant(
        person_id=comment.author_id,
        reason=_comment_reason(comment, post),
        key=_comment_key(comment, post),
        post_id=post.pk,
        comment_id=comment.pk,
    )


def points_on_post_like(*, post: Post, liker_id: int, liked: bool) -> int:
    """A like created (liked=True) or removed on a post: like_received to its author."""
    if not liked:
        return points_reverse(
            where=Q(
                reason=Reason.LIKE_RECEIVED,
                post_id=post.pk,
                comment__isnull=True,
                actor_id=liker_id,
            )
        )
    if post.author_id is None or post.author_id == liker_id or post.is_hidden:
        return 0
    like_id = (
        PostLike.objects.filter(post=post.pk, person=liker_id).values_list("pk", flat=True).first()
    )
    if like_id is None:
        return 0
    granted = points_grant(
        person_id=post.author_id,
        reason=Reason.LIKE_RECEIVED,
        key=f"post_like:{like_id}",
        actor_id=liker_id,
        post_id=post.pk,
    )
    return int(granted is not None)


def points_on_comment_like(*, comment: Comment, liker_id: int, liked: bool) -> int:
    """A like created or removed on a comment (any comment, answers included)."""
    if not liked:
        return points_reverse(
            where=Q(reason=Reason.LIKE_RECEIVED, comment_id=comment.pk, actor_id=liker_id)
        )
    post = comment.post
    if (
        comment.author_id is None
        or comment.author_id == liker_id
        or comment.is_hidden
        or post.is_hidden
    ):
        return 0
    like_id = (
        CommentLike.objects.filter(comment=comment.pk, person=liker_id)
        .values_list("pk", flat=True)
        .first()
    )
    if like_id is None:
        return 0
    granted = points_grant(
        person_id=comment.author_id,
        reason=Reason.LIKE_RECEIVED,
        key=f"comment_like:{like_id}",
        actor_id=liker_id,
        post_id=post.pk,
        comment_id=comment.pk,
    )
    return int(granted is not None)


def points_on_accept(
    *, question_post: Post, comment: Comment, accepted: bool, accepted_by: int | None = None
) -> int:
    """The answer became the accepted one (`accepted_by` accepted it: the actor), or stopped
    being. Called by rucher.qa, which owns acceptance."""
    if not accepted:
        return points_reverse(where=Q(reason=Reason.ANSWER_ACCEPTED, comment_id=comment.pk))
    if comment.author_id is None or comment.is_hidden or not is_answer(comment, question_post):
        return 0
    granted = points_grant(
        person_id=comment.author_id,
        reason=Reason.ANSWER_ACCEPTED,
        key=f"accepted:{comment.pk}",
        actor_id=accepted_by,
        post_id=question_post.pk,
        comment_id=comment.pk,
    )
    return int(granted is not None)


def points_withdraw_for_post(*, post: Post) -> int:
    """Before a post is deleted: everything it earned, its comments' and answers' included."""
    return points_reverse(where=Q(post_id=post.pk))


def points_withdraw_for_comment(*, comment: Comment) -> int:
    """Before a comment (and its replies) is deleted."""
    return points_reverse(where=Q(comment_id=comment.pk) | Q(comment__parent_id=comment.pk))


@transaction.atomic
def points_on_post_hidden(*, post: Post) -> int:
    """Moderation hid the post: its author loses what it earned them (its points, the first
    contribution, the likes and the thanks it carries). Commenters keep theirs: their comments
    were not judged."""
    return points_reverse(where=Q(post_id=post.pk, comment__isnull=True))


@transaction.atomic
def points_on_post_restored(*, post: Post) -> int:
    """Moderation restored the post: grants again what hiding withdrew (today's caps apply)."""
    post = Post.objects.get(pk=post.pk)
    if post.is_hidden:
        return 0
    granted = _grant_post(post)
    if post.kind == PostKind.KUDOS:
        kudos = Kudos.objects.filter(post=post).first()
        if kudos is not None:
            granted += int(kudos_points_grant(kudos) is not None)
    for like_person_id in (
        PostLike.objects.filter(post=post).order_by("id").values_list("person_id", flat=True)
    ):
        granted += points_on_post_like(post=post, liker_id=like_person_id, liked=True)
    return granted


@transaction.atomic
def points_on_comment_hidden(*, comment: Comment) -> int:
    return points_reverse(where=Q(comment_id=comment.pk))


@transaction.atomic
def points_on_comment_restored(*, comment: Comment, accepted_by: int | None = None) -> int:
    """Moderation restored the comment: grants again what hiding withdrew. `accepted_by`: who
    accepted it, when it is its question's accepted answer (rucher.qa owns acceptance)."""
    comment = Comment.objects.select_related("post").get(pk=comment.pk)
    if comment.is_hidden:
        return 0
    post = comment.post
    granted = int(points_on_comment_created(comment=comment, post=post) is not None)
    for like_person_id in (
        CommentLike.objects.filter(comment=comment)
        .order_by("id")
        .values_list("person_id", flat=True)
    ):
        granted += points_on_comment_like(comment=comment, liker_id=like_person_id, liked=True)
    if accepted_by is not None:
        granted += points_on_accept(
            question_post=post, comment=comment, accepted=True, accepted_by=accepted_by
        )
    return granted


def kudos_points_grant(kudos: "Kudos") -> PointsEntry | None:
    """A public thanks earns its receiver kudos_received (key "kudos:<id>")."""
    return points_grant(
        person_id=kudos.receiver_id,
        reason=Reason.KUDOS_RECEIVED,
        key=f"kudos:{kudos.pk}",
        actor_id=kudos.giver_id,
        community_id=kudos.community_id,
        post_id=kudos.post_id,
    )


@transaction.atomic
def points_withdraw_for_community(*, person_id: int, community_id: int) -> int:
    """A manager removed the person from the community: everything they earned there goes."""
    return points_reverse(where=Q(person_id=person_id, community_id=community_id))


# --- consistency ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    person_id: int
    total: int | None
    ledger: int


def points_check(*, person_ids: Iterable[int] | None = None) -> list[Mismatch]:
    """Compares every PersonScore total with the sum of the person's ledger (a person with
    entries but no score row is a mismatch too). Two aggregate queries."""
    entries = PointsEntry.objects.all()
    scores = PersonScore.objects.all()
    if person_ids is not None:
        ids = list(person_ids)
        entries = entries.filter(person_id__in=ids)
        scores = scores.filter(person_id__in=ids)
    ledger: dict[int, int] = {
        person_id: total or 0
        for person_id, total in entries.values("person_id")
        .annotate(total=Sum("points"))
        .values_list("person_id", "total")
    }
    totals: dict[int, int] = dict(scores.values_list("person_id", "total"))
    mismatches = []
    for person_id in sorted(set(ledger) | set(totals)):
        expected = ledger.get(person_id, 0)
        actual = totals.get(person_id)
        if actual != expected and not (actual is None and expected == 0):
            mismatches.append(Mismatch(person_id=person_id, total=actual, ledger=expected))
    return mismatches


def points_fix(*, person_ids: Iterable[int]) -> int:
    """Rebuilds the totals of these people from their ledger, each under its lock. Returns how
    many totals changed."""
    changed = 0
    for person_id in sorted(set(person_ids)):
        with transaction.atomic():
            _lock_score(person_id)
            expected = (
                PointsEntry.objects.filter(person_id=person_id).aggregate(total=Sum("points"))[
                    "total"
                ]
                or 0
            )
            changed += (
                PersonScore.objects.filter(person_id=person_id)
                .exclude(total=expected)
                .update(total=expected)
            )
    return changed


# --- reads: a person's ledger ---------------------------------------------------------------

OBJECT_TITLE_LENGTH = 80


@dataclass
class LedgerItem:
    """One ledger row as a viewer may see it: the object (a post or a comment) only when the
    viewer may read it, otherwise nothing about it (not even a title)."""

    entry: PointsEntry
    object_type: str | None = None
    object_id: int | None = None
    post_id: int | None = None
    title: str = ""
    url: str = ""

    @property
    def reason_label(self) -> str:
        return str(Reason(self.entry.reason).label)

    @property
    def withdrawn(self) -> bool:
        return self.entry.reverses_id is not None


def points_ledger_page(
    viewer: "User", person: "User", *, cursor: str | None = None, limit: int = 30
) -> "Page[LedgerItem]":
    """The person's ledger, newest first (keyset on the points_by_person index). Three queries
    whatever the page size: the rows, the readable posts among theirs, the visible comments.

    Another viewer sees only the entries earned in communities they may read, and those tied to
    no community nor post (a grant for a post always names a community): the reason and time of
    an entry are activity, and activity in a secret community stays inside it. The total stays
    the person's whole score, which leaderboards show anyway."""
    from django.utils.text import Truncator

    entries_qs = PointsEntry.objects.filter(person=person.pk)
    if viewer.pk != person.pk:
        entries_qs = entries_qs.filter(
            readable_community_q(viewer, "community") | Q(community__isnull=True, post__isnull=True)
        )
    page = keyset_page(
        entries_qs,
        keys=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
        scope=f"points:{person.pk}",
    )
    entries: list[PointsEntry] = page.items
    post_ids = {e.post_id for e in entries if e.post_id is not None}
    posts: dict[int, Post] = {}
    if post_ids:
        posts = {
            p.pk: p
            for p in readable_posts(viewer)
            .filter(pk__in=post_ids)
            .only("pk", "title", "body", "kind")
        }
    comment_ids = {e.comment_id for e in entries if e.comment_id is not None}
    comments: set[int] = set()
    if comment_ids and posts:
        comments = set(
            Comment.objects.filter(
                pk__in=comment_ids, post_id__in=list(posts), hidden_at__isnull=True
            ).values_list("pk", flat=True)
        )
    items: list[LedgerItem] = []
    for entry in entries:
        item = LedgerItem(entry=entry)
        post = posts.get(entry.post_id) if entry.post_id is not None else None
        if post is not None:
            title = Truncator(post.title or post.body).chars(OBJECT_TITLE_LENGTH)
            if entry.comment_id is None:
                item.object_type, item.object_id = "post", post.pk
                item.post_id, item.title, item.url = post.pk, title, post.get_absolute_url()
            elif entry.comment_id in comments:
                item.object_type, item.object_id = "comment", entry.comment_id
                item.post_id, item.title = post.pk, title
                item.url = f"{post.get_absolute_url()}#comment-{entry.comment_id}"
        items.append(item)
    return Page(items=items, next_cursor=page.next_cursor)
