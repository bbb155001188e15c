"""Domain errors the services raise, whichever face called them (web, API, email-in, jobs)."""

from django.core.exceptions import ValidationError


class NotFound(Exception):
    """The object is missing or the actor may not know it exists: the same answer either way.

    Services raise this, not Django's Http404; the web answers it with the 404 page
    (rucher.core.http.NotFoundMiddleware) and the API with its not_found error."""


class Conflict(ValidationError):
    """Valid input that the object's state refuses (e.g. a reply to a closed topic): the API
    answers 409 with `code` (rucher.api.errors), a web form shows the message like any error."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message, code=code)
