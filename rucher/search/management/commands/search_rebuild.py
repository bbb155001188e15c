"""`rucher search_rebuild`: empties and refills the search index, with a progress bar."""

import sys
from typing import Any, TextIO

from django.core.management.base import BaseCommand

from rucher.search import services
from rucher.seed.progress import Progress


class Command(BaseCommand):
    help = "Rebuild the full-text search index (posts, comments, people, communities)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        show = not options["no_progress"] and options["verbosity"] > 0
        self.stdout.write(self.style.SUCCESS(rebuild_with_progress(enabled=show)))


def rebuild_with_progress(*, enabled: bool = True, stream: TextIO | None = None) -> str:
    """Rebuilds the index with one progress bar per kind; returns a one-line summary (also
    for `rucher seed` and `rucher demo`, which fill the index this way)."""
    bars: dict[str, Progress] = {}

    def progress(kind: str, done: int, total: int) -> None:
        bar = bars.get(kind)
        if bar is None:
            bar = bars[kind] = Progress(
                total, f"search: {kind}", stream=stream or sys.stderr, enabled=enabled
            )
        bar.advance(done - bar.done)
        if done >= total:
            bar.close()

    counts = services.rebuild(progress=progress)
    summary = ", ".join(f"{count:,} {kind}" for kind, count in counts.items())
    return f"Search index rebuilt: {summary}."
