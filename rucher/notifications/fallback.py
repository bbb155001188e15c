"""Who hears about a community that has no one to hear (issue 14, item 5).

"Bienvenue" or "Support / SAV" may have no owner, manager or ambassador: a newcomer's first
post there, a question about to miss its promise and a request to join would reach nobody. The
organisation's ambassadors (the `is_ambassador` flag) stand in for the community's leaders, and
the administrators when there are no ambassadors, or none who may read the post."""

from collections.abc import Iterable

from django.db.models import Q

from rucher.accounts.models import User
from rucher.content.access import readers_among
from rucher.content.models import Post


def _ambassador_ids() -> list[int]:
    return list(
        User.objects.filter(is_active=True, is_ambassador=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def administrator_ids() -> list[int]:
    return list(
        User.objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def stand_ins_for(post: Post, *, exclude: Iterable[int] = ()) -> list[int]:
    """The organisation's ambassadors who may read the post, else the administrators (who read
    every placed post); never the excluded (the author)."""
    excluded = set(exclude)
    for group in (_ambassador_ids(), administrator_ids()):
        found = [pk for pk in readers_among(post, group) if pk not in excluded]
        if found:
            return found
    return []
