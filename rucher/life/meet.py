"""Meet a colleague (F-MEET): one colleague at random, preferring people one has never
interacted with (no follow, comment, like or reply either way), from another department and
another site, with a complete profile. Lives here, above content, because interactions are
content's likes and comments."""

import random
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db.models import Max, Min, Q, QuerySet, Subquery
from django.db.models.functions import Upper
from django.db.models.lookups import Exact

from rucher.accounts.models import Follow, User
from rucher.accounts.selectors import COMPLETE_PROFILE_THRESHOLD
from rucher.content.models import Comment, CommentLike, PostLike
from rucher.core.prepared import prepared_instances, prepared_rows

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


def _candidates(values: Mapping[str, Any]) -> QuerySet[User]:
    # Bots (incoming webhooks) are nobody to meet.
    return User.objects.filter(is_active=True, is_bot=False, meet_opt_out=False).exclude(
        pk=values["person"]
    )


def _condition_names(*, interacted: bool, department: bool, site: bool) -> set[str]:
    """The names of the conditions `_conditions` builds for such a viewer."""
    names = {"complete"}
    if interacted:
        names.add("fresh")
    if department or site:
        names.add("elsewhere")
    if department and site:
        names.add("somewhat_elsewhere")
    return names


def _conditions(values: Mapping[str, Any], *, department: bool, site: bool) -> dict[str, Q]:
    """The preferences the viewer has, by name. Their department and site are read from their
    row by the query (as `iexact` compares: upper case on both sides), so that it depends on
    the viewer only through ids and is compiled once per shape (rucher.core.prepared)."""
    conditions = {"complete": Q(profile_completeness__gte=COMPLETE_PROFILE_THRESHOLD)}
    if values["interacted"]:  # as _condition_names
        conditions["fresh"] = ~Q(pk__in=values["interacted"])
    mine = User.objects.filter(pk=values["person"])
    other = {
        name: ~Q(Exact(Upper(name), Upper(Subquery(mine.values(name)[:1]))))
        for name, has in (("department", department), ("site", site))
        if has
    }
    if other:
        conditions["elsewhere"] = Q(*other.values())
    if len(other) == 2:
        conditions["somewhat_elsewhere"] = other["department"] | other["site"]
    return conditions


def _pick(
    values: Mapping[str, Any], *, department: bool, site: bool, tier: _Tier
) -> QuerySet[User]:
    conditions = _conditions(values, department=department, site=site)
    return (
        _candidates(values)
        .filter(tier.where(conditions), pk__gte=values["pivot"])
        .order_by("pk")[:1]
    )


def meet_colleague(viewer: User) -> User | None:
    values: dict[str, int | tuple[int, ...]] = {
        "person": viewer.pk,
        "interacted": tuple(sorted(interacted_ids(viewer))),
    }
    department, site = bool(viewer.department), bool(viewer.site)
    shape = f"{int(department)}{int(site)}"
    known = _condition_names(
        interacted=bool(values["interacted"]), department=department, site=site
    )

    def tier(*names: str) -> _Tier:
        # A condition the viewer does not have (no interaction, no department…) holds for all.
        return _Tier(tuple(name for name in names if name in known))

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
    # The first tier anyone is in, and its id range: one MIN/MAX per tier tried, which
    # PostgreSQL answers from the primary key's two ends (most viewers stop at the first
    # tier). Grouping all the candidates by the conditions they meet, in one query, read
    # every person each time: 14 ms at 10,000 people (docs/performance.md).
    conditions = _conditions(values, department=department, site=site)
    for chosen in tiers:
        bounds = (
            _candidates(values)
            .filter(chosen.where(conditions))
            .aggregate(first=Min("pk"), last=Max("pk"))
        )
        if bounds["first"] is not None:
            break
    else:
        return None
    # A random point in the tier's id range, then the next match: an indexed query instead
    # of ORDER BY RANDOM() over everyone.
    pivot = random.randint(bounds["first"], bounds["last"])
    if "fresh" not in chosen.names:
        values["interacted"] = ()  # not in this query (a compiled query reads all its values)
    found = prepared_instances(
        User,
        f"meet:pick:{shape}:{','.join(chosen.names)}",
        partial(_pick, department=department, site=site, tier=chosen),
        values | {"pivot": pivot},
    )
    return found[0] if found else None
