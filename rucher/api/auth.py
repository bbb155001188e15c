"""Who is calling: a personal access token (Bearer) or the browser session (with CSRF)."""

import contextlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from rucher.accounts.models import User
from rucher.accounts.services import token_authenticate, token_lookup
from rucher.analytics.facts import activity_record
from rucher.api.errors import ApiError, error_response


class AuthedRequest(HttpRequest):
    """The request as an authenticated operation sees it (for type checking only)."""

    auth: User


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_lookup(token.strip())
        if found is None:
            # A bad token is an error even with a session cookie beside it: a revoked token
            # must stop working, not silently fall back to another identity.
            raise AuthenticationError
        person = found.person
        _adopt(request, person)
        if request.method not in SAFE_METHODS and not found.can_write:
            raise ApiError(
                403, "insufficient_scope", _("This token may only read: it has no write scope.")
            )
        return person


class SessionCsrfAuth(APIKeyCookie):
    """Django's session, as ninja's SessionAuth, but CSRF is checked only for signed-in
    callers so that an anonymous write gets 401 rather than a CSRF error."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        if (
            self.csrf
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise ApiError(403, "csrf_failed", _("CSRF check failed: send the X-CSRFToken header."))
        return user


def _adopt(request: HttpRequest, person: User) -> None:
    # Token callers skip the session, so give them what the middleware gives signed-in people
    # (their language, and the day's activity fact).
    request.user = person
    with contextlib.suppress(DatabaseError):
        activity_record(person_id=person.pk)
    if person.language:
        translation.activate(person.language)
        request.LANGUAGE_CODE = person.language


def member_from_request(request: HttpRequest) -> User | None:
    """The active member behind a request outside ninja's operations (docs, schema)."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() == "bearer":
        person = token_authenticate(token.strip())
        if person is not None:
            _adopt(request, person)
        return person
    user = request.user
    if user.is_authenticated and user.is_active:
        return user
    return None


def members_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the OpenAPI schema and docs: 401 for API clients, the login page for browsers."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if member_from_request(request) is None:
            if "text/html" in request.headers.get("Accept", ""):
                return redirect_to_login(request.get_full_path())
            response = error_response(
                401,
                _("Authentication required: send a valid token or sign in."),
                "not_authenticated",
            )
            response["WWW-Authenticate"] = 'Bearer realm="api"'
            return response
        return view(request, *args, **kwargs)

    return wrapper
