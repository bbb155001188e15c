"""Personal access tokens: obtaining one with a password, listing and revoking one's own."""

from datetime import datetime

from django.contrib.auth import authenticate
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StrictStr

from rucher.accounts import selectors, services
from rucher.accounts.models import User
from rucher.accounts.throttle import ADDRESS, login_failed, login_lock, login_succeeded
from rucher.api.auth import AuthedRequest
from rucher.api.errors import ApiError, RateLimited
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, IdPath, InputSchema

router = Router(tags=["tokens"])


class TokenCreateIn(InputSchema):
    username: CleanStr = Field(max_length=150)
    password: StrictStr = Field(max_length=4096)
    name: CleanStr = Field(default="", max_length=100, description='Defaults to "API".')


class TokenCreatedOut(Schema):
    token: str = Field(description="The secret, shown this once only.")
    id: int
    name: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


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
    token, raw = services.token_create(person=person, name=payload.name)
    return Status(201, TokenCreatedOut(token=raw, id=token.pk, name=token.name))


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
