"""Every write of the integrations app: registering and removing outgoing webhooks, the
"send test" delivery, and the tokens of incoming webhooks with their bot."""

import hashlib
import secrets
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.communities.access import can_manage, is_administrator
from rucher.communities.models import Community, Membership
from rucher.communities.services import membership_set_role
from rucher.core.audit import audit_record
from rucher.core.outbound import OutboundError, parse_url, resolve_checked
from rucher.core.text import check_single_line
from rucher.integrations import events, tasks
from rucher.integrations.delivery import delivery_create
from rucher.integrations.models import IncomingToken, Webhook, WebhookDelivery

MAX_URL_LENGTH = 1000
MAX_SECRET_LENGTH = 200
MIN_SECRET_LENGTH = 16
MAX_HOOKS = 100


def webhook_url_check(url: str) -> str:
    """The guard's verdict on a URL at registration: not http(s), or resolving to a private
    address that RUCHER_OUTBOUND_ALLOWED_HOSTS does not allow, is refused at once (the
    deliveries check it again at each attempt: DNS may change)."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError(
            {"url": [_("At most %(count)d characters.") % {"count": MAX_URL_LENGTH}]}
        )
    try:
        target = parse_url(url)
        resolve_checked(target.host, target.port)
    except OutboundError as error:
        raise ValidationError({"url": [error.message]}, code=error.code) from error
    return url


@transaction.atomic
def webhook_create(
    *,
    actor: User,
    url: str,
    events_wanted: Sequence[str],
    secret: str = "",
    community: Community | None = None,
) -> Webhook:
    """Administrators register organisation-wide hooks; a community's managers (and the
    administrators) hooks scoped to that community."""
    if community is None and not is_administrator(actor):
        raise PermissionDenied(_("Only administrators can register organisation-wide webhooks."))
    if community is not None and not can_manage(actor, community):
        raise PermissionDenied(_("Only the community's managers can register its webhooks."))
    errors: dict[str, list[str]] = {}
    wanted = list(dict.fromkeys(events_wanted))
    unknown = [e for e in wanted if e not in events.EVENTS]
    if not wanted:
        errors["events"] = [_("Choose at least one event.")]
    elif unknown:
        errors["events"] = [
            _("Unknown events: %(events)s. Known events: %(known)s.")
            % {"events": ", ".join(unknown), "known": ", ".join(events.EVENTS)}
        ]
    secret = secret.strip()
    if secret and not MIN_SECRET_LENGTH <= len(secret) <= MAX_SECRET_LENGTH:
        errors["secret"] = [
            _("A secret has %(min)d to %(max)d characters.")
            % {"min": MIN_SECRET_LENGTH, "max": MAX_SECRET_LENGTH}
        ]
    elif secret:
        try:
            check_single_line(secret, max_length=MAX_SECRET_LENGTH)
        except ValidationError as exc:
            errors["secret"] = list(exc.messages)
    try:
        url = webhook_url_check(url)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if Webhook.objects.count() >= MAX_HOOKS:
        raise ValidationError(
            {"url": [_("At most %(count)d webhooks can be registered.") % {"count": MAX_HOOKS}]}
        )
    webhook = Webhook.objects.create(
        url=url,
        events=wanted,
        secret=secret or secrets.token_hex(32),
        community=community,
        created_by=actor,
    )
    audit_record(
        action="webhook.create",
        actor=actor,
        target=str(webhook.pk),
        data={"url": url, "events": wanted, "community": community.slug if community else None},
    )
    return webhook


@transaction.atomic
def webhook_delete(*, actor: User, webhook: Webhook) -> None:
    audit_record(
        action="webhook.delete", actor=actor, target=str(webhook.pk), data={"url": webhook.url}
    )
    webhook.delete()


@transaction.atomic
def webhook_enable(*, actor: User, webhook: Webhook) -> None:
    """Turns a disabled hook back on (its failure clock restarts)."""
    Webhook.objects.filter(pk=webhook.pk).update(
        is_active=True, disabled_at=None, disabled_reason="", failing_since=None
    )
    audit_record(action="webhook.enable", actor=actor, target=str(webhook.pk))


@transaction.atomic
def webhook_test(*, actor: User, webhook: Webhook) -> WebhookDelivery:
    """A "ping" delivery sent at once, whatever events the hook subscribed to."""
    delivery = delivery_create(
        webhook=webhook,
        event=events.PING,
        key=f"ping:{get_random_string(16)}",
        data={
            "message": "Rucher webhook test",
            "webhook": webhook.pk,
            "events": webhook.events,
            "sent_by": actor.username,
        },
    )
    assert delivery is not None  # a fresh random key never collides
    delivery_pk = delivery.pk
    transaction.on_commit(lambda: tasks.webhook_deliver.enqueue(delivery_pk))
    return delivery


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _bot_username(name: str) -> str:
    base = slugify(name)[:30].strip("-") or "integration"
    return f"bot-{base}-{get_random_string(6).lower()}"


@transaction.atomic
def incoming_token_create(
    *, actor: User, community: Community, name: str
) -> tuple[IncomingToken, str]:
    """A token for an integration and the bot it posts as (named after the integration: no
    password, never signs in, earns no points, absent from the directory and leaderboards)."""
    if not can_manage(actor, community):
        raise PermissionDenied(_("Only the community's managers can create integration tokens."))
    name = (name or "").strip()
    try:
        if not name:
            raise ValidationError(_("Give the integration a name."))
        check_single_line(name, max_length=100)
    except ValidationError as exc:
        raise ValidationError({"name": list(exc.messages)}) from exc
    bot = User(
        username=_bot_username(name),
        display_name=name,
        email="",
        is_bot=True,
        # Treated as having accepted the charter: it never signs in to be asked.
        accepted_charter_version=2**31 - 1,
    )
    bot.set_unusable_password()
    bot.save()
    # Posting needs membership (content.services.post_create); the bot is a plain member.
    membership_set_role(actor=actor, community=community, person=bot, role=Membership.Role.MEMBER)
    raw = "rin_" + secrets.token_urlsafe(32)
    token = IncomingToken.objects.create(
        community=community,
        name=name,
        prefix=raw[:10],
        token_hash=_token_hash(raw),
        bot=bot,
        created_by=actor,
    )
    audit_record(
        action="incoming_token.create",
        actor=actor,
        target=token.prefix,
        data={"community": community.slug, "name": name},
    )
    return token, raw


@transaction.atomic
def incoming_token_revoke(*, actor: User, token: IncomingToken) -> None:
    IncomingToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit_record(
        action="incoming_token.revoke",
        actor=actor,
        target=token.prefix,
        data={"community": token.community.slug},
    )


def incoming_token_authenticate(raw: str, community: Community) -> IncomingToken | None:
    """The live token for this community, or None (unknown, revoked, another community's)."""
    if not raw.startswith("rin_") or len(raw) > 100:
        return None
    token = (
        IncomingToken.objects.select_related("bot", "community")
        .filter(token_hash=_token_hash(raw), community=community, revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        IncomingToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
