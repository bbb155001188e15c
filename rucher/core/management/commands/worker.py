"""`rucher worker`: runs background jobs and the periodic schedule (Huey consumer)."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker (tasks and periodic schedule)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="Do not run the schedule (when another worker runs it).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        import rucher.schedule  # noqa: F401  (registers the periodic tasks)

        kwargs: dict[str, Any] = {}
        if options["workers"]:
            kwargs["workers"] = options["workers"]
        if options["no_periodic"]:
            kwargs["periodic"] = False
        call_command("run_huey", **kwargs)
