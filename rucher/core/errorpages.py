"""The friendly 404 and 500 pages in development too: with DEBUG on, Django shows its technical
pages; people who are not staff (and the API) get the same pages as in production."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FRIENDLY = {404: "404.html", 500: "500.html"}


def _wants_technical_page(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    path = request.path_info
    return (
        bool(user is not None and user.is_staff)
        or path == "/api"
        or path.startswith("/api/")
        or request.headers.get("HX-Request") == "true"
    )


class FriendlyErrorPagesMiddleware:
    """Last in MIDDLEWARE: it sees the response Django made of an exception (a view's, or no
    URL matching) and, in development, swaps the technical page for the friendly one. In
    production Django renders the same templates itself (handler404/handler500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        template = FRIENDLY.get(response.status_code)
        if (
            template is None
            or not settings.DEBUG
            or not getattr(request, "_rucher_failed", request.resolver_match is None)
            or _wants_technical_page(request)
        ):
            return response
        try:
            return render(request, template, status=response.status_code)
        except Exception:  # a page that cannot render (the database is down): the technical one
            return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        # Runs first among the middlewares' (it is last): marks responses made of an
        # exception, leaving the ones views return themselves (a 404 partial) alone.
        request._rucher_failed = True  # type: ignore[attr-defined]
