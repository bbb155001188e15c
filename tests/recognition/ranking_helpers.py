"""Test shortcuts for rankings: ledger rows and scores written directly (the points ledger's own
services are tested with it), at chosen times in the organisation's time zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F

from rucher.recognition.models import PersonScore, PointsEntry

_counter = iter(range(1, 10**9))


def local(*args: int) -> datetime:
    """An aware datetime in the organisation's time zone, e.g. local(2026, 3, 8, 23, 30)."""
    return datetime(*args, tzinfo=ZoneInfo(settings.TIME_ZONE))  # type: ignore[misc]


def grant(person, points: int, at: datetime, *, community=None, reason: str = "post"):
    """A ledger row (a grant, or a withdrawal with negative points) and the matching total."""
    entry = PointsEntry.objects.create(
        person=person,
        reason=reason,
        points=points,
        key=f"test:{next(_counter)}",
        community=community,
        created_at=at,
    )
    PersonScore.objects.get_or_create(person=person)
    PersonScore.objects.filter(person=person).update(total=F("total") + points)
    return entry


def exclude(person) -> None:
    PersonScore.objects.update_or_create(person=person, defaults={"excluded": True})
