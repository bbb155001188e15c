"""Integrations (API.md "Integrations"): outgoing webhooks, incoming-webhook tokens and the
incoming endpoint an integration publishes through."""

from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import HttpBearer

from rucher.actions.incoming import incoming_publish
from rucher.api.auth import AuthedRequest
from rucher.api.errors import ApiError
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, IdPath, InputSchema, QuerySchema
from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.content.models import MAX_BODY_LENGTH, MAX_TITLE_LENGTH
from rucher.integrations import access, selectors, services
from rucher.integrations.events import EVENTS
from rucher.integrations.models import IncomingToken, Webhook, WebhookDelivery

router = Router(tags=["integrations"])
SlugPath = CleanStr


class WebhookCreateIn(InputSchema):
    url: CleanStr = Field(max_length=1000)
    events: list[CleanStr] = Field(max_length=len(EVENTS), description=", ".join(EVENTS))
    secret: CleanStr = Field(
        default="", max_length=200, description="Generated (64 hex digits) when left out."
    )
    community: CleanStr | None = Field(
        default=None,
        max_length=community_access.MAX_SLUG_LENGTH,
        description="A community's slug: a hook scoped to it (its managers may register it).",
    )


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    community: str | None
    active: bool
    created_at: datetime
    failing_since: datetime | None
    disabled_at: datetime | None
    disabled_reason: str


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(description="Signs every delivery; shown this once only.")


class WebhookPageOut(Schema):
    items: list[WebhookOut]
    next: str | None


class DeliveryOut(Schema):
    id: int
    delivery_id: UUID
    event: str
    status: str
    attempts: int
    response_code: int | None
    duration_ms: int | None
    error: str
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None


class DeliveryPageOut(Schema):
    items: list[DeliveryOut]
    next: str | None


class PageFilters(QuerySchema):
    cursor: CleanStr | None = Field(default=None, max_length=1000)
    limit: int = Field(default=20, ge=1, le=100)


class IncomingTokenIn(InputSchema):
    name: CleanStr = Field(max_length=100)


class IncomingTokenOut(Schema):
    id: int
    name: str
    prefix: str
    bot: str = Field(description="The bot's username.")
    created_at: datetime
    last_used_at: datetime | None


class IncomingTokenCreatedOut(Schema):
    id: int
    token: str = Field(description="The secret, shown this once only.")
    name: str
    bot: str


class IncomingTokenPageOut(Schema):
    items: list[IncomingTokenOut]
    next: str | None = Field(description="Always null: a community has few tokens.")


class IncomingIn(InputSchema):
    title: CleanStr = Field(default="", max_length=MAX_TITLE_LENGTH)
    body: CleanStr = Field(max_length=MAX_BODY_LENGTH)


class IncomingOut(Schema):
    id: int
    url: str


def _webhook_out(hook: Webhook) -> WebhookOut:
    return WebhookOut(
        id=hook.pk,
        url=hook.url,
        events=list(hook.events),
        community=hook.community.slug if hook.community else None,
        active=hook.is_active,
        created_at=hook.created_at,
        failing_since=hook.failing_since,
        disabled_at=hook.disabled_at,
        disabled_reason=hook.disabled_reason,
    )


def _delivery_out(delivery: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut.model_validate(delivery, from_attributes=True)


def _require_hook_manager(request: AuthedRequest) -> None:
    if not selectors.manages_any_webhooks(request.auth):
        raise ApiError(
            403, "forbidden", _("Only administrators and community managers manage webhooks.")
        )


@router.get("/webhooks", response={200: WebhookPageOut, ERRORS: ErrorOut})
def webhooks_list(request: AuthedRequest, filters: Query[PageFilters]) -> WebhookPageOut:
    _require_hook_manager(request)
    page = selectors.webhooks_page(request.auth, cursor=filters.cursor, limit=filters.limit)
    return WebhookPageOut(items=[_webhook_out(h) for h in page.items], next=page.next_cursor)


@router.post("/webhooks", response={201: WebhookCreatedOut, ERRORS: ErrorOut})
def webhooks_create(request: AuthedRequest, payload: WebhookCreateIn) -> Status[WebhookCreatedOut]:
    community: Community | None = None
    if payload.community:
        community = community_access.access_community(request.auth, payload.community)
    hook = services.webhook_create(
        actor=request.auth,
        url=payload.url,
        events_wanted=payload.events,
        secret=payload.secret,
        community=community,
    )
    out = _webhook_out(hook)
    return Status(201, WebhookCreatedOut(**out.model_dump(), secret=hook.secret))


@router.get("/webhooks/{webhook_id}", response={200: WebhookOut, ERRORS: ErrorOut})
def webhooks_detail(request: AuthedRequest, webhook_id: IdPath) -> WebhookOut:
    return _webhook_out(access.access_webhook(request.auth, webhook_id))


@router.delete("/webhooks/{webhook_id}", response={204: None, ERRORS: ErrorOut})
def webhooks_delete(request: AuthedRequest, webhook_id: IdPath) -> Status[None]:
    services.webhook_delete(
        actor=request.auth, webhook=access.access_webhook(request.auth, webhook_id)
    )
    return Status(204, None)


@router.post("/webhooks/{webhook_id}/test", response={202: DeliveryOut, ERRORS: ErrorOut})
def webhooks_test(request: AuthedRequest, webhook_id: IdPath) -> Status[DeliveryOut]:
    hook = access.access_webhook(request.auth, webhook_id)
    return Status(202, _delivery_out(services.webhook_test(actor=request.auth, webhook=hook)))


@router.post("/webhooks/{webhook_id}/enable", response={200: WebhookOut, ERRORS: ErrorOut})
def webhooks_enable(request: AuthedRequest, webhook_id: IdPath) -> WebhookOut:
    hook = access.access_webhook(request.auth, webhook_id)
    services.webhook_enable(actor=request.auth, webhook=hook)
    return _webhook_out(access.access_webhook(request.auth, webhook_id))


@router.get("/webhooks/{webhook_id}/deliveries", response={200: DeliveryPageOut, ERRORS: ErrorOut})
def webhooks_deliveries(
    request: AuthedRequest, webhook_id: IdPath, filters: Query[PageFilters]
) -> DeliveryPageOut:
    hook = access.access_webhook(request.auth, webhook_id)
    page = selectors.deliveries_page(hook, cursor=filters.cursor, limit=filters.limit)
    return DeliveryPageOut(items=[_delivery_out(d) for d in page.items], next=page.next_cursor)


def _token_out(token: IncomingToken) -> IncomingTokenOut:
    return IncomingTokenOut(
        id=token.pk,
        name=token.name,
        prefix=token.prefix,
        bot=token.bot.username,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
    )


def _managed_community(request: AuthedRequest, slug: str) -> Community:
    community = community_access.access_community(request.auth, slug)
    if not community_access.can_manage(request.auth, community):
        raise ApiError(
            403, "forbidden", _("Only the community's managers manage its integrations.")
        )
    return community


@router.get(
    "/communities/{slug}/incoming-tokens", response={200: IncomingTokenPageOut, ERRORS: ErrorOut}
)
def incoming_tokens_list(request: AuthedRequest, slug: SlugPath) -> IncomingTokenPageOut:
    community = _managed_community(request, slug)
    tokens = selectors.incoming_tokens(community)
    return IncomingTokenPageOut(items=[_token_out(t) for t in tokens], next=None)


@router.post(
    "/communities/{slug}/incoming-tokens",
    response={201: IncomingTokenCreatedOut, ERRORS: ErrorOut},
)
def incoming_tokens_create(
    request: AuthedRequest, slug: SlugPath, payload: IncomingTokenIn
) -> Status[IncomingTokenCreatedOut]:
    community = _managed_community(request, slug)
    token, raw = services.incoming_token_create(
        actor=request.auth, community=community, name=payload.name
    )
    return Status(
        201,
        IncomingTokenCreatedOut(id=token.pk, token=raw, name=token.name, bot=token.bot.username),
    )


@router.delete("/incoming-tokens/{token_id}", response={204: None, ERRORS: ErrorOut})
def incoming_tokens_revoke(request: AuthedRequest, token_id: IdPath) -> Status[None]:
    token = access.access_incoming_token(request.auth, token_id)
    services.incoming_token_revoke(actor=request.auth, token=token)
    return Status(204, None)


class IncomingTokenAuth(HttpBearer):
    """The community's incoming token, for the community named in the path only."""

    def authenticate(self, request: HttpRequest, token: str) -> IncomingToken | None:
        match = request.resolver_match
        slug = str(match.kwargs.get("slug", "")) if match is not None else ""
        community = Community.objects.filter(slug=slug[: community_access.MAX_SLUG_LENGTH]).first()
        if community is None:
            return None
        found = services.incoming_token_authenticate(token.strip(), community)
        # Checked once the caller is known (401 first) and before the body is parsed.
        if found is not None and len(request.body) > settings.RUCHER_INCOMING_MAX_BYTES:
            raise ApiError(413, "too_large", _("The message is too large."))
        return found


@router.post(
    "/communities/{slug}/incoming",
    auth=IncomingTokenAuth(),
    response={201: IncomingOut, ERRORS: ErrorOut},
    summary="An integration publishes into a community as its bot",
)
def incoming(request: HttpRequest, slug: SlugPath, payload: IncomingIn) -> Status[IncomingOut]:
    token = request.auth  # type: ignore[attr-defined]
    post = incoming_publish(token=token, title=payload.title, body=payload.body)
    return Status(
        201, IncomingOut(id=post.pk, url=f"{settings.RUCHER_BASE_URL}{post.get_absolute_url()}")
    )
