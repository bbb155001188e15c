"""GDPR erasure (F-PRIVACY): an administrator erases a person. Every effect in every app is
undone through the same services as the person's own actions would be (unlike, unfollow, delete
a post), so counters, scores and leaderboards stay consistent (`rucher points_check` passes);
then the person's row is deleted, which removes the rest with it (profile, email, tokens,
notifications and their settings, bookmarks, points ledger, personal feeds and exports) and
ends their sessions (a session whose person no longer exists is anonymous)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rucher.accounts import services as accounts
from rucher.accounts.models import Follow, User
from rucher.actions import comments as comment_actions
from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions
from rucher.communities import services as communities
from rucher.content.models import Comment, CommentLike, Post, PostLike
from rucher.core.audit import audit_record


@transaction.atomic
def person_erase(*, actor: User, person: User, keep_content: bool) -> None:
    """Erases `person`; their posts and comments are kept with no author ("former member")
    when `keep_content`, else deleted (and what they earned others is withdrawn with them).
    The audit says who erased which person id, when and with which option, nothing more."""
    if not actor.is_administrator:
        raise PermissionDenied
    if person.pk == actor.pk:
        raise ValidationError(
            _("You cannot erase yourself: ask another administrator."), code="erase_self"
        )
    person = User.objects.select_for_update().get(pk=person.pk)
    person_id = person.pk
    # Likes they gave: unliked, so like counts and the points they gave are withdrawn.
    for post in Post.objects.filter(likes__person=person).distinct():
        like_actions.post_unlike(person=person, post=post)
    for comment in Comment.objects.filter(likes__person=person).select_related("post").distinct():
        like_actions.comment_unlike(person=person, comment=comment)
    if not keep_content:
        for comment_id in Comment.objects.filter(author=person).values_list("pk", flat=True):
            found = Comment.objects.select_related("post").filter(pk=comment_id).first()
            if found is not None:  # a reply goes with its parent
                comment_actions.comment_remove(actor=actor, comment=found)
        for post in Post.objects.filter(author=person):
            post_actions.post_remove(actor=actor, post=post)
    # Follow links both ways, through the service that keeps both counters right.
    for link in Follow.objects.filter(follower=person).select_related("followee"):
        accounts.follow_delete(follower=person, followee=link.followee)
    for link in Follow.objects.filter(followee=person).select_related("follower"):
        accounts.follow_delete(follower=link.follower, followee=person)
    communities.memberships_erase(person=person)
    accounts.profile_photo_remove(person=person)
    # Leftover likes rows cannot exist now; the cascade takes the rest.
    assert not PostLike.objects.filter(person=person).exists()
    assert not CommentLike.objects.filter(person=person).exists()
    person.delete()
    audit_record(
        action="person.erase",
        actor=actor,
        target=f"person:{person_id}",
        data={"keep_content": keep_content},
    )
