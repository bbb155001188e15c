"""Personal access tokens: obtaining one with a password, listing and revoking one's own."""

from datetime import datetime
from typing import Literal

from django.contrib.auth import authenticate
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictStr

from rucher.accounts import selectors, services
from rucher.accounts.models import User
from rucher.accounts.throttle import ADDRESS, login_failed, login_lock, login_succeeded
from rucher.api.auth import AuthedRequest
from rucher.api.errors import ApiError, RateLimited
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, IdPath, InputSchema, QuerySchema

router = Router(tags=["tokens"])


class TokenCreateIn(InputSchema):
    username: CleanStr = Field(max_length=150)
    password: StrictStr = Field(max_length=4096)
    name: CleanStr = Field(default="", max_length=100, description='Defaults to "API".')
    scopes: list[Literal["read", "write"]] | None = Field(
        default=None, max_length=2, description="Defaults to both read and write."
    )
    expires_in_days: int | None = Field(default=None, ge=1, le=services.MAX_TOKEN_DAYS)


class TokenCreatedOut(Schema):
    token: str = Field(description="The secret, shown this once only.")
    id: int
    name: str
    scopes: list[str]
    expires_at: datetime | None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    scopes: list[str]
    expires_at: datetime | None


class TokenPageOut(Schema):
    items: list[TokenOut]
    next: str | None = Field(description="Always null: a person has few tokens.")


@router.post("/auth/token", auth=None, response={201: TokenCreatedOut, ERRORS: ErrorOut})
def token_create(request: HttpRequest, payload: TokenCreateIn) -> Status[TokenCreatedOut]:
    # The lock is checked before the password so a locked account reveals nothing about it.
    retry_after, scope = login_lock(payload.username, request)
    if retry_after:
        raise RateLimited(
            retry_after,
            _("Too many failed sign-in attempts from your network. Try again later.")
            if scope == ADDRESS
            else _("Too many failed attempts for this username. Try again later."),
        )
    person = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(person, User) or not person.is_active:
        login_failed(payload.username, request)
        raise ApiError(401, "invalid_credentials", _("Wrong username or password."))
    login_succeeded(payload.username, request)
    token, raw = services.token_create(
        person=person,
        name=payload.name,
        scopes=payload.scopes,
        expires_in_days=payload.expires_in_days,
    )
    return Status(
        201,
        TokenCreatedOut(
            token=raw,
            id=token.pk,
            name=token.name,
            scopes=token.scopes,
            expires_at=token.expires_at,
        ),
    )


@router.get("/me/tokens", response={200: TokenPageOut, ERRORS: ErrorOut})
def token_list(request: AuthedRequest) -> TokenPageOut:
    tokens = selectors.tokens_for_person(request.auth)
    return TokenPageOut(
        items=[TokenOut.model_validate(t, from_attributes=True) for t in tokens], next=None
    )


@router.delete("/me/tokens/{token_id}", response={204: None, ERRORS: ErrorOut})
def token_revoke(request: AuthedRequest, token_id: IdPath) -> Status[None]:
    if not services.token_revoke(person=request.auth, token_id=token_id):
        raise Http404
    return Status(204, None)


class AdminTokenOut(TokenOut):
    person: str = Field(description="The username of the token's owner.")


class AdminTokenPageOut(Schema):
    items: list[AdminTokenOut]
    next: str | None


class AdminTokenFilters(QuerySchema):
    cursor: CleanStr | None = Field(default=None, max_length=1000)
    limit: int = Field(default=20, ge=1, le=100)


def _require_administrator(request: AuthedRequest) -> None:
    if not request.auth.is_administrator:
        raise ApiError(403, "forbidden", _("Only administrators see every token."))


@router.get("/tokens", response={200: AdminTokenPageOut, ERRORS: ErrorOut})
def tokens_all(request: AuthedRequest, filters: Query[AdminTokenFilters]) -> AdminTokenPageOut:
    """Administrators: every personal token of the organisation, newest first."""
    _require_administrator(request)
    page = selectors.all_tokens_page(cursor=filters.cursor, limit=filters.limit)
    return AdminTokenPageOut(
        items=[
            AdminTokenOut(
                **TokenOut.model_validate(t, from_attributes=True).model_dump(),
                person=t.person.username,
            )
            for t in page.items
        ],
        next=page.next_cursor,
    )


@router.delete("/tokens/{token_id}", response={204: None, ERRORS: ErrorOut})
def tokens_revoke_any(request: AuthedRequest, token_id: IdPath) -> Status[None]:
    """Administrators revoke anyone's token."""
    _require_administrator(request)
    if not services.token_revoke_any(actor=request.auth, token_id=token_id):
        raise Http404
    return Status(204, None)
