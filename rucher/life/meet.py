"""Meet a colleague (F-MEET): one colleague at random, preferring people one has never
interacted with (no follow, comment, like or reply either way), from another department and
another site, with a complete profile. Lives here, above content, because interactions are
content's likes and comments."""

import random

from django.db.models import Max, Min, Q, QuerySet

from rucher.accounts.models import Follow, User
from rucher.accounts.selectors import COMPLETE_PROFILE_THRESHOLD
from rucher.content.models import Comment, CommentLike, PostLike

# Enough for anyone's circle; past it the rarest interactions may be suggested again, which
# costs nothing worse than a familiar face.
MAX_INTERACTIONS = 5000


def interacted_ids(viewer: User) -> set[int]:
    """Everyone the viewer has interacted with, either way, in one query (a UNION)."""
    me = viewer.pk
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
    union = parts[0].union(*parts[1:])
    return {pk for pk in union[:MAX_INTERACTIONS] if pk is not None and pk != me}


def _pick(qs: QuerySet[User]) -> User | None:
    """A random point in the id range, then the next match: two indexed queries (the range in
    one aggregate, then the pick) instead of ORDER BY RANDOM() over everyone."""
    bounds = qs.aggregate(first=Min("pk"), last=Max("pk"))
    first = bounds["first"]
    if first is None:
        return None
    pivot = random.randint(first, bounds["last"])
    return qs.filter(pk__gte=pivot).order_by("pk").first()


def meet_colleague(viewer: User) -> User | None:
    # Bots (incoming webhooks) are nobody to meet.
    everyone = User.objects.filter(is_active=True, is_bot=False, meet_opt_out=False).exclude(
        pk=viewer.pk
    )
    fresh = everyone.exclude(pk__in=interacted_ids(viewer))
    elsewhere = Q()
    if viewer.department:
        elsewhere &= ~Q(department__iexact=viewer.department)
    if viewer.site:
        elsewhere &= ~Q(site__iexact=viewer.site)
    somewhat_elsewhere = Q()
    if viewer.department and viewer.site:
        somewhat_elsewhere = ~Q(department__iexact=viewer.department) | ~Q(site__iexact=viewer.site)
    complete = Q(profile_completeness__gte=COMPLETE_PROFILE_THRESHOLD)
    # Preferences, not exclusions: someone who knows everyone still meets a colleague.
    tiers = (
        fresh.filter(elsewhere & complete),
        fresh.filter(somewhat_elsewhere & complete),
        fresh.filter(complete),
        fresh.filter(elsewhere),
        fresh,
        everyone.filter(complete),
        everyone,
    )
    for qs in tiers:
        person = _pick(qs)
        if person is not None:
            return person
    return None
