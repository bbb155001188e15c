"""The only way to load a webhook or an incoming token: administrators manage all of them,
a community's managers those of their community; anyone else gets the 404 of a thing that
does not exist."""

from django.db.models import Q, QuerySet
from django.http import Http404

from rucher.accounts.models import User
from rucher.communities.access import is_administrator
from rucher.content.access import moderated_communities
from rucher.integrations.models import IncomingToken, Webhook

MAX_ID = 2**63 - 1


def manageable_webhooks(viewer: User) -> QuerySet[Webhook]:
    if not (viewer.is_authenticated and viewer.is_active):
        return Webhook.objects.none()
    if is_administrator(viewer):
        return Webhook.objects.all()
    return Webhook.objects.filter(
        Q(community__in=moderated_communities(viewer).values("pk")), community__isnull=False
    )


def access_webhook(viewer: User, webhook_id: int) -> Webhook:
    if not 1 <= webhook_id <= MAX_ID:
        raise Http404
    webhook = manageable_webhooks(viewer).select_related("community").filter(pk=webhook_id).first()
    if webhook is None:
        raise Http404
    return webhook


def access_incoming_token(viewer: User, token_id: int) -> IncomingToken:
    if not (viewer.is_authenticated and viewer.is_active) or not 1 <= token_id <= MAX_ID:
        raise Http404
    tokens = IncomingToken.objects.select_related("community", "bot").filter(
        pk=token_id, revoked_at__isnull=True
    )
    if not is_administrator(viewer):
        tokens = tokens.filter(community__in=moderated_communities(viewer).values("pk"))
    token = tokens.first()
    if token is None:
        raise Http404
    return token
