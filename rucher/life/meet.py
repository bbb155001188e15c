"""Meet a colleague (F-MEET): one colleague at random, preferring people one has never
interacted with (no follow, comment, like or reply either way), from another department and
another site, with a complete profile. Lives here, above content, because interactions are
content's likes and comments."""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Max, Min, Q, QuerySet

from rucher.accounts.models import Follow, User
from rucher.accounts.selectors import COMPLETE_PROFILE_THRESHOLD
from rucher.content.models import Comment, CommentLike, PostLike
from rucher.core.prepared import prepared_rows

# Enough for anyone's circle; past it the rarest interactions may be suggested again, which
# costs nothing worse than a familiar face.
MAX_INTERACTIONS = 5000


def _interacted_rows(values: Mapping[str, Any]) -> QuerySet[Any, int]:
    me = values["person"]
    parts = [
        Follow.objects.filter(follower_id=me).values_list("followee_id", flat=True),
        Follow.objects.filter(followee_id=me).values_list("follower_id", flat=True),
        Comment.objects.filter(author_id=me).values_list("post__author_id", flat=True),
        Comment.objects.filter(post__author_id=me).values_list("author_id", flat=True),
        Comment.objects.filter(author_id=me, parent__isnull=False).values_list(
            "parent__author_id", flat=True
        ),
        Comment.objects.filter(parent__author_id=me).values_list("author_id", flat=True),
        PostLike.objects.filter(person_id=me).values_list("post__author_id", flat=True),
        PostLike.objects.filter(post__author_id=me).values_list("person_id", flat=True),
        CommentLike.objects.filter(person_id=me).values_list("comment__author_id", flat=True),
        CommentLike.objects.filter(comment__author_id=me).values_list("person_id", flat=True),
    ]
    return parts[0].union(*parts[1:])[:MAX_INTERACTIONS]


def interacted_ids(viewer: User) -> set[int]:
    """Everyone the viewer has interacted with, either way, in one query (a UNION of ten
    parts, on every home page: compiled once per process, rucher.core.prepared)."""
    me = viewer.pk
    rows = prepared_rows("meet:interacted", _interacted_rows, {"person": me})
    return {pk for (pk,) in rows if pk is not None and pk != me}


@dataclass(frozen=True)
class _Tier:
    """A preference: its conditions by name (those the viewer has: see meet_colleague)."""

    names: tuple[str, ...]

    def where(self, conditions: Mapping[str, Q]) -> Q:
        return Q(*(conditions[name] for name in self.names))

    def holds(self, group: Mapping[str, Any]) -> bool:
        """Whether a group of candidates (their values of the conditions) is in this tier."""
        return all(group[name] for name in self.names)


def _first_tier(
    everyone: QuerySet[User], conditions: Mapping[str, Q], tiers: Sequence[_Tier]
) -> tuple[_Tier, int, int] | None:
    """The first tier anyone is in and its id range, in one query: the candidates grouped by
    the conditions they meet (at most 16 groups) with each group's lowest and highest id,
    where an aggregate per tier tried cost a query per empty tier."""
    groups = list(
        everyone.annotate(
            **{
                name: ExpressionWrapper(condition, output_field=BooleanField())
                for name, condition in conditions.items()
            }
        )
        .values(*conditions)
        .annotate(first=Min("pk"), last=Max("pk"))
        .order_by()
    )
    for tier in tiers:
        inside = [group for group in groups if tier.holds(group)]
        if inside:
            return tier, min(g["first"] for g in inside), max(g["last"] for g in inside)
    return None


def meet_colleague(viewer: User) -> User | None:
    # Bots (incoming webhooks) are nobody to meet.
    everyone = User.objects.filter(is_active=True, is_bot=False, meet_opt_out=False).exclude(
        pk=viewer.pk
    )
    conditions = {"complete": Q(profile_completeness__gte=COMPLETE_PROFILE_THRESHOLD)}
    interacted = interacted_ids(viewer)
    if interacted:
        conditions["fresh"] = ~Q(pk__in=interacted)
    elsewhere = Q()
    if viewer.department:
        elsewhere &= ~Q(department__iexact=viewer.department)
    if viewer.site:
        elsewhere &= ~Q(site__iexact=viewer.site)
    if elsewhere:
        conditions["elsewhere"] = elsewhere
    if viewer.department and viewer.site:
        conditions["somewhat_elsewhere"] = ~Q(department__iexact=viewer.department) | ~Q(
            site__iexact=viewer.site
        )

    def tier(*names: str) -> _Tier:
        # A condition the viewer does not have (no interaction, no department…) holds for all.
        return _Tier(tuple(name for name in names if name in conditions))

    # Preferences, not exclusions: someone who knows everyone still meets a colleague.
    tiers = (
        tier("fresh", "elsewhere", "complete"),
        tier("fresh", "somewhat_elsewhere", "complete"),
        tier("fresh", "complete"),
        tier("fresh", "elsewhere"),
        tier("fresh"),
        tier("complete"),
        tier(),
    )
    found = _first_tier(everyone, conditions, tiers)
    if found is None:
        return None
    chosen, first, last = found
    # A random point in the tier's id range, then the next match: an indexed query instead
    # of ORDER BY RANDOM() over everyone.
    pivot = random.randint(first, last)
    return everyone.filter(chosen.where(conditions), pk__gte=pivot).order_by("pk").first()
