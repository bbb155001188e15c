"""Points per week, month and all time (`PeriodScore`), kept beside the points ledger.

The period leaderboards used to sum the ledger over the period on every view: at 1,000,000 posts
(6 million ledger rows) that was 14 ms for the first day of a week and grew every day of it, and
a month was several times more (docs/performance.md). Each ledger write now adds its points to
six rows — (week, month, all time) × (organisation, the entry's community) — with one upsert, in
the same transaction and under the same person lock as the entry, so the totals are exact under
concurrency. `period_scores_check` and `period_scores_rebuild` compare and rebuild them from the
ledger (`rucher points_check [--fix]`, the seed).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.recognition.badges import org_timezone
from rucher.recognition.models import PeriodScore, PointsEntry

ORGANISATION = 0
# The "start" of the all-time period: one row per person and scope.
ALL_TIME = date(2000, 1, 1)
REBUILD_BATCH = 5_000
PEOPLE_PER_CHUNK = 500

Key = tuple[str, date, int, int]  # (period, start, community key, person id)


def week_start(now: datetime) -> date:
    """The Monday of `now`'s week in the organisation's time zone."""
    local = timezone.localtime(now, org_timezone()).date()
    return date.fromordinal(local.toordinal() - local.weekday())


def month_start(now: datetime) -> date:
    return timezone.localtime(now, org_timezone()).date().replace(day=1)


@lru_cache(maxsize=65_536)
def _starts(quarter: datetime) -> tuple[tuple[str, date], ...]:
    return (("week", week_start(quarter)), ("month", month_start(quarter)), ("all", ALL_TIME))


def _keys(person_id: int, community_id: int | None, at: datetime) -> list[Key]:
    # Time zone offsets are whole quarters of an hour: every instant of a quarter falls in the
    # same local day, so the (costly) local-date conversions are cached per quarter (the
    # rebuild reads millions of ledger rows).
    starts = _starts(at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0))
    scopes = [ORGANISATION] if community_id is None else [ORGANISATION, community_id]
    return [(period, start, scope, person_id) for period, start in starts for scope in scopes]


def period_scores_add(person_id: int, changes: Iterable[tuple[int | None, datetime, int]]) -> None:
    """Adds (community id, when, points) changes of one person's ledger to their period rows.

    The caller holds the person's lock (rucher.recognition.points._lock_score). One statement:
    INSERT … ON CONFLICT DO UPDATE adding to the stored points (PostgreSQL and SQLite alike).
    """
    totals: dict[Key, int] = defaultdict(int)
    for community_id, at, points in changes:
        for key in _keys(person_id, community_id, at):
            totals[key] += points
    rows = [(key, points) for key, points in totals.items() if points]
    if not rows:
        return
    table = PeriodScore._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    params: list[int | str] = []
    for (period, start, scope, person), points in rows:
        params += [person, period, start.isoformat(), scope, points]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (person_id, period, start, community_key, points) "  # noqa: S608 (table name from the model)
            f"VALUES {values} ON CONFLICT (period, start, community_key, person_id) "
            f"DO UPDATE SET points = {table}.points + excluded.points",
            params,
        )


def _expected(person_ids: list[int]) -> dict[Key, int]:
    """The period totals the ledger gives for these people (streamed)."""
    entries = PointsEntry.objects.filter(person_id__in=person_ids)
    totals: dict[Key, int] = defaultdict(int)
    rows = entries.values_list("person_id", "community_id", "created_at", "points")
    for person_id, community_id, created_at, points in rows.iterator(chunk_size=20_000):
        for key in _keys(person_id, community_id, created_at):
            totals[key] += points
    return totals


def _stored(person_ids: list[int]) -> dict[Key, int]:
    rows = PeriodScore.objects.filter(person_id__in=person_ids)
    return {
        (period, start, scope, person): points
        for period, start, scope, person, points in rows.values_list(
            "period", "start", "community_key", "person_id", "points"
        ).iterator(chunk_size=20_000)
    }


@dataclass(frozen=True)
class PeriodMismatch:
    person_id: int
    period: str
    start: date
    community_key: int
    stored: int
    ledger: int


def _people(person_ids: Iterable[int] | None) -> list[int]:
    if person_ids is not None:
        return sorted(set(person_ids))
    return sorted(User.objects.values_list("pk", flat=True))


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    # A few hundred people at a time: the totals of 10,000 people over two years of ledger
    # would hold millions of keys in memory at once.
    for i in range(0, len(ids), PEOPLE_PER_CHUNK):
        yield ids[i : i + PEOPLE_PER_CHUNK]


def period_scores_check(*, person_ids: Iterable[int] | None = None) -> list[PeriodMismatch]:
    """Every period row that differs from the ledger (a missing row counts as 0 points).

    Rows of a deleted community are left out: its ledger entries lost their community (SET
    NULL) and no board reads those rows again; a rebuild removes them."""
    communities = set(Community.objects.values_list("pk", flat=True))
    mismatches = []
    for chunk in _chunks(_people(person_ids)):
        expected = _expected(chunk)
        stored = {
            key: points
            for key, points in _stored(chunk).items()
            if key[2] == ORGANISATION or key[2] in communities
        }
        for key in sorted(set(expected) | set(stored)):
            want, have = expected.get(key, 0), stored.get(key, 0)
            if want != have:
                period, start, scope, person = key
                mismatches.append(PeriodMismatch(person, period, start, scope, have, want))
    return mismatches


def period_scores_rebuild(*, person_ids: Iterable[int] | None = None) -> int:
    """Rewrites the period rows (of these people, or everyone's) from the ledger, a few hundred
    people per transaction. Run it while nothing else writes points (the seed, `points_check
    --fix`). Returns the rows written."""
    written = 0
    for chunk in _chunks(_people(person_ids)):
        with transaction.atomic():
            expected = _expected(chunk)
            PeriodScore.objects.filter(person_id__in=chunk).delete()
            rows = [
                PeriodScore(period=per, start=start, community_key=scope, person_id=who, points=n)
                for (per, start, scope, who), n in expected.items()
                if n
            ]
            PeriodScore.objects.bulk_create(rows, batch_size=REBUILD_BATCH)
            written += len(rows)
    return written
