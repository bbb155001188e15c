"""Every write about communities: create, edit, join, leave, roles, requests, invitations.

Permission checks are done here as well as in the views: a service never lets a member do a
manager's action, whichever face (web or API) called it.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.communities import access
from rucher.communities.models import MAX_ANSWER_PROMISE_HOURS, Community, Membership
from rucher.core.audit import audit_record
from rucher.core.errors import NotFound
from rucher.core.images import ImageTooLarge, NotAnImage, reencode_jpeg
from rucher.core.text import check_clean_text, check_single_line

TEXT_FIELDS: dict[str, int] = {
    "name": 100,
    "description": 10000,
    "objectives": 4000,
    "rules": 10000,
}
EDITABLE_FIELDS = frozenset({*TEXT_FIELDS, "kind", "visibility", "answer_promise_hours"})
SLUG_MAX_LENGTH = 60
# Paths under /c/ that are not communities, and API words, stay free.
RESERVED_SLUGS = frozenset({"new", "mine", "api", "admin", "manage"})


def community_validate(changes: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Validates community fields; raises ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for field in changes:
        if field not in EDITABLE_FIELDS:
            errors[field] = [_("Unknown field.")]
    for field, max_length in TEXT_FIELDS.items():
        if field not in changes:
            continue
        value = changes[field]
        if not isinstance(value, str):
            errors[field] = [_("Must be text.")]
            continue
        value = value.strip()
        check = check_single_line if field == "name" else check_clean_text
        try:
            check(value, max_length=max_length)
        except ValidationError as exc:
            errors[field] = list(exc.messages)
            continue
        cleaned[field] = value
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = [_("This field is required.")]
    if creating and "name" not in changes:
        errors["name"] = [_("This field is required.")]
    if "kind" in changes:
        if changes["kind"] not in Community.Kind.values:
            errors["kind"] = [
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(Community.Kind.values)}
            ]
        else:
            cleaned["kind"] = changes["kind"]
    if "visibility" in changes:
        if changes["visibility"] not in Community.Visibility.values:
            errors["visibility"] = [_("Choose open, private or secret.")]
        else:
            cleaned["visibility"] = changes["visibility"]
    if "answer_promise_hours" in changes:
        hours = changes["answer_promise_hours"]
        if hours is None or hours == "":
            cleaned["answer_promise_hours"] = None
        elif isinstance(hours, bool) or not isinstance(hours, int):
            errors["answer_promise_hours"] = [_("Must be a whole number.")]
        elif not 1 <= hours <= MAX_ANSWER_PROMISE_HOURS:
            errors["answer_promise_hours"] = [
                _("Give a number of working hours between 1 and %(max)d, or leave it empty.")
                % {"max": MAX_ANSWER_PROMISE_HOURS}
            ]
        else:
            cleaned["answer_promise_hours"] = hours
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_slug(slug: str | None, name: str, errors: dict[str, list[str]]) -> str:
    if slug is None or not slug.strip():
        base = slugify(name)[:SLUG_MAX_LENGTH].strip("-") or "community"
        candidate = base
        n = 2
        while candidate in RESERVED_SLUGS or Community.objects.filter(slug=candidate).exists():
            suffix = f"-{n}"
            candidate = f"{base[: SLUG_MAX_LENGTH - len(suffix)]}{suffix}"
            n += 1
        return candidate
    slug = slug.strip()
    try:
        check_clean_text(slug, max_length=SLUG_MAX_LENGTH)
    except ValidationError as exc:
        errors["slug"] = list(exc.messages)
        return ""
    if slugify(slug) != slug:
        errors["slug"] = [
            _("Use only lower-case letters, digits and dashes (for example: %(example)s).")
            % {"example": slugify(slug)[:SLUG_MAX_LENGTH] or "my-community"}
        ]
    elif slug in RESERVED_SLUGS:
        errors["slug"] = [_("This address is reserved.")]
    elif Community.objects.filter(slug=slug).exists():
        errors["slug"] = [_("This address is already used by another community.")]
    return slug


@transaction.atomic
def community_create(
    *,
    creator: User,
    name: str,
    kind: str,
    visibility: str,
    description: str = "",
    slug: str | None = None,
    objectives: str = "",
    rules: str = "",
    answer_promise_hours: int | None = None,
) -> Community:
    """Creates a community; its creator becomes its owner (and first member)."""
    errors: dict[str, list[str]] = {}
    try:
        cleaned = community_validate(
            {
                "name": name,
                "kind": kind,
                "visibility": visibility,
                "description": description,
                "objectives": objectives,
                "rules": rules,
                "answer_promise_hours": answer_promise_hours,
            },
            creating=True,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
        cleaned = {}
    clean_slug = _clean_slug(slug, cleaned.get("name", ""), errors)
    if errors:
        raise ValidationError(errors)
    community = Community(slug=clean_slug, created_by=creator, member_count=1, **cleaned)
    try:
        with transaction.atomic():
            community.save()
    except IntegrityError as exc:  # a concurrent create took the address
        raise ValidationError(
            {"slug": [_("This address is already used by another community.")]}
        ) from exc
    Membership.objects.create(
        community=community,
        person=creator,
        role=Membership.Role.OWNER,
        status=Membership.Status.MEMBER,
    )
    audit_record(
        action="community.create",
        actor=creator,
        target=community.slug,
        data={"visibility": community.visibility},
    )
    return community


def _require_manager(actor: User, community: Community) -> None:
    access.refresh_viewer_membership(actor, community)
    if not access.can_manage(actor, community):
        raise PermissionDenied


@transaction.atomic
def community_update(*, actor: User, community: Community, changes: dict[str, Any]) -> Community:
    _require_manager(actor, community)
    cleaned = community_validate(changes, creating=False)
    for field, value in cleaned.items():
        setattr(community, field, value)
    if cleaned:
        community.save(update_fields=list(cleaned))
        audit_record(
            action="community.update",
            actor=actor,
            target=community.slug,
            data={"fields": sorted(cleaned)},
        )
    return community


# A cover is a band: cut to 3:1 at most 1500 px wide (2x a desktop column, for sharp screens).
COVER_SIZE = (1500, 500)


def _cover_reencode(upload: UploadedFile) -> bytes:
    limit = settings.RUCHER_PHOTO_MAX_BYTES
    too_large = ValidationError(
        {
            "cover": [
                _("The image is too large (at most %(size)s).") % {"size": filesizeformat(limit)}
            ]
        },
        code="too_large",
    )
    if upload.size is not None and upload.size > limit:
        raise too_large
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large
    try:
        return reencode_jpeg(data, box=COVER_SIZE, crop=True)
    except ImageTooLarge as exc:
        raise ValidationError({"cover": [exc.message]}, code="too_large") from exc
    except NotAnImage as exc:
        raise ValidationError(
            {"cover": [_("Upload an image in JPEG, PNG, GIF or WebP format.")]}, code="not_image"
        ) from exc


def community_cover_set(*, actor: User, community: Community, upload: UploadedFile) -> Community:
    """Managers give their community a cover: re-encoded and cut to a band before anything is
    written (the upload itself is never stored nor served)."""
    _require_manager(actor, community)
    content = _cover_reencode(upload)
    old_name = community.cover.name if community.cover else ""
    with transaction.atomic():
        community.cover.save(
            f"{community.pk}-{uuid.uuid4().hex[:12]}.jpg", ContentFile(content), save=False
        )
        community.save(update_fields=["cover"])
        audit_record(action="community.cover", actor=actor, target=community.slug)
        if old_name:
            storage = community.cover.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return community


@transaction.atomic
def community_cover_remove(*, actor: User, community: Community) -> Community:
    _require_manager(actor, community)
    if community.cover:
        old_name = community.cover.name or ""
        storage = community.cover.storage
        community.cover = ""
        community.save(update_fields=["cover"])
        audit_record(action="community.cover_remove", actor=actor, target=community.slug)
        transaction.on_commit(lambda: storage.delete(old_name))
    return community


def _count_change(community: Community, delta: int) -> None:
    Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + delta)


def _locked_membership(community: Community, person: User) -> Membership | None:
    return Membership.objects.select_for_update().filter(community=community, person=person).first()


@transaction.atomic
def community_join(*, person: User, community: Community) -> Membership:
    """Open: member at once. Private: a request for the managers. Secret: invitation only.

    Joining twice is harmless; accepting an invitation makes a member in any visibility. The
    managers hear of a new request through rucher.actions.memberships.
    """
    return community_join_or_request(person=person, community=community)[0]


def community_join_or_request(*, person: User, community: Community) -> tuple[Membership, bool]:
    """`community_join`, and whether this call filed a new request to join."""
    if not (person.is_authenticated and person.is_active):
        raise NotFound
    membership = _locked_membership(community, person)
    if membership is not None:
        if membership.status == Membership.Status.REMOVED:
            raise ValidationError(
                _(
                    "The managers of this community removed you from it: ask one of them "
                    "if you wish to come back."
                ),
                code="removed",
            )
        if membership.status == Membership.Status.INVITED:
            membership.status = Membership.Status.MEMBER
            membership.save(update_fields=["status"])
            _count_change(community, +1)
        return membership, False
    if community.visibility == Community.Visibility.SECRET:
        # Exactly what a missing community answers: its existence is not revealed.
        raise NotFound
    status = (
        Membership.Status.MEMBER
        if community.visibility == Community.Visibility.OPEN
        else Membership.Status.REQUESTED
    )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                community=community, person=person, role=Membership.Role.MEMBER, status=status
            )
    except IntegrityError:  # a concurrent join by the same person won
        return Membership.objects.get(community=community, person=person), False
    if status == Membership.Status.MEMBER:
        _count_change(community, +1)
        return membership, False
    return membership, True


def request_key(membership: Membership) -> str:
    """Names one request (for its notifications): the same person may ask again after a
    rejection, and a new request is a new notification."""
    return f"{membership.pk}:{int(membership.created_at.timestamp())}"


def _owner_count(community: Community) -> int:
    return Membership.objects.filter(
        community=community, role=Membership.Role.OWNER, status=Membership.Status.MEMBER
    ).count()


def _lock_community(community: Community) -> None:
    # Serialises owner changes on one community, so two owners cannot both leave at once.
    list(Community.objects.select_for_update().filter(pk=community.pk).values_list("pk"))


@transaction.atomic
def community_leave(*, person: User, community: Community) -> bool:
    """Leaves (or withdraws a request, or declines an invitation). Returns False when there was
    nothing to leave. The last owner must first hand over ownership."""
    _lock_community(community)
    membership = _locked_membership(community, person)
    if membership is None or membership.status == Membership.Status.REMOVED:
        # A removal stays on record: leaving must not erase it (and so allow a rejoin).
        return False
    if (
        membership.is_member
        and membership.role == Membership.Role.OWNER
        and _owner_count(community) <= 1
    ):
        raise ValidationError(
            _(
                "You are the last owner of this community: make another member owner "
                "before leaving."
            ),
            code="last_owner",
        )
    membership.delete()
    if membership.is_member:
        _count_change(community, -1)
    return True


@transaction.atomic
def membership_set_role(
    *,
    actor: User,
    community: Community,
    person: User,
    role: str,
    invite: bool = False,
) -> tuple[Membership, bool]:
    """Managers add a person (or invite them), approve a pending request, or change a role.

    Returns the membership and whether it was created. Only owners make or unmake owners.
    """
    _require_manager(actor, community)
    if role not in Membership.Role.values:
        raise ValidationError(
            {"role": [_("Choose owner, manager, ambassador or member.")]}, code="invalid_role"
        )
    if not person.is_active:
        raise ValidationError({"username": [_("Unknown person.")]}, code="unknown_person")
    _lock_community(community)
    membership = _locked_membership(community, person)
    touches_owner = role == Membership.Role.OWNER or (
        membership is not None and membership.role == Membership.Role.OWNER
    )
    if touches_owner and not access.can_set_owner(actor, community):
        raise ValidationError(
            {"role": [_("Only an owner can make or unmake owners.")]}, code="owner_only"
        )
    created = membership is None
    was_member = membership is not None and membership.is_member
    if membership is None:
        membership = Membership(community=community, person=person)
    if (
        was_member
        and membership.role == Membership.Role.OWNER
        and role != Membership.Role.OWNER
        and _owner_count(community) <= 1
    ):
        raise ValidationError(
            {"role": [_("A community keeps at least one owner: name another owner first.")]},
            code="last_owner",
        )
    old_role = membership.role if not created else None
    membership.role = role
    if not was_member:
        # An invitation waits for the person to accept; anything else makes a member now.
        membership.status = (
            Membership.Status.INVITED
            if invite and membership.status != Membership.Status.REQUESTED
            else Membership.Status.MEMBER
        )
    membership.save()
    if not was_member and membership.is_member:
        _count_change(community, +1)
    audit_record(
        action="community.member_set",
        actor=actor,
        target=community.slug,
        data={
            "person": person.username,
            "role": role,
            "old_role": old_role,
            "status": membership.status,
        },
    )
    return membership, created


@transaction.atomic
def membership_remove(*, actor: User, community: Community, person: User) -> Membership:
    """Managers remove a member (moderation): the person loses access at once, cannot rejoin
    alone (a manager may add or invite them again), and loses the points earned in the
    community (rucher.actions.memberships). Only owners remove owners; nobody removes
    themselves (they leave) and the last owner stays. Anyone but a current member is 404."""
    _require_manager(actor, community)
    if person.pk == actor.pk:
        raise ValidationError(
            _("You cannot remove yourself: leave the community instead."), code="self_removal"
        )
    _lock_community(community)
    membership = _locked_membership(community, person)
    if membership is None or not membership.is_member:
        raise NotFound
    if membership.role == Membership.Role.OWNER:
        if not access.can_set_owner(actor, community):
            raise ValidationError(_("Only an owner can remove an owner."), code="owner_only")
        if _owner_count(community) <= 1:
            raise ValidationError(
                _("A community keeps at least one owner: name another owner first."),
                code="last_owner",
            )
    old_role = membership.role
    membership.status = Membership.Status.REMOVED
    membership.role = Membership.Role.MEMBER
    membership.save(update_fields=["status", "role"])
    _count_change(community, -1)
    audit_record(
        action="community.member_remove",
        actor=actor,
        target=community.slug,
        data={"person": person.username, "old_role": old_role},
    )
    return membership


def _pending_request(community: Community, person: User) -> Membership:
    membership = _locked_membership(community, person)
    if membership is None or membership.status != Membership.Status.REQUESTED:
        raise NotFound
    return membership


@transaction.atomic
def request_approve(*, actor: User, community: Community, person: User) -> Membership:
    _require_manager(actor, community)
    membership = _pending_request(community, person)
    membership.status = Membership.Status.MEMBER
    membership.save(update_fields=["status"])
    _count_change(community, +1)
    audit_record(
        action="community.request_approve",
        actor=actor,
        target=community.slug,
        data={"person": person.username},
    )
    return membership


@transaction.atomic
def request_reject(*, actor: User, community: Community, person: User) -> str:
    """Deletes the request; returns its request_key (for the decision's notification)."""
    _require_manager(actor, community)
    membership = _pending_request(community, person)
    key = request_key(membership)
    membership.delete()
    audit_record(
        action="community.request_reject",
        actor=actor,
        target=community.slug,
        data={"person": person.username},
    )
    return key


@transaction.atomic
def membership_directory_sync(*, community: Community, person: User, member: bool) -> bool:
    """The company directory's word (LDAP group → community, rucher.actions.sso): `member`
    makes the person a plain member in any visibility (a pending request or invitation turns
    into membership); not `member` removes a plain member (owners, managers and ambassadors
    keep their place, a manager's removal stays). True when something changed."""
    _lock_community(community)
    membership = _locked_membership(community, person)
    if member:
        if membership is not None and (
            membership.is_member or membership.status == Membership.Status.REMOVED
        ):
            return False
        if membership is None:
            membership = Membership(community=community, person=person, role=Membership.Role.MEMBER)
        membership.status = Membership.Status.MEMBER
        membership.save()
        _count_change(community, +1)
    else:
        if (
            membership is None
            or not membership.is_member
            or membership.role != Membership.Role.MEMBER
        ):
            return False
        membership.delete()
        _count_change(community, -1)
    audit_record(
        action="community.directory_sync",
        target=community.slug,
        data={"person": person.username, "member": member},
    )
    return True


def memberships_import(*, community: Community, person_ids: Iterable[int]) -> int:
    """Members brought in by an import (rucher.imports): added as plain members when they have
    no link yet (nobody is notified, no existing role or ban changes), then the member count
    is recounted. Returns how many were added."""
    ids = sorted(set(person_ids))
    existing = set(
        Membership.objects.filter(community=community, person_id__in=ids).values_list(
            "person_id", flat=True
        )
    )
    new = [pk for pk in ids if pk not in existing]
    Membership.objects.bulk_create(
        [
            Membership(
                community=community,
                person_id=pk,
                role=Membership.Role.MEMBER,
                status=Membership.Status.MEMBER,
            )
            for pk in new
        ],
        ignore_conflicts=True,
    )
    if new:
        Community.objects.filter(pk=community.pk).update(
            member_count=Membership.objects.filter(
                community=community, status=Membership.Status.MEMBER
            ).count()
        )
    return len(new)


@transaction.atomic
def memberships_erase(*, person: User) -> int:
    """Removes every link of a person being erased (F-PRIVACY) and recounts the member counts
    of the communities they were in. Returns how many links went."""
    community_ids = list(
        Membership.objects.filter(person=person).values_list("community_id", flat=True)
    )
    deleted, _counts = Membership.objects.filter(person=person).delete()
    for community_id in community_ids:
        Community.objects.filter(pk=community_id).update(
            member_count=Membership.objects.filter(
                community_id=community_id, status=Membership.Status.MEMBER
            ).count()
        )
    return deleted
