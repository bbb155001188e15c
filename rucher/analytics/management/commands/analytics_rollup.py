"""`rucher analytics_rollup`: (re)build the daily rollups of a day or a range of days."""

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rucher.analytics.facts import local_day
from rucher.analytics.rollups import days_between, rollup_day


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Rebuilds the analytics rollups of past days (idempotent). Default: yesterday. "
        "--since/--until (inclusive) or --days N (the N days before today)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=_date)
        parser.add_argument("--until", type=_date)
        parser.add_argument("--days", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        today = local_day()
        until = options["until"] or today - timedelta(days=1)
        if options["days"] is not None:
            if options["days"] < 1:
                raise CommandError("--days must be at least 1")
            since = until - timedelta(days=options["days"] - 1)
        else:
            since = options["since"] or until
        if since > until:
            raise CommandError("--since must not be after --until")
        if until > today:
            raise CommandError("--until must not be in the future")
        count = 0
        for day in days_between(since, until):
            rollup_day(day=day)
            count += 1
        self.stdout.write(f"rebuilt {count} day(s) from {since} to {until}")
