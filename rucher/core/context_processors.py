"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest

# The pages whose header entries sit behind "More" (templates/base.html): on them, "More" is
# marked as the current section.
MORE_MENU_URL_NAMES = frozenset(
    {
        "services",
        "desks",
        "watch",
        "leaderboard",
        "stats",
        "analytics",
        "settings",
        "moderation_queue",
        "webhooks",
        "imports",
    }
)


def rucher(request: HttpRequest) -> dict[str, object]:
    return {
        "RUCHER_BASE_URL": settings.RUCHER_BASE_URL,
        "LANGUAGES": settings.LANGUAGES,
        "more_menu_url_names": MORE_MENU_URL_NAMES,
    }
