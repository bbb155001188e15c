"""Per-person language, and the charter gate in front of every page."""

from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation

from rucher.accounts.selectors import charter_is_accepted

# Paths a person may reach before accepting the charter: the charter itself, leaving, static
# files, language switching, the API (which reports `charter_accepted` instead), and the
# unsubscribe links of emails (stopping mail must never wait on a charter).
CHARTER_EXEMPT_PREFIXES = (
    "/charter/",
    "/accounts/",
    "/static/",
    "/i18n/",
    "/api/",
    "/mail/unsubscribe/",
)


class PersonLanguageMiddleware:
    """A person's chosen language wins over the browser's (which LocaleMiddleware applied)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class CharterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(CHARTER_EXEMPT_PREFIXES)
            and not charter_is_accepted(user)
        ):
            target = reverse("charter") + "?next=" + quote(request.get_full_path())
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)
        return self.get_response(request)
