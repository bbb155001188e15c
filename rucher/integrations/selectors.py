"""Reads of the integrations app: the webhooks a person manages, a hook's delivery log, a
community's incoming tokens."""

from django.db.models import QuerySet

from rucher.accounts.models import User
from rucher.communities.access import is_administrator
from rucher.communities.models import Community
from rucher.content.access import viewer_scope
from rucher.core.pagination import Page, keyset_page
from rucher.integrations.access import manageable_webhooks
from rucher.integrations.models import IncomingToken, Webhook, WebhookDelivery


def manages_any_webhooks(viewer: User) -> bool:
    """Administrators, and managers of at least one community (no query beyond the scope)."""
    return is_administrator(viewer) or bool(viewer_scope(viewer).moderated)


def webhooks_page(viewer: User, *, cursor: str | None, limit: int) -> Page[Webhook]:
    return keyset_page(
        manageable_webhooks(viewer).select_related("community"),
        keys=("-id",),
        cursor=cursor,
        limit=limit,
        scope="webhooks",
    )


def deliveries_page(webhook: Webhook, *, cursor: str | None, limit: int) -> Page[WebhookDelivery]:
    return keyset_page(
        WebhookDelivery.objects.filter(webhook=webhook).defer("body"),
        keys=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
        scope=f"deliveries:{webhook.pk}",
    )


def incoming_tokens(community: Community) -> QuerySet[IncomingToken]:
    return IncomingToken.objects.filter(
        community=community, revoked_at__isnull=True
    ).select_related("bot")
