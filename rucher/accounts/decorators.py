"""View decorators for pages that API clients fetch too (files): a session or a Bearer token."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from rucher.accounts.services import token_authenticate


def login_or_token_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """A signed-in browser, or a caller with `Authorization: Bearer <token>`.

    The URLs the API returns for files (`url` of an attachment) are web URLs: a mobile app or an
    integration must be able to download what its token's person may read. The view's own access
    check runs unchanged for either identity. A bad token is 401 in the API's error shape, never
    a fall-back to the session or a redirect to the login page.
    """
    browser_view = login_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return browser_view(request, *args, **kwargs)
        person = token_authenticate(raw.strip())
        if person is None:
            response = JsonResponse(
                {
                    "detail": _("Authentication required: send a valid token or sign in."),
                    "code": "not_authenticated",
                },
                status=401,
            )
            response["WWW-Authenticate"] = 'Bearer realm="api"'
            return response
        request.user = person
        return view(request, *args, **kwargs)

    return wrapper
