"""The only way to load a post, a comment or an attachment a person may read.

A post is readable through any of its communities the viewer may read (open ones unless a
manager removed them from it, those they are a member of; administrators read everything).
Membership is read on every call, so leaving a community revokes access at once. Not found and
not allowed are the same 404.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from rucher.accounts.models import User
from rucher.communities.access import is_administrator
from rucher.communities.models import Community, Membership
from rucher.content.models import Attachment, Comment, Post, PostCommunity

MAX_ID = 2**63 - 1


def readable_communities(viewer: User) -> QuerySet[Community]:
    """Communities whose content the viewer may read (a subquery, never materialised)."""
    if not (viewer.is_authenticated and viewer.is_active):
        return Community.objects.none()
    if is_administrator(viewer):
        return Community.objects.all()
    mine = Membership.objects.filter(community=OuterRef("pk"), person=viewer.pk)
    member = mine.filter(status=Membership.Status.MEMBER)
    # Open communities are read by everyone except the people a manager removed from them.
    removed = mine.filter(status=Membership.Status.REMOVED)
    return Community.objects.filter(
        (Q(visibility=Community.Visibility.OPEN) & ~Exists(removed)) | Exists(member)
    )


def member_communities(viewer: User) -> QuerySet[Community]:
    """Communities the viewer is a member of (their home feed's sources)."""
    return Community.objects.filter(
        memberships__person=viewer.pk, memberships__status=Membership.Status.MEMBER
    )


def moderated_communities(viewer: User) -> QuerySet[Community]:
    """Communities the viewer moderates (owner or manager); all for administrators."""
    if is_administrator(viewer):
        return Community.objects.all()
    return Community.objects.filter(
        memberships__person=viewer.pk,
        memberships__status=Membership.Status.MEMBER,
        memberships__role__in=Membership.MANAGING_ROLES,
    )


def readable_posts(viewer: User) -> QuerySet[Post]:
    """Posts readable by the viewer: in a readable community, and not hidden by moderation
    (moderators of one of its communities still see hidden posts)."""
    placed = PostCommunity.objects.filter(
        post=OuterRef("pk"), community__in=readable_communities(viewer)
    )
    moderated = PostCommunity.objects.filter(
        post=OuterRef("pk"), community__in=moderated_communities(viewer)
    )
    return Post.objects.filter(Exists(placed)).filter(Q(hidden_at__isnull=True) | Exists(moderated))


def can_moderate_post(viewer: User, post: Post) -> bool:
    return PostCommunity.objects.filter(
        post=post, community__in=moderated_communities(viewer)
    ).exists()


def _check_id(value: int) -> None:
    if not 0 < value <= MAX_ID:
        raise Http404


def access_post(viewer: User, post_id: int, *, for_write: bool = False) -> Post:
    """Loads a readable post; for_write also requires being its author (403 otherwise)."""
    if not (viewer.is_authenticated and viewer.is_active):
        raise Http404
    _check_id(post_id)
    post = readable_posts(viewer).filter(pk=post_id).select_related("author").first()
    if post is None:
        raise Http404
    if for_write and post.author_id != viewer.pk:
        raise PermissionDenied
    return post


def access_post_for_moderation(viewer: User, post_id: int) -> Post:
    post = access_post(viewer, post_id)
    if not can_moderate_post(viewer, post):
        raise PermissionDenied
    return post


def access_comment(viewer: User, comment_id: int, *, for_write: bool = False) -> Comment:
    """Loads a comment on a readable post; hidden comments only for moderators."""
    if not (viewer.is_authenticated and viewer.is_active):
        raise Http404
    _check_id(comment_id)
    comment = (
        Comment.objects.filter(pk=comment_id, post__in=readable_posts(viewer))
        .select_related("post", "author")
        .first()
    )
    if comment is None:
        raise Http404
    if comment.is_hidden and not can_moderate_post(viewer, comment.post):
        raise Http404
    if for_write and comment.author_id != viewer.pk:
        raise PermissionDenied
    return comment


def access_attachment(viewer: User, attachment_id: int) -> Attachment:
    """An attachment is readable with its post (or its comment's post); an unattached upload
    only by its uploader."""
    if not (viewer.is_authenticated and viewer.is_active):
        raise Http404
    _check_id(attachment_id)
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    if attachment.post_id is None and attachment.comment_id is None:
        if attachment.uploader_id != viewer.pk:
            raise Http404
        return attachment
    if attachment.comment_id is not None:
        access_comment(viewer, attachment.comment_id)
    else:
        access_post(viewer, attachment.post_id)  # type: ignore[arg-type]
    return attachment
