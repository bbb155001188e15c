"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest


def rucher(request: HttpRequest) -> dict[str, object]:
    return {"RUCHER_BASE_URL": settings.RUCHER_BASE_URL, "LANGUAGES": settings.LANGUAGES}
