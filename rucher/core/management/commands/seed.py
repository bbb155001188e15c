"""`rucher seed --people N --communities N --posts N [--comments N --likes N --seed S]`: builds a
realistic organisation at scale for benchmarks (see rucher.seed.organisation for its shape).

Refuses a database holding more than the demo organisation unless --append (alias --force),
which adds another, independent slice and never deletes anything. Prints a progress bar on
stderr, then the rows written per table, their time and rate, and the total time.
"""

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rucher.search.management.commands.search_rebuild import rebuild_with_progress
from rucher.seed.organisation import SEED_PASSWORD, SeedPlan, SeedRefused, seed_organisation


def _positive(value: str) -> int:
    number = int(value.replace("_", "").replace(",", ""))
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Build a large, realistic organisation for benchmarks (never on a database in use)."

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = SeedPlan()
        parser.add_argument("--people", type=_positive, default=defaults.people)
        parser.add_argument("--communities", type=_positive, default=defaults.communities)
        parser.add_argument("--posts", type=_positive, default=defaults.posts)
        parser.add_argument("--comments", type=_positive, default=None, help="default: 3 per post")
        parser.add_argument("--likes", type=_positive, default=None, help="default: 5 per post")
        parser.add_argument("--seed", type=int, default=defaults.seed, help="random seed")
        parser.add_argument(
            "--days", type=_positive, default=defaults.days, help="content spans this many days"
        )
        parser.add_argument(
            "--chunk", type=_positive, default=defaults.chunk, help="posts per transaction"
        )
        parser.add_argument(
            "--append",
            "--force",
            action="store_true",
            dest="append",
            help="add to a database that already holds data (nothing is deleted)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan = SeedPlan(
                people=options["people"],
                communities=options["communities"],
                posts=options["posts"],
                comments=options["comments"],
                likes=options["likes"],
                seed=options["seed"],
                days=options["days"],
                chunk=options["chunk"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Seeding {plan.people:,} people, {plan.communities:,} communities, "
            f"{plan.posts:,} posts, {plan.comment_total:,} comments and {plan.like_total:,} "
            f"likes (seed {plan.seed})…"
        )
        try:
            report = seed_organisation(
                plan,
                append=options["append"],
                progress=not options["no_progress"] and options["verbosity"] > 0,
                stream=sys.stderr,
            )
        except SeedRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{'table':<38}{'rows':>12}{'seconds':>10}{'rows/s':>12}")
        # Per table: the time of its INSERTs or COPYs (foreign keys are checked at commit).
        for label, rows in sorted(report.rows.items(), key=lambda item: -item[1]):
            seconds = report.seconds.get(label, 0.0)
            rate = f"{rows / seconds:,.0f}" if seconds > 0 else "-"
            self.stdout.write(f"{label:<38}{rows:>12,}{seconds:>10.1f}{rate:>12}")
        for label, seconds in report.seconds.items():
            if label not in report.rows:  # generation, commits, VACUUM (ANALYZE)
                self.stdout.write(f"{label:<38}{'':>12}{seconds:>10.1f}")
        total_rows = sum(report.rows.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {total_rows:,} rows on {report.vendor} in {report.total_seconds:.1f} s "
                f"({total_rows / max(report.total_seconds, 1e-9):,.0f} rows/s). "
                f"Home viewer (member of up to 20 communities): {report.viewer}; every seeded "
                f"person's password is '{SEED_PASSWORD}'."
            )
        )
        # The bulk writes above bypass the services: the search index is filled afterwards.
        started = time.perf_counter()
        summary = rebuild_with_progress(
            enabled=not options["no_progress"] and options["verbosity"] > 0
        )
        self.stdout.write(f"{summary} ({time.perf_counter() - started:.1f} s)")
