"""Every write of curation and read receipts: pin, feature, bookmark, mark read (F-CURATE,
F-ANNOUNCE). Callers load the post with `access_post` first; checks on communities are here."""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from rucher.accounts.models import User
from rucher.content.access import moderated_communities, readable_communities
from rucher.content.models import Bookmark, Post, PostCommunity, PostRead
from rucher.core.audit import audit_record

CurationField = Literal["pinned_at", "featured_at"]


def _managed_placements(
    *, actor: User, post: Post, community_slug: str | None
) -> list[PostCommunity]:
    """The post's placements the actor manages: the one named, or all of them.

    A community the post is not in, or that the actor may not read, is 404 (like a missing
    one); one they read but do not manage is 403, as is a post in none they manage.
    """
    placements = PostCommunity.objects.filter(post=post).select_related("community")
    if community_slug is not None:
        placement = (
            placements.filter(
                community__slug=community_slug, community__in=readable_communities(actor)
            )
            .select_for_update(of=("self",))
            .first()
        )
        if placement is None:
            raise Http404
        if not moderated_communities(actor).filter(pk=placement.community_id).exists():
            raise PermissionDenied
        return [placement]
    managed = list(
        placements.filter(community__in=moderated_communities(actor))
        .select_for_update(of=("self",))
        .order_by("community__sort_name", "community_id")
    )
    if not managed:
        raise PermissionDenied
    return managed


def _curate(
    *, actor: User, post: Post, field: CurationField, on: bool, community_slug: str | None
) -> list[str]:
    placements = _managed_placements(actor=actor, post=post, community_slug=community_slug)
    now = timezone.now()
    changed = []
    for placement in placements:
        current = getattr(placement, field)
        if on and current is None:
            setattr(placement, field, now)
        elif not on and current is not None:
            setattr(placement, field, None)
        else:
            continue  # already in the wanted state: idempotent, no audit noise
        placement.save(update_fields=[field])
        changed.append(placement.community.slug)
    if changed:
        verb = {"pinned_at": "pin", "featured_at": "feature"}[field]
        audit_record(
            action=f"post.{verb if on else 'un' + verb}",
            actor=actor,
            target=f"post:{post.pk}",
            data={"communities": changed},
        )
    return [placement.community.slug for placement in placements]


@transaction.atomic
def post_pin(*, actor: User, post: Post, community_slug: str | None = None) -> list[str]:
    """Pins the post in the named community, or in every one of its communities the actor
    manages; returns the slugs of the communities concerned."""
    return _curate(
        actor=actor, post=post, field="pinned_at", on=True, community_slug=community_slug
    )


@transaction.atomic
def post_unpin(*, actor: User, post: Post, community_slug: str | None = None) -> list[str]:
    return _curate(
        actor=actor, post=post, field="pinned_at", on=False, community_slug=community_slug
    )


@transaction.atomic
def post_feature(*, actor: User, post: Post, community_slug: str | None = None) -> list[str]:
    return _curate(
        actor=actor, post=post, field="featured_at", on=True, community_slug=community_slug
    )


@transaction.atomic
def post_unfeature(*, actor: User, post: Post, community_slug: str | None = None) -> list[str]:
    return _curate(
        actor=actor, post=post, field="featured_at", on=False, community_slug=community_slug
    )


def bookmark_create(*, person: User, post: Post) -> bool:
    """Bookmarks the post; returns False when it already was (idempotent)."""
    try:
        with transaction.atomic():
            _bookmark, created = Bookmark.objects.get_or_create(person=person, post=post)
    except IntegrityError:  # a concurrent bookmark by the same person won
        return False
    return created


@transaction.atomic
def bookmark_delete(*, person: User, post: Post) -> bool:
    deleted, _ = Bookmark.objects.filter(person=person, post=post).delete()
    return deleted > 0


def post_mark_read(*, person: User, post: Post) -> tuple[PostRead, bool]:
    """Records that the person has read the post (a read receipt); idempotent, the first
    reading time is kept. Returns the receipt and whether it was created now."""
    try:
        with transaction.atomic():
            return PostRead.objects.get_or_create(person=person, post=post)
    except IntegrityError:  # a concurrent receipt (double click) won
        return PostRead.objects.get(person=person, post=post), False
