"""Email preferences (F-EMAIL-NOTIFY): per person and notification kind, how they hear about it.

A person without a row for a kind gets the default (`default_delivery`), so 10,000 people cost
no rows until they change something. The pseudo-kind "digest" says how often the digest of
one's communities comes (daily, weekly or never).

Unsubscribe links carry a signed (person id, kind) pair, without expiry: a link in an email
from last year must still work, and all it can ever do is set one kind to "never".
"""

from collections.abc import Iterable, Mapping

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rucher.accounts.models import User
from rucher.mail.models import Delivery, EmailPreference
from rucher.notifications.models import Notification

DIGEST = "digest"
# What comes at once unless one says otherwise: things addressed to the person, that
# usually wait for them (mentions, answers, comments and replies, questions for them,
# announcements). Everything else waits for the weekly digest.
IMMEDIATE_BY_DEFAULT = frozenset(
    {
        Notification.Kind.MENTION,
        Notification.Kind.ANSWER,
        Notification.Kind.COMMENT,
        Notification.Kind.REPLY,
        Notification.Kind.QUESTION_ROUTED,
        Notification.Kind.QUESTION_DUE,
        Notification.Kind.ANNOUNCEMENT,
        # Everyday life: a booking of one's desk, replies and coffees wait for an answer.
        Notification.Kind.SERVICE_REPLY,
        Notification.Kind.SERVICE_ACCEPTED,
        Notification.Kind.DESK_BOOKED,
        Notification.Kind.COFFEE,
        Notification.Kind.COFFEE_ANSWER,
        # Recognition is best felt while it is fresh.
        Notification.Kind.KUDOS,
        Notification.Kind.BADGE,
    }
)
DIGEST_DEFAULT = Delivery.WEEKLY
DIGEST_DELIVERIES = (Delivery.DAILY, Delivery.WEEKLY, Delivery.NEVER)
DIGEST_LABEL = gettext_lazy("Digest of my communities")
# The weekly success report of administrators and managers (F-SUCCESS-REPORT): sent on
# Monday ("immediately" when due) or never; never a digest item.
SUCCESS_REPORT = "success_report"
SUCCESS_REPORT_DELIVERIES = (Delivery.IMMEDIATE, Delivery.NEVER)
SUCCESS_REPORT_LABEL = gettext_lazy("Weekly success report (managers and administrators)")

UNSUBSCRIBE_SALT = "rucher.mail.unsubscribe"

# Presets: the settings page offers these four ways instead of one choice per kind, which stays
# behind "Customise". "essential" is the defaults.
PRESET_ALL = "all"
PRESET_ESSENTIAL = "essential"
PRESET_DAILY = "daily"
PRESET_PAUSE = "pause"
CUSTOM = "custom"
PRESETS = (
    (
        PRESET_ALL,
        gettext_lazy("Everything by email"),
        gettext_lazy("Every notification by email as soon as it happens, and the weekly digest."),
    ),
    (
        PRESET_ESSENTIAL,
        gettext_lazy("Essentials"),
        gettext_lazy(
            "What is addressed to you (mentions, answers, comments, thanks, badges) at once; "
            "the rest in the weekly digest. Recommended."
        ),
    ),
    (
        PRESET_DAILY,
        gettext_lazy("Daily summary"),
        gettext_lazy("One email a day with everything that happened."),
    ),
    (
        PRESET_PAUSE,
        gettext_lazy("Pause"),
        gettext_lazy("No email from Rucher; notifications still appear in Rucher."),
    ),
)


def preference_kinds() -> list[str]:
    """Every kind a person can set, in display order: the notification kinds, then "digest"."""
    return [*Notification.Kind.values, DIGEST, SUCCESS_REPORT]


def kind_label(kind: str) -> str:
    if kind == DIGEST:
        return str(DIGEST_LABEL)
    if kind == SUCCESS_REPORT:
        return str(SUCCESS_REPORT_LABEL)
    return str(Notification.Kind(kind).label)


def allowed_deliveries(kind: str) -> tuple[str, ...]:
    if kind == DIGEST:
        return tuple(DIGEST_DELIVERIES)
    if kind == SUCCESS_REPORT:
        return tuple(SUCCESS_REPORT_DELIVERIES)
    return tuple(Delivery.values)


def default_delivery(kind: str) -> str:
    if kind == DIGEST:
        return DIGEST_DEFAULT
    if kind == SUCCESS_REPORT:
        return Delivery.IMMEDIATE
    return Delivery.IMMEDIATE if kind in IMMEDIATE_BY_DEFAULT else Delivery.WEEKLY


def preset_deliveries(preset: str) -> dict[str, str]:
    """Every kind's delivery under a preset (ValueError for an unknown one)."""
    kinds = preference_kinds()
    if preset == PRESET_ESSENTIAL:
        return {kind: default_delivery(kind) for kind in kinds}
    chosen: dict[str, str]
    if preset == PRESET_ALL:
        chosen = {kind: Delivery.IMMEDIATE for kind in kinds}
        return chosen | {DIGEST: Delivery.WEEKLY}
    if preset == PRESET_DAILY:
        chosen = {kind: Delivery.DAILY for kind in kinds}
        return chosen | {SUCCESS_REPORT: Delivery.IMMEDIATE}
    if preset == PRESET_PAUSE:
        return {kind: Delivery.NEVER for kind in kinds}
    raise ValueError(f"unknown preset {preset!r}")


def preset_of(deliveries: Mapping[str, str]) -> str:
    """The preset these deliveries are, or CUSTOM."""
    for preset, _label, _help in PRESETS:
        if dict(deliveries) == preset_deliveries(preset):
            return preset
    return CUSTOM


def preferences_chosen(
    *, current: Mapping[str, str], preset: str, kinds: Mapping[str, str]
) -> dict[str, str]:
    """What a submitted settings form asks for: a preset other than the current one wins;
    otherwise (the same preset, or "custom") the per-kind choices, which may have been edited
    under "Customise"."""
    if preset != preset_of(current) and preset != CUSTOM:
        return preset_deliveries(preset)
    return dict(kinds)


def preference_kind(outbox_kind: str) -> str | None:
    """The preference behind an email kind: a notification kind, "digest" for both digests,
    None for account emails (which have no unsubscribe)."""
    if outbox_kind in Notification.Kind.values:
        return outbox_kind
    if outbox_kind in ("digest", "digest_daily", "digest_weekly"):
        return DIGEST
    if outbox_kind == SUCCESS_REPORT:
        return SUCCESS_REPORT
    return None


def delivery_for(person: User | int, kind: str) -> str:
    """How the person wants to hear about `kind` (one query)."""
    person_id = person if isinstance(person, int) else person.pk
    stored = (
        EmailPreference.objects.filter(person_id=person_id, kind=kind)
        .values_list("delivery", flat=True)
        .first()
    )
    return stored or default_delivery(kind)


def deliveries_for(person: User | int) -> dict[str, str]:
    """Every kind's delivery for one person, defaults filled in (one query)."""
    person_id = person if isinstance(person, int) else person.pk
    result = {kind: default_delivery(kind) for kind in preference_kinds()}
    stored = EmailPreference.objects.filter(person_id=person_id).values_list("kind", "delivery")
    for kind, delivery in stored:
        if kind in result:
            result[kind] = delivery
    return result


def deliveries_among(person_ids: Iterable[int], kind: str) -> dict[int, str]:
    """One kind's delivery for many people at once (one query per call)."""
    ids = list(person_ids)
    result = dict.fromkeys(ids, default_delivery(kind))
    stored = EmailPreference.objects.filter(person_id__in=ids, kind=kind).values_list(
        "person_id", "delivery"
    )
    for person_id, delivery in stored:
        result[person_id] = delivery
    return result


def people_with_delivery(kind: str, delivery: str) -> QuerySet[User]:
    """Active people with an email address whose delivery for `kind` is `delivery` (a lazy
    query, one Exists over the (person, kind) unique index: cheap for 10,000 people)."""
    people = User.objects.filter(is_active=True).exclude(email="")
    if delivery == default_delivery(kind):
        other = EmailPreference.objects.filter(person=OuterRef("pk"), kind=kind).exclude(
            delivery=delivery
        )
        return people.exclude(Exists(other))
    chosen = EmailPreference.objects.filter(person=OuterRef("pk"), kind=kind, delivery=delivery)
    return people.filter(Exists(chosen))


def validate_changes(changes: Mapping[str, object]) -> dict[str, list[str]]:
    """Errors per kind for unknown kinds or values; empty when every change is valid."""
    errors: dict[str, list[str]] = {}
    kinds = set(preference_kinds())
    for kind, delivery in changes.items():
        if kind not in kinds:
            errors[kind] = [_("Unknown notification kind.")]
        elif not isinstance(delivery, str) or delivery not in allowed_deliveries(kind):
            errors[kind] = [
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed_deliveries(kind))}
            ]
    return errors


@transaction.atomic
def preferences_set(*, person: User, changes: Mapping[str, object]) -> dict[str, str]:
    """Sets some kinds' deliveries; all or nothing (ValidationError per kind). Returns every
    kind's delivery afterwards."""
    errors = validate_changes(changes)
    if errors:
        raise ValidationError(errors)
    if changes:
        EmailPreference.objects.bulk_create(
            [
                EmailPreference(person=person, kind=kind, delivery=str(delivery))
                for kind, delivery in changes.items()
            ],
            update_conflicts=True,
            unique_fields=["person", "kind"],
            update_fields=["delivery"],
        )
    return deliveries_for(person)


# --- unsubscribe links -------------------------------------------------------------------------


def unsubscribe_token(*, person_id: int, kind: str) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object([person_id, kind])


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    """(person id, kind) of a genuine token for a known kind, else None."""
    if not token or len(token) > 300:
        return None
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or isinstance(value[0], bool)
        or value[1] not in preference_kinds()
    ):
        return None
    return value[0], value[1]


def unsubscribe_target(token: str) -> tuple[User, str] | None:
    """The active person and kind of an unsubscribe token, or None."""
    read = unsubscribe_token_read(token)
    if read is None:
        return None
    person = User.objects.filter(pk=read[0], is_active=True).first()
    if person is None:
        return None
    return person, read[1]


@transaction.atomic
def unsubscribe(*, person: User, kind: str) -> None:
    """One click: this kind of email never again (the web inbox still shows notifications)."""
    preferences_set(person=person, changes={kind: Delivery.NEVER})
