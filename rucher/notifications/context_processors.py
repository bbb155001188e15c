"""The unread badge of the top bar: one COUNT, run only when a page actually shows it."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from rucher.notifications.selectors import UNREAD_CAP, unread_count


def notifications(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not (user.is_authenticated and user.is_active):
        return {}

    def badge() -> str:
        count = unread_count(user)
        if count >= UNREAD_CAP:
            return f"{UNREAD_CAP - 1}+"
        return str(count) if count else ""

    return {"notifications_badge": SimpleLazyObject(badge)}
