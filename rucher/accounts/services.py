"""Every write about people: accounts, profiles, photos, follows, charter, tokens, language."""

import hashlib
import secrets
import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.accounts.lookup import people_named, reports_to
from rucher.accounts.models import (
    TOKEN_SCOPES,
    AccessToken,
    Charter,
    CharterAcceptance,
    DeclaredSkill,
    Follow,
    User,
)
from rucher.core.audit import audit_record
from rucher.core.images import ImageTooLarge, NotAnImage, reencode_jpeg
from rucher.core.prepared import prepared_objects
from rucher.core.text import check_clean_text, check_single_line, normalise_tag

PROFILE_TEXT_FIELDS = (
    "display_name",
    "job_title",
    "department",
    "site",
    "phone",
    "bio",
    "offers",
    "reading",
)
# Names and one-liners: no line break nor invisible or direction-changing character.
PROFILE_SINGLE_LINE_FIELDS = frozenset({"display_name", "job_title", "department", "site", "phone"})
MAX_TAGS = 20
MAX_TAG_LENGTH = 50
PHOTO_SIZE = 512
CURRENT_CHARTER_CACHE_KEY = "rucher:charter:current"

# Completeness weights sum to 100: what makes a profile reflect a person, not only a function.
COMPLETENESS_WEIGHTS: dict[str, int] = {
    "photo": 20,
    "job_title": 10,
    "department": 10,
    "site": 10,
    "bio": 15,
    "expertise": 15,
    "interests": 5,
    "offers": 5,
    "reading": 5,
    "phone": 5,
}


def compute_completeness(person: User, *, expertise_count: int) -> int:
    present = {
        "photo": bool(person.photo),
        "job_title": bool(person.job_title.strip()),
        "department": bool(person.department.strip()),
        "site": bool(person.site.strip()),
        "bio": bool(person.bio.strip()),
        "expertise": expertise_count > 0,
        "interests": bool(person.interests),
        "offers": bool(person.offers.strip()),
        "reading": bool(person.reading.strip()),
        "phone": bool(person.phone.strip()),
    }
    return sum(weight for key, weight in COMPLETENESS_WEIGHTS.items() if present[key])


def _refresh_completeness(person: User) -> None:
    person.profile_completeness = compute_completeness(
        person, expertise_count=person.declared_skills.count()
    )
    person.save(update_fields=["profile_completeness"])


def _clean_tag_list(field: str, value: Any, errors: dict[str, list[str]]) -> list[str] | None:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors[field] = [_("Give a list of words.")]
        return None
    tags: list[str] = []
    seen: set[str] = set()
    for raw in value:
        try:
            check_single_line(raw)
        except ValidationError as exc:
            errors[field] = list(exc.messages)
            return None
        name = " ".join(raw.strip().lstrip("#").split())
        if not name:
            continue
        if len(name) > MAX_TAG_LENGTH:
            errors[field] = [
                _("Each entry must have at most %(max)d characters.") % {"max": MAX_TAG_LENGTH}
            ]
            return None
        slug = normalise_tag(name)
        if slug not in seen:
            seen.add(slug)
            tags.append(name)
    if len(tags) > MAX_TAGS:
        errors[field] = [_("At most %(max)d entries.") % {"max": MAX_TAGS}]
        return None
    return tags


def profile_validate(changes: dict[str, Any]) -> dict[str, Any]:
    """Validates profile changes; raises ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    allowed = {
        *PROFILE_TEXT_FIELDS,
        "expertise",
        "interests",
        "language",
        "grammatical_gender",
        "meet_opt_out",
        "manager",
    }
    for field in changes:
        if field not in allowed:
            errors[field] = [_("Unknown field.")]
    for field in PROFILE_TEXT_FIELDS:
        if field not in changes:
            continue
        value = changes[field]
        if not isinstance(value, str):
            errors[field] = [_("Must be text.")]
            continue
        value = value.strip()
        max_length = getattr(User._meta.get_field(field), "max_length", None)
        check = check_single_line if field in PROFILE_SINGLE_LINE_FIELDS else check_clean_text
        try:
            check(value, max_length=max_length)
        except ValidationError as exc:
            errors[field] = list(exc.messages)
            continue
        if field == "display_name" and not value:
            errors[field] = [_("This field is required.")]
            continue
        cleaned[field] = value
    for field in ("expertise", "interests"):
        if field in changes:
            tags = _clean_tag_list(field, changes[field], errors)
            if tags is not None:
                cleaned[field] = tags
    if "language" in changes:
        if changes["language"] not in User.Language.values:
            errors["language"] = [_("Choose French (fr), English (en) or the browser language.")]
        else:
            cleaned["language"] = changes["language"]
    if "grammatical_gender" in changes:
        if changes["grammatical_gender"] not in User.GrammaticalGender.values:
            errors["grammatical_gender"] = [
                _("Choose feminine (f), masculine (m) or neutral wording (empty).")
            ]
        else:
            cleaned["grammatical_gender"] = changes["grammatical_gender"]
    if "meet_opt_out" in changes:
        if not isinstance(changes["meet_opt_out"], bool):
            errors["meet_opt_out"] = [_("Must be true or false.")]
        else:
            cleaned["meet_opt_out"] = changes["meet_opt_out"]
    if "manager" in changes:
        manager = changes["manager"]
        if manager is None or (isinstance(manager, str) and not manager.strip()):
            cleaned["manager"] = None
        elif isinstance(manager, User):
            cleaned["manager"] = manager
        elif isinstance(manager, str):
            found = people_named(manager.strip())
            if len(found) == 1:
                cleaned["manager"] = found[0]
            elif found:
                errors["manager"] = [
                    _("Several colleagues are called “%(name)s”: give the username.")
                    % {"name": manager.strip()}
                ]
            else:
                errors["manager"] = [
                    _("Nobody is called “%(name)s”: give a colleague’s name or username.")
                    % {"name": manager.strip()[:150]}
                ]
        else:
            errors["manager"] = [_("Unknown person.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def profile_update(*, person: User, changes: dict[str, Any]) -> User:
    cleaned = profile_validate(changes)
    manager = cleaned.get("manager")
    if manager is not None and manager.pk == person.pk:
        raise ValidationError({"manager": [_("A person cannot be their own manager.")]})
    if manager is not None and reports_to(manager, person):
        raise ValidationError(
            {
                "manager": [
                    _("%(name)s already reports to %(person)s: the chain would go round.")
                    % {"name": manager.display_name, "person": person.display_name}
                ]
            }
        )
    expertise = cleaned.pop("expertise", None)
    for field, value in cleaned.items():
        setattr(person, field, value)
    if expertise is not None:
        person.declared_skills.all().delete()
        DeclaredSkill.objects.bulk_create(
            DeclaredSkill(person=person, name=name, slug=normalise_tag(name), position=i)
            for i, name in enumerate(expertise)
        )
    person.profile_completeness = compute_completeness(
        person,
        expertise_count=len(expertise) if expertise is not None else person.declared_skills.count(),
    )
    update_fields = [*cleaned.keys(), "profile_completeness"]
    person.save(update_fields=update_fields)
    return person


@transaction.atomic
def person_administer(
    *, actor: User, person: User, is_ambassador: bool, manager: str | User | None
) -> User:
    """An administrator names a network ambassador (they stand in for the leaders of communities
    nobody leads) and sets whom the person reports to; audited."""
    if not actor.is_administrator:
        raise PermissionDenied
    person = profile_update(person=person, changes={"manager": manager})
    if person.is_ambassador != is_ambassador:
        person.is_ambassador = is_ambassador
        person.save(update_fields=["is_ambassador"])
        audit_record(
            action="person.ambassador",
            actor=actor,
            target=person.username,
            data={"is_ambassador": is_ambassador},
        )
    return person


def person_expertise(person: User) -> list[str]:
    return [skill.name for skill in person.declared_skills.all()]


@transaction.atomic
def person_create(
    *,
    username: str,
    email: str,
    display_name: str,
    password: str | None = None,
    department: str = "",
    site: str = "",
    job_title: str = "",
    is_staff: bool = False,
    created_by: User | None = None,
) -> User:
    errors: dict[str, list[str]] = {}
    username = username.strip()
    try:
        User.username_validator(username)
        check_clean_text(username, max_length=150)
    except ValidationError as exc:
        errors["username"] = list(exc.messages)
    email = email.strip()
    try:
        from django.core.validators import validate_email

        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    if not errors.get("username") and User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is already taken.")]
    if not errors.get("email") and User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("This email address is already used.")]
    try:
        profile = profile_validate(
            {
                "display_name": display_name,
                "department": department,
                "site": site,
                "job_title": job_title,
            }
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
        profile = {}
    if password:
        from django.contrib.auth.password_validation import validate_password

        try:
            validate_password(password, User(username=username, email=email))
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    person = User(username=username, email=email, is_staff=is_staff, **profile)
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.profile_completeness = compute_completeness(person, expertise_count=0)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:  # a concurrent create won the race
        raise ValidationError({"username": [_("This username is already taken.")]}) from exc
    if created_by is not None:
        audit_record(action="person.create", actor=created_by, target=username)
    return person


def _photo_reencode(upload: UploadedFile) -> bytes:
    if upload.size is not None and upload.size > settings.RUCHER_PHOTO_MAX_BYTES:
        raise ValidationError(
            {
                "photo": [
                    _("The photo is too large (at most %(size)s).")
                    % {"size": filesizeformat(settings.RUCHER_PHOTO_MAX_BYTES)}
                ]
            },
            code="too_large",
        )
    data = upload.read(settings.RUCHER_PHOTO_MAX_BYTES + 1)
    if len(data) > settings.RUCHER_PHOTO_MAX_BYTES:
        raise ValidationError({"photo": [_("The photo is too large.")]}, code="too_large")
    try:
        return reencode_jpeg(data, box=(PHOTO_SIZE, PHOTO_SIZE))
    except ImageTooLarge as exc:
        raise ValidationError({"photo": [exc.message]}, code="too_large") from exc
    except NotAnImage as exc:
        raise ValidationError(
            {"photo": [_("Upload a photo in JPEG, PNG, GIF or WebP format.")]}, code="not_image"
        ) from exc


def profile_photo_set(*, person: User, upload: UploadedFile) -> User:
    content = _photo_reencode(upload)
    old_name = person.photo.name if person.photo else ""
    with transaction.atomic():
        person.photo.save(
            f"{person.pk}-{uuid.uuid4().hex[:12]}.jpg", ContentFile(content), save=False
        )
        person.save(update_fields=["photo"])
        _refresh_completeness(person)
        if old_name:
            storage = person.photo.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return person


@transaction.atomic
def profile_photo_remove(*, person: User) -> User:
    if person.photo:
        old_name = person.photo.name or ""
        storage = person.photo.storage
        person.photo = ""
        person.save(update_fields=["photo"])
        _refresh_completeness(person)
        transaction.on_commit(lambda: storage.delete(old_name))
    return person


@transaction.atomic
def follow_create(*, follower: User, followee: User) -> bool:
    """Returns True when a new follow was created (following twice is harmless)."""
    if follower.pk == followee.pk:
        raise ValidationError({"username": [_("You cannot follow yourself.")]}, code="self_follow")
    _follow, created = Follow.objects.get_or_create(follower=follower, followee=followee)
    if created:
        User.objects.filter(pk=follower.pk).update(following_count=F("following_count") + 1)
        User.objects.filter(pk=followee.pk).update(follower_count=F("follower_count") + 1)
    return created


@transaction.atomic
def follow_delete(*, follower: User, followee: User) -> bool:
    deleted, _ = Follow.objects.filter(follower=follower, followee=followee).delete()
    if deleted:
        User.objects.filter(pk=follower.pk).update(following_count=F("following_count") - 1)
        User.objects.filter(pk=followee.pk).update(follower_count=F("follower_count") - 1)
    return bool(deleted)


@transaction.atomic
def charter_publish(*, author: User | None, text_fr: str, text_en: str) -> Charter:
    errors: dict[str, list[str]] = {}
    for field, value in (("text_fr", text_fr), ("text_en", text_en)):
        try:
            check_clean_text(value, max_length=20000)
        except ValidationError as exc:
            errors[field] = list(exc.messages)
    if not text_fr.strip() and not text_en.strip():
        errors["text_fr"] = [_("Write the charter in at least one language.")]
    if errors:
        raise ValidationError(errors)
    # Lock the latest row so two administrators publishing at once get distinct versions.
    latest = Charter.objects.select_for_update().order_by("-version").first()
    charter = Charter.objects.create(
        version=(latest.version + 1) if latest else 1,
        text_fr=text_fr.strip(),
        text_en=text_en.strip(),
        published_by=author,
    )
    transaction.on_commit(lambda: cache.delete(CURRENT_CHARTER_CACHE_KEY))
    audit_record(action="charter.publish", actor=author, target=f"v{charter.version}")
    return charter


@transaction.atomic
def charter_accept(*, person: User, charter: Charter) -> None:
    CharterAcceptance.objects.get_or_create(person=person, charter=charter)
    if person.accepted_charter_version < charter.version:
        person.accepted_charter_version = charter.version
        person.save(update_fields=["accepted_charter_version"])


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# A token lives at most two years when an expiry is asked for.
MAX_TOKEN_DAYS = 730


@transaction.atomic
def token_create(
    *,
    person: User,
    name: str,
    scopes: Sequence[str] | None = None,
    expires_in_days: int | None = None,
) -> tuple[AccessToken, str]:
    """Creates a personal access token; the raw secret is returned once and never stored.
    Scopes default to read and write; no expiry unless asked."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip() or "API"
    try:
        check_single_line(name, max_length=100)
    except ValidationError as exc:
        errors["name"] = list(exc.messages)
    wanted = list(dict.fromkeys(scopes)) if scopes is not None else list(TOKEN_SCOPES)
    if not wanted or any(s not in TOKEN_SCOPES for s in wanted):
        errors["scopes"] = [_("Choose among read and write.")]
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        errors["expires_in_days"] = [_("Between 1 and %(max)d days.") % {"max": MAX_TOKEN_DAYS}]
    if errors:
        raise ValidationError(errors)
    raw = "rch_" + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        person=person,
        name=name,
        prefix=raw[:10],
        token_hash=_token_hash(raw),
        scopes=wanted,
        expires_at=timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    audit_record(action="token.create", actor=person, target=token.prefix, data={"scopes": wanted})
    return token, raw


@transaction.atomic
def token_revoke_any(*, actor: User, token_id: int) -> bool:
    """Administrators revoke anyone's token (a lost laptop, a leaked script)."""
    token = AccessToken.objects.filter(pk=token_id).select_related("person").first()
    if token is None:
        return False
    token.delete()
    audit_record(
        action="token.revoke",
        actor=actor,
        target=token.prefix,
        data={"person": token.person.username},
    )
    return True


@transaction.atomic
def token_revoke(*, person: User, token_id: int) -> bool:
    deleted, _ = AccessToken.objects.filter(person=person, pk=token_id).delete()
    if deleted:
        audit_record(action="token.revoke", actor=person, target=str(token_id))
    return bool(deleted)


def _live_token(values: Mapping[str, Any]) -> QuerySet[AccessToken]:
    return AccessToken.objects.select_related("person").filter(
        token_hash=values["token_hash"], person__is_active=True
    )


def token_lookup(raw: str) -> AccessToken | None:
    """The live token (with its person) behind a raw secret: unknown, expired tokens and
    those of departed people are None."""
    if not raw.startswith("rch_") or len(raw) > 100:
        return None
    now = timezone.now()
    # On every API request: compiled once per process (rucher.core.prepared), only run here.
    # The hash is unique: the expiry is checked on the one row found.
    found = prepared_objects("token_lookup", _live_token, {"token_hash": _token_hash(raw)})
    token = found[0] if found else None
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    # Touch at most once a minute: a hot token must not write on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def token_authenticate(raw: str) -> User | None:
    token = token_lookup(raw)
    return token.person if token is not None else None


def language_set(*, person: User, language: str) -> None:
    profile_update(person=person, changes={"language": language})


@transaction.atomic
def person_deactivate(*, person: User, reason: str, actor: User | None = None) -> bool:
    """Deactivates an account (they can no longer sign in; their content stays). True when
    it was active."""
    if not User.objects.filter(pk=person.pk, is_active=True).update(is_active=False):
        return False
    person.is_active = False
    audit_record(
        action="person.deactivate", actor=actor, target=person.username, data={"reason": reason}
    )
    return True
