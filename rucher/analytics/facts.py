"""Activity facts: that a person was active on a local day, recorded at most once per day.

The middleware asks the cache first ("already recorded today?"); only a miss reaches the
database, with an insert that ignores the (person, day) conflict. So a person costs one insert
a day, whatever the number of requests, and a cache lost or shared between processes (the
embedded file cache, Redis) only costs a harmless duplicate attempt.
"""

import contextlib
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from rucher.analytics.models import ActivityDay

# Longer than a day: the key names the day, so an old key is never read again once it expired.
GUARD_SECONDS = 26 * 3600


def organisation_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(moment: datetime | None = None) -> date:
    return timezone.localtime(moment or timezone.now(), organisation_tz()).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local day, as aware datetimes (23 or 25 hours on clock changes)."""
    tz = organisation_tz()
    return (
        datetime.combine(day, time(0), tzinfo=tz),
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz),
    )


def _guard_key(person_id: int, day: date) -> str:
    return f"analytics:active:{person_id}:{day.isoformat()}"


def activity_record(*, person_id: int, day: date | None = None) -> bool:
    """Records that the person was active on the day (today by default); True when this call
    reached the database (a cache miss), False when the cache said it was already done."""
    day = day or local_day()
    key = _guard_key(person_id, day)
    if cache.get(key):
        return False
    with transaction.atomic():
        ActivityDay.objects.bulk_create([ActivityDay.of(person_id, day)], ignore_conflicts=True)
    cache.set(key, 1, GUARD_SECONDS)
    return True


class ActivityMiddleware:
    """Records the signed-in person's activity of the day (after authentication)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_active
            and not request.path.startswith(("/static/", "/media/"))
        ):
            # A fact is worth less than the page: a locked database must not fail it.
            with contextlib.suppress(DatabaseError):
                activity_record(person_id=user.pk)
        return self.get_response(request)
