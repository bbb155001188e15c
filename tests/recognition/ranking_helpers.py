"""Test shortcuts for rankings: ledger rows, scores and period totals written directly (the
points ledger's own services are tested with it), at chosen times in the organisation's time
zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F

from rucher.recognition.models import PersonScore, PointsEntry
from rucher.recognition.periods import period_scores_add

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
    period_scores_add(person.pk, [(community.pk if community else None, at, points)])
    return entry


def exclude(person) -> None:
    PersonScore.objects.update_or_create(person=person, defaults={"excluded": True})
