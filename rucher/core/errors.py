"""Domain errors the services raise, whichever face called them (web, API, email-in, jobs)."""


class NotFound(Exception):
    """The object is missing or the actor may not know it exists: the same answer either way.

    Services raise this, not Django's Http404; the web answers it with the 404 page
    (rucher.core.http.NotFoundMiddleware) and the API with its not_found error."""
