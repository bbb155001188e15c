"""One error shape for the whole API: {"detail", "code"} plus "fields" for invalid input."""

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.types import DictStrAny

from rucher.core.errors import Conflict, NotFound
from rucher.core.pagination import BadCursor

logger = logging.getLogger("rucher.api")

# Far below DATA_UPLOAD_MAX_MEMORY_SIZE (sized for photos): no JSON body of ours comes close.
MAX_JSON_BODY_BYTES = 1024 * 1024

NON_FIELD = "__all__"

_CODE_FOR_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
}


class ApiError(HttpError):
    """An expected failure with a stable code, e.g. ApiError(409, "conflict", _("…"))."""

    def __init__(
        self,
        status_code: int,
        code: str,
        detail: str,
        fields: dict[str, list[str]] | None = None,
        extra: DictStrAny | None = None,
    ) -> None:
        super().__init__(status_code, detail)
        self.code = code
        self.fields = fields
        # More members of the error body, e.g. {"allowed": [...]} for an unknown filter value.
        self.extra = extra or {}


class RateLimited(ApiError):
    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(429, "rate_limited", detail or _("Too many attempts. Try again later."))
        self.retry_after = max(1, int(retry_after))


class PayloadTooLarge(ValueError):
    pass


class MalformedJson(ValueError):
    pass


def error_body(detail: str, code: str, fields: dict[str, list[str]] | None = None) -> DictStrAny:
    body: DictStrAny = {"detail": detail, "code": code}
    if fields is not None:
        body["fields"] = fields
    return body


def error_response(
    status: int, detail: str, code: str, fields: dict[str, list[str]] | None = None
) -> JsonResponse:
    """For plain Django views in front of the API (e.g. the docs), outside ninja's handlers."""
    return JsonResponse(error_body(detail, code, fields), status=status)


class JsonParser(Parser):
    """json.loads, bounded, and refusing what would later break the database or a renderer."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        length = request.META.get("CONTENT_LENGTH") or "0"
        if (length.isdigit() and int(length) > MAX_JSON_BODY_BYTES) or (
            len(request.body) > MAX_JSON_BODY_BYTES
        ):
            raise PayloadTooLarge
        data = json.loads(request.body, parse_constant=_reject_constant)
        _reject_surrogates(data)
        return data


def _reject_constant(name: str) -> Any:
    raise MalformedJson(f"{name} is not JSON")


def _reject_surrogates(value: Any) -> None:
    # "\ud800" escapes decode to lone surrogates, which neither UTF-8 nor PostgreSQL accept.
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any(0xD800 <= ord(ch) <= 0xDFFF for ch in item):
                raise MalformedJson("lone surrogate")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


_DATE_ERRORS = frozenset(
    {
        "date_type",
        "date_parsing",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
        "datetime_type",
        "datetime_parsing",
        "datetime_from_date_parsing",
        "datetime_object_invalid",
        "time_parsing",
        "time_type",
    }
)
# The names pydantic gives the members of a union in an error's location.
_UNION_MEMBERS = frozenset({"str", "int", "float", "bool", "date", "datetime", "time", "list"})


def _is_union_member(part: str) -> bool:
    return part in _UNION_MEMBERS or part.startswith(("function-", "constrained-", "lax-"))


def _pydantic_message(error: DictStrAny) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind == "string_type":
        return _("Must be text.")
    if kind in ("bool_type", "bool_parsing"):
        return _("Must be true or false.")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("Must be a whole number.")
    if kind == "list_type":
        return _("Must be a list.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Must be a JSON object.")
    if kind == "string_too_long":
        return _("Ensure this value has at most %(max)d characters.") % {
            "max": ctx.get("max_length", 0)
        }
    if kind == "string_too_short":
        return _("Ensure this value has at least %(min)d characters.") % {
            "min": ctx.get("min_length", 0)
        }
    if kind == "too_long":
        return _("At most %(max)d entries.") % {"max": ctx.get("max_length", 0)}
    if kind == "too_short":
        least = int(ctx.get("min_length", 0))
        return ngettext("At least %(min)d entry.", "At least %(min)d entries.", least) % {
            "min": least
        }
    if kind in _DATE_ERRORS:
        return _("Give a date (YYYY-MM-DD) or a date and time (ISO 8601, e.g. 2026-06-01T09:30Z).")
    if kind in ("float_type", "float_parsing", "decimal_type", "decimal_parsing"):
        return _("Must be a number.")
    if kind in ("value_error", "assertion_error") and ctx.get("error"):
        return str(ctx["error"])  # raised by our own validators, already worded and translated
    if kind == "greater_than_equal":
        return _("Ensure this value is at least %(limit)s.") % {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Ensure this value is at most %(limit)s.") % {"limit": ctx.get("le")}
    if kind in ("literal_error", "enum"):
        return _("Choose one of: %(expected)s.") % {"expected": ctx.get("expected", "")}
    # Never a library's raw English: a plain message in the caller's language.
    return _("Invalid value.")


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """("body", "payload", "expertise", 3) → "expertise"; ("query", "limit") → "limit";
    ("query", "filters", "since", "datetime") → "since" (a schema of query parameters, then the
    member of a union that failed)."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[2:]  # the source, then the name of the view's body parameter
    elif parts and parts[0] in ("query", "path", "header", "cookie", "form", "file"):
        # Parameters are flat: the last name that is not a union member's type is the field.
        names = [p for p in parts[1:] if isinstance(p, str) and not _is_union_member(p)]
        return names[-1] if names else NON_FIELD
    for part in parts:
        if isinstance(part, str):
            return part
    return "body" if loc and loc[0] == "body" else NON_FIELD


def _fields_from_ninja(exc: NinjaValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        messages = fields.setdefault(_field_name(error.get("loc", ())), [])
        message = _pydantic_message(error)
        if message not in messages:
            messages.append(message)
    return fields


def _fields_from_django(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {NON_FIELD: list(exc.messages)}


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(
        request: HttpRequest,
        status: int,
        detail: str,
        code: str,
        fields: dict[str, list[str]] | None = None,
    ) -> HttpResponse:
        return api.create_response(request, error_body(detail, code, fields), status=status)

    def on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return respond(
            request, 422, _("Some fields are invalid."), "invalid", _fields_from_ninja(exc)
        )

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        fields = _fields_from_django(exc)
        messages = [m for ms in fields.values() for m in ms]
        detail = messages[0] if len(messages) == 1 else _("Some fields are invalid.")
        return respond(request, 400, detail, "invalid", fields)

    def on_conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
        return respond(request, 409, exc.messages[0], exc.code or "conflict")

    def on_not_found(request: HttpRequest, exc: Http404 | NotFound) -> HttpResponse:
        return respond(request, 404, _("Not found."), "not_found")

    def on_bad_cursor(request: HttpRequest, exc: BadCursor) -> HttpResponse:
        return respond(
            request, 400, _("This cursor is invalid or belongs to another list."), "invalid_cursor"
        )

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(
            request,
            401,
            _("Authentication required: send a valid token or sign in."),
            "not_authenticated",
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        # ninja sets Retry-After itself once this returns.
        return respond(request, 429, _("Too many requests. Try again later."), "rate_limited")

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, RateLimited):
            response = respond(request, 429, exc.message, exc.code)
            response["Retry-After"] = str(exc.retry_after)
            return response
        if isinstance(exc, ApiError):
            if exc.extra:
                body = {**exc.extra, **error_body(exc.message, exc.code, exc.fields)}
                return api.create_response(request, body, status=exc.status_code)
            return respond(request, exc.status_code, exc.message, exc.code, exc.fields)
        cause = exc.__cause__
        # ninja wraps every failure of the body parser in HttpError(400) "from" the cause.
        if isinstance(cause, PayloadTooLarge | RequestDataTooBig):
            return on_too_large(request, cause)
        if cause is not None and exc.status_code == 400:
            return respond(request, 400, _("The request body is not valid JSON."), "malformed_json")
        status = exc.status_code
        return respond(request, status, exc.message, _CODE_FOR_STATUS.get(status, "error"))

    def on_too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 413, _("The request is too large."), "too_large")

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, _("You are not allowed to do this."), "forbidden")

    def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return respond(request, 400, _("The request was rejected."), "bad_request")

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A bug, not bad input: report it like Django would (error mails, and the test client
        # re-raises it), but still answer in the API's shape.
        logger.error("Unhandled API error on %s", request.path, exc_info=exc)
        got_request_exception.send(sender=None, request=request)
        if settings.DEBUG:
            raise exc
        return respond(request, 500, _("An unexpected error occurred."), "server_error")

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (NinjaValidationError, on_ninja_validation),
        (Conflict, on_conflict),
        (DjangoValidationError, on_django_validation),
        (Http404, on_not_found),
        (NotFound, on_not_found),
        (BadCursor, on_bad_cursor),
        (AuthenticationError, on_authentication),
        (Throttled, on_throttled),
        (HttpError, on_http_error),
        (RequestDataTooBig, on_too_large),
        (PayloadTooLarge, on_too_large),
        (PermissionDenied, on_permission_denied),
        (SuspiciousOperation, on_suspicious),
        (Exception, on_unexpected),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


def json_http_errors(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """For the URL patterns ninja answers outside its operations (wrong method, API root)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = view(request, *args, **kwargs)
        except (Http404, NotFound):
            return api_not_found(request)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = error_response(
                405, _("This method is not allowed here."), "method_not_allowed"
            )
            response["Allow"] = allowed
        return response

    return wrapper


@csrf_exempt  # a 404 whatever the method: Django's CSRF check would answer an HTML 403 first
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return error_response(404, _("Not found."), "not_found")


# --- what Django answers itself (rucher/urls.py handler400…handler500, CSRF_FAILURE_VIEW) ---
# Before or outside ninja: a Host not in ALLOWED_HOSTS, a body beyond Django's limits read by a
# middleware, a path under /api/ that is no version of the API, a CSRF failure, a crash in a
# middleware. Under /api/ these answer in the error shape too; elsewhere, Django's own pages.
# (Gunicorn answers over-long request lines and headers itself, before Django: operations.md.)


def is_api_request(request: HttpRequest) -> bool:
    path = request.path_info
    return path == "/api" or path.startswith("/api/")


def django_bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_request(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return error_response(413, _("The request is too large."), "too_large")
    return error_response(400, _("The request was rejected."), "bad_request")


def django_permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_request(request):
        return defaults.permission_denied(request, exception)
    return error_response(403, _("You are not allowed to do this."), "forbidden")


def django_page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_request(request):
        return defaults.page_not_found(request, exception)
    return api_not_found(request)


def django_server_error(request: HttpRequest) -> HttpResponse:
    if not is_api_request(request):
        return defaults.server_error(request)
    return error_response(500, _("An unexpected error occurred."), "server_error")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if not is_api_request(request):
        return django_csrf_failure(request, reason)
    return error_response(403, _("CSRF check failed: send the X-CSRFToken header."), "csrf_failed")
