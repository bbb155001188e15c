"""Running imports: from the command line (import_file) or in the background from the web and
the API (import_start → the task → import_execute), with progress and a report on the run."""

import os
import tempfile
from collections.abc import Callable
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.core.audit import audit_record
from rucher.imports.models import ImportRun
from rucher.imports.people import import_people
from rucher.imports.readers import ImportRejected, Report, count_csv_rows
from rucher.imports.yammer import import_yammer

Progress = Callable[[int, int], None]
MAX_UPLOAD_BYTES = 2 * 1024**3


def import_file(
    format: str,
    handle: IO[bytes],
    *,
    actor: User,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Runs one import synchronously. Raises ImportRejected when the input is refused whole."""
    progress = progress or (lambda done, total: None)
    if format == "yammer_zip":
        return import_yammer(handle, actor=actor, dry_run=dry_run, progress=progress)
    if format == "people_csv":
        return _in_dry_run(dry_run, lambda report: _people(handle, actor, report, progress))
    if format == "content_json":
        from rucher.imports.content_json import import_content

        return _in_dry_run(
            dry_run,
            lambda report: import_content(handle, actor=actor, report=report, progress=progress),
        )
    raise ImportRejected("unknown_format", _("Unknown import format."))


def _people(handle: IO[bytes], actor: User, report: Report, progress: Progress) -> None:
    start = handle.tell()
    total = count_csv_rows(handle)
    handle.seek(start)
    progress(0, total)
    import_people(handle, actor=actor, report=report, progress=progress, total=total)
    progress(total, total)


class _Rollback(Exception):
    pass


def _in_dry_run(dry_run: bool, work: Callable[[Report], None]) -> Report:
    report = Report()
    if not dry_run:
        work(report)
        return report
    try:
        with transaction.atomic():
            work(report)
            raise _Rollback
    except _Rollback:
        pass
    return report


@transaction.atomic
def import_start(
    *, actor: User, format: str, upload: UploadedFile, dry_run: bool = False
) -> ImportRun:
    """An administrator uploads a file; the run is queued (the caller enqueues the task after
    commit: rucher.imports.tasks.import_run_soon)."""
    if not actor.is_administrator:
        raise PermissionDenied
    if format not in ImportRun.Format.values:
        raise ValidationError(
            {
                "format": [
                    _("Choose one of: %(choices)s.")
                    % {"choices": ", ".join(ImportRun.Format.values)}
                ]
            }
        )
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [_("The file is too large (at most 2 GB).")]})
    run = ImportRun(
        format=format,
        dry_run=dry_run,
        started_by=actor,
        file_name=os.path.basename(upload.name or "")[:200],
    )
    run.file.save(f"{timezone.now():%Y%m%d%H%M%S}.upload", upload, save=False)
    run.save()
    audit_record(
        action="import.start",
        actor=actor,
        target=f"import:{run.pk}",
        data={"format": format, "dry_run": dry_run},
    )
    return run


def import_execute(*, run_id: int) -> None:
    """The background task: runs a queued (or interrupted) import; safe to retry, the import
    being idempotent."""
    claimed = ImportRun.objects.filter(
        pk=run_id, status__in=[ImportRun.Status.QUEUED, ImportRun.Status.RUNNING]
    ).update(status=ImportRun.Status.RUNNING)
    if not claimed:
        return
    run = ImportRun.objects.select_related("started_by").get(pk=run_id)

    def progress(done: int, total: int) -> None:
        # Outside the import's batch transactions would be better, but each batch commits
        # every 200 rows: the page sees progress move at that pace.
        ImportRun.objects.filter(pk=run_id).update(progress_done=done, progress_total=total)

    actor = run.started_by
    if actor is None or not actor.is_administrator:
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportRun.Status.FAILED,
            error=_("The administrator who started it is gone."),
            finished_at=timezone.now(),
        )
        return
    try:
        with run.file.open("rb") as stored, tempfile.TemporaryFile() as local:
            # Storage backends (S3) may not seek: work on a local copy.
            for chunk in iter(lambda: stored.read(1024 * 1024), b""):
                local.write(chunk)
            local.seek(0)
            report = import_file(
                run.format, local, actor=actor, dry_run=run.dry_run, progress=progress
            )
    except ImportRejected as exc:
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportRun.Status.FAILED, error=exc.message[:500], finished_at=timezone.now()
        )
        return
    ImportRun.objects.filter(pk=run_id).update(
        status=ImportRun.Status.DONE, report=report.as_dict(), finished_at=timezone.now()
    )
