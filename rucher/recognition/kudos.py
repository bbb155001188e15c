"""Public thanks (F-RECOGNITION): thank a colleague in a community, naming one of the
organisation's values. A thanks is a post of kind "kudos" (in the stream and the feeds, with its
likes and comments), a Kudos row, points for its receiver and a notification, all in one
transaction: nothing is written unless everything is valid.

Who may thank whom: the giver is a member of the community; the receiver is an active colleague
who may read it (any colleague not removed from an open community, a member of a private or
secret one), never oneself. The giver is a member, so naming who cannot read the community
reveals nothing the giver could not see in its members list.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from rucher.accounts.lookup import people_named
from rucher.accounts.models import User
from rucher.communities import access as community_access
from rucher.communities.models import Community, Membership
from rucher.content import tasks as content_tasks
from rucher.content.access import readable_posts
from rucher.content.mentions import find_mentions
from rucher.content.models import PostKind
from rucher.content.services import post_create
from rucher.core.text import check_clean_text
from rucher.notifications.services import notify
from rucher.recognition.models import Kudos, OrganisationValue
from rucher.recognition.points import kudos_points_grant, points_on_post_created
from rucher.recognition.services import first_contribution_published

MAX_MESSAGE_LENGTH = 2000


def active_values() -> QuerySet[OrganisationValue]:
    return OrganisationValue.objects.filter(active=True).order_by("position", "name")


def _value_for(errors: dict[str, list[str]], value: object) -> OrganisationValue | None:
    """An active value by id or by name (case-insensitive); required while any is active."""
    values = list(active_values())
    if value is None or (isinstance(value, str) and not value.strip()):
        if values:
            errors["value"] = [
                _("Choose one of the values: %(values)s.")
                % {"values": ", ".join(v.name for v in values)}
            ]
        return None
    found: OrganisationValue | None = None
    if isinstance(value, OrganisationValue):
        found = next((v for v in values if v.pk == value.pk), None)
    elif isinstance(value, int) and not isinstance(value, bool):
        found = next((v for v in values if v.pk == value), None)
    elif isinstance(value, str):
        text = value.strip()
        found = next((v for v in values if v.name.casefold() == text.casefold()), None)
        if found is None and text.isdigit():
            found = next((v for v in values if str(v.pk) == text), None)
    if found is None:
        errors["value"] = (
            [
                _("Unknown value: choose one of %(values)s.")
                % {"values": ", ".join(v.name for v in values)}
            ]
            if values
            else [_("The organisation has no values to name: leave this empty.")]
        )
    return found


def _receiver_for(errors: dict[str, list[str]], to: User | str | None, giver: User) -> User | None:
    if isinstance(to, User):
        person: User | None = to if to.is_active else None
    elif isinstance(to, str):
        # A username or a unique display name: what the people picker sends, or what was typed.
        named = people_named(to.strip().lstrip("@"))
        if len(named) > 1:
            errors["to"] = [_("Several colleagues have this name: pick one from the suggestions.")]
            return None
        person = named[0] if named else None
    else:
        person = None
    if person is None:
        errors["to"] = [_("Unknown person: type a colleague's name.")]
        return None
    if person.pk == giver.pk:
        errors["to"] = [_("You cannot thank yourself: thank a colleague.")]
        return None
    return person


def can_receive(person: User, community: Community) -> bool:
    """Whether the person may read the community (so see the thanks): one query."""
    link = (
        Membership.objects.filter(community=community, person=person.pk)
        .values_list("status", flat=True)
        .first()
    )
    if link == Membership.Status.REMOVED:
        return False
    if community.visibility == Community.Visibility.OPEN:
        return True
    return link == Membership.Status.MEMBER


def _message(errors: dict[str, list[str]], message: object) -> str:
    if not isinstance(message, str):
        errors["message"] = [_("Must be text.")]
        return ""
    text = message.strip()
    if not text:
        errors["message"] = [_("Say why you thank them.")]
        return ""
    try:
        check_clean_text(text, max_length=MAX_MESSAGE_LENGTH)
    except ValidationError as exc:
        errors["message"] = list(exc.messages)
        return ""
    return text


@transaction.atomic
def kudos_give(
    *,
    giver: User,
    community: Community,
    to: User | str | None,
    message: str,
    value: OrganisationValue | int | str | None = None,
) -> Kudos:
    """Thanks `to` (a person or a username) publicly in `community` (which the caller loaded
    through rucher.communities.access). Raises ValidationError naming each bad field ("to",
    "community", "value", "message")."""
    errors: dict[str, list[str]] = {}
    community_access.refresh_viewer_membership(giver, community)
    if not community_access.is_member(giver, community):
        errors["community"] = [
            _("Join “%(name)s” before thanking someone in it.") % {"name": community.name}
        ]
    receiver = _receiver_for(errors, to, giver)
    if receiver is not None and "community" not in errors and not can_receive(receiver, community):
        errors["to"] = [
            _("%(person)s cannot read “%(name)s”: thank them in a community you share.")
            % {"person": receiver.display_name, "name": community.name}
        ]
    chosen = _value_for(errors, value)
    text = _message(errors, message)
    if errors:
        raise ValidationError(errors)
    assert receiver is not None
    post = post_create(
        author=giver,
        communities=[community],
        kind=PostKind.KUDOS,
        body=text,
        allow_kudos=True,
    )
    # What any new post earns (rucher.actions.posts.post_published, which sits above this
    # app): the first contribution, then the mentions in the background.
    first_contribution_published(post=post)
    points_on_post_created(post=post)
    if find_mentions(post.body):
        post_id = post.pk
        transaction.on_commit(lambda: content_tasks.notify_post_mentions.enqueue(post_id))
    kudos = Kudos.objects.create(
        post=post, giver=giver, receiver=receiver, value=chosen, community=community
    )
    kudos_points_grant(kudos)
    notify(
        recipient_ids=[receiver.pk],
        kind="kudos",
        key=f"kudos:{kudos.pk}",
        actor_id=giver.pk,
        post_id=post.pk,
        community_id=community.pk,
        data={"value": chosen.name if chosen else ""},
    )
    return kudos


# How many thanks a profile shows.
PROFILE_KUDOS_SHOWN = 5


def kudos_received_readable(viewer: User, person: User, *, limit: int = 5) -> list[Kudos]:
    """The latest thanks the person received that the viewer may read (hidden ones excluded,
    even for moderators: a profile is not a moderation queue). One query."""
    return list(
        Kudos.objects.filter(receiver=person, post__in=readable_posts(viewer))
        .filter(Q(post__hidden_at__isnull=True))
        .select_related("giver", "value", "community", "post")
        .order_by("-created_at", "-id")[:limit]
    )
