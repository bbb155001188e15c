"""`rucher points_check [--fix]`: proves every score, and every per-period total the leaderboards
read, equals the sum of its points ledger."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rucher.accounts.models import User
from rucher.recognition.periods import period_scores_check, period_scores_rebuild
from rucher.recognition.points import points_check, points_fix


class Command(BaseCommand):
    help = (
        "Compare every person's score and per-period totals (week, month, all time; the "
        "leaderboards' source) with the sums of their points ledger; print each mismatch and "
        "exit with status 1 if any. --fix rebuilds the mismatched totals from the ledger (then "
        "exits 0 once they match)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fix", action="store_true", help="Rebuild mismatched totals from the ledger."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        mismatches = points_check()
        periods = period_scores_check()
        if not mismatches and not periods:
            self.stdout.write(self.style.SUCCESS("Every score matches its ledger."))
            return
        ids = {m.person_id for m in mismatches} | {p.person_id for p in periods}
        names = dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))
        for m in mismatches:
            total = "none" if m.total is None else str(m.total)
            self.stdout.write(
                f"{names.get(m.person_id, m.person_id)}: score {total}, ledger {m.ledger}"
            )
        for p in periods:
            scope = "organisation" if p.community_key == 0 else f"community {p.community_key}"
            self.stdout.write(
                f"{names.get(p.person_id, p.person_id)}: {p.period} of {p.start} ({scope}) "
                f"{p.stored}, ledger {p.ledger}"
            )
        if not options["fix"]:
            raise CommandError(
                f"{len(mismatches) + len(periods)} total(s) differ from the ledger "
                "(run with --fix to rebuild).",
                returncode=1,
            )
        changed = points_fix(person_ids=[m.person_id for m in mismatches])
        period_people = sorted({p.person_id for p in periods})
        if period_people:
            period_scores_rebuild(person_ids=period_people)
        left = points_check(person_ids=ids)
        left_periods = period_scores_check(person_ids=ids)
        if left or left_periods:
            raise CommandError(
                f"{len(left) + len(left_periods)} total(s) still differ after the fix.",
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt {changed} score(s) and the period totals of {len(period_people)} "
                "person(s) from the ledger."
            )
        )
