"""`rucher points_check [--fix]`: proves every score equals the sum of its points ledger."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rucher.accounts.models import User
from rucher.recognition.points import points_check, points_fix


class Command(BaseCommand):
    help = (
        "Compare every person's score with the sum of their points ledger; print each "
        "mismatch and exit with status 1 if any. --fix rebuilds the mismatched totals from "
        "the ledger (then exits 0 once they match)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fix", action="store_true", help="Rebuild mismatched totals from the ledger."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        mismatches = points_check()
        if not mismatches:
            self.stdout.write(self.style.SUCCESS("Every score matches its ledger."))
            return
        names = dict(
            User.objects.filter(pk__in=[m.person_id for m in mismatches]).values_list(
                "pk", "username"
            )
        )
        for m in mismatches:
            total = "none" if m.total is None else str(m.total)
            self.stdout.write(
                f"{names.get(m.person_id, m.person_id)}: score {total}, ledger {m.ledger}"
            )
        if not options["fix"]:
            raise CommandError(
                f"{len(mismatches)} score(s) differ from the ledger (run with --fix to rebuild).",
                returncode=1,
            )
        changed = points_fix(person_ids=[m.person_id for m in mismatches])
        left = points_check(person_ids=[m.person_id for m in mismatches])
        if left:
            raise CommandError(f"{len(left)} score(s) still differ after the fix.", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {changed} score(s) from the ledger."))
