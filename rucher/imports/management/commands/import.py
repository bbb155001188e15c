"""`rucher import FORMAT PATH [--dry-run]`: migrates people, communities and posts, or a whole
Yammer / Viva Engage export, showing a progress bar and ending with the report."""

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rucher.accounts.models import User
from rucher.imports import runs
from rucher.imports.readers import ImportRejected

FORMATS = {
    "yammer": "yammer_zip",
    "yammer_zip": "yammer_zip",
    "people": "people_csv",
    "people_csv": "people_csv",
    "content": "content_json",
    "content_json": "content_json",
}


SHOWN = 50


class _Bar:
    """A one-line progress bar on the terminal (plain lines when not a terminal)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.last = 0.0
        self.tty = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < (0.2 if self.tty else 5) and done < total:
            return
        self.last = now
        share = done / total if total else 1.0
        filled = int(share * 30)
        line = f"[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} rows ({share:.0%})"
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Imports people (CSV), communities and posts (JSON) or a Yammer export (ZIP)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("format", choices=sorted(FORMATS))
        parser.add_argument("path")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, write nothing."
        )
        parser.add_argument(
            "--as",
            dest="actor",
            default="",
            help="Username of the administrator the import acts as (default: the first one).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = (
            User.objects.filter(username=options["actor"]).first()
            if options["actor"]
            else User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        )
        if actor is None or not actor.is_administrator:
            raise CommandError("No administrator to act as: create one or give --as USERNAME.")
        bar = _Bar(sys.stderr)
        try:
            with open(options["path"], "rb") as handle:
                report = runs.import_file(
                    FORMATS[options["format"]],
                    handle,
                    actor=actor,
                    dry_run=options["dry_run"],
                    progress=bar,
                )
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {options['path']}") from exc
        except ImportRejected as exc:
            raise CommandError(exc.message) from exc
        sys.stderr.write("\n")
        data = report.as_dict()
        self.stdout.write("Dry run: nothing was written." if options["dry_run"] else "Done.")
        for label in ("created", "skipped"):
            counts = ", ".join(f"{k}: {v}" for k, v in sorted(data[label].items())) or "none"
            self.stdout.write(f"{label.capitalize()}: {counts}")
        self.stdout.write(f"Rejected: {data['rejected_count']}")
        for row in data["rejected"][:SHOWN]:
            self.stdout.write(f"  {row['file']} line {row['row']}: {row['reason']}")
        if data["rejected_count"] > SHOWN:
            self.stdout.write(
                f"  … and {data['rejected_count'] - SHOWN} more (the web page and the API list "
                f"the first {len(data['rejected'])})."
            )
