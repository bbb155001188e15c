"""Small helpers shared by the web views of every app (the API has rucher.api.auth)."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from rucher.core.errors import NotFound

if TYPE_CHECKING:  # a type only: core sits below accounts (the layers contract)
    from django.db.models.fields.files import FieldFile

    from rucher.accounts.models import User


class NotFoundMiddleware:
    """Answers the services' NotFound like Http404 (the 404 page): the web face's mapping."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            raise Http404 from exception


def viewer(request: HttpRequest) -> "User":
    """The signed-in person of a view behind login_required (typed for the services)."""
    return request.user  # type: ignore[return-value]


def bad_cursor() -> HttpResponse:
    """A page link whose cursor no longer decodes (400, like the API's bad_cursor)."""
    return HttpResponse(_("This page link is no longer valid."), status=400)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` URL of the form or query when it stays on this site, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def safe_back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Redirects to the form's `next` when it stays on this site, else to `fallback` (a URL
    or a URL name)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def private_image(image: "FieldFile") -> FileResponse:
    """A stored JPEG Rucher drew itself (photo, cover), for a viewer the caller has checked:
    private to the browser (never a shared cache), never sniffed as anything else; a file
    missing from the storage is a 404."""
    if not image:
        raise Http404
    try:
        handle = image.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def private_file(
    stored: "FieldFile", *, name: str, content_type: str, inline: bool = False
) -> FileResponse:
    """An uploaded file (attachment, document), for a viewer the caller has checked: private
    to the browser, never sniffed, never run (a sandboxing CSP), downloaded unless `inline`
    (images); a file missing from the storage is a 404."""
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise Http404 from exc
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
