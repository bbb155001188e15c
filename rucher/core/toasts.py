"""Django messages delivered with htmx partial responses: a full page shows its messages as
toasts (templates/includes/_toasts.html); a partial one (a like button, a read receipt) gets
them appended as an out-of-band swap into the page's #toasts region."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


class HtmxToastsMiddleware:
    """Listed after MessageMiddleware: the messages shown here are marked as used before
    that middleware stores what remains."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or not _is_partial_html(response):
            return response
        storage = messages.get_messages(request)
        if not storage:
            return response
        html = render_to_string("includes/_toasts_oob.html", {"messages": storage})
        response.content = response.content + html.encode(response.charset or "utf-8")
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response


def _is_partial_html(response: HttpResponse) -> bool:
    if getattr(response, "streaming", False) or response.has_header("HX-Redirect"):
        return False
    # 422: a form back with its errors (base.html's htmx-config swaps it).
    status = response.status_code
    if status == 204 or not (200 <= status < 300 or status == 422):
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    return b"<html" not in response.content[:500].lower()
