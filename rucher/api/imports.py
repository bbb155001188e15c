"""Imports (API.md "Watch feeds, import, export, privacy"): administrators upload a file, the
import runs in the background, its progress and report are read back."""

from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from rucher.api.auth import AuthedRequest
from rucher.api.errors import ApiError
from rucher.api.schemas import ERRORS, ErrorOut, IdPath
from rucher.imports import runs, tasks
from rucher.imports.access import access_import
from rucher.imports.models import ImportRun

router = Router(tags=["imports"])

FormatIn = Literal["people_csv", "content_json", "yammer_zip", "documents_zip"]


class ImportStartedOut(Schema):
    id: int
    status: str


class ProgressOut(Schema):
    done: int
    total: int


class RejectedOut(Schema):
    row: int
    reason: str
    file: str = Field(description="The file of the archive the row is in.")


class ReportOut(Schema):
    created: dict[str, int]
    skipped: dict[str, int]
    rejected: list[RejectedOut] = Field(description="The first 1,000 rejected rows.")
    rejected_count: int


class ImportOut(Schema):
    id: int
    format: str
    dry_run: bool
    status: str = Field(description='"queued", "running", "done" or "failed".')
    progress: ProgressOut
    report: ReportOut | None = Field(description="Once done.")
    error: str = Field(description="Why the whole file was refused, when it failed.")


def import_out(run: ImportRun) -> ImportOut:
    report: dict[str, Any] | None = run.report or None
    return ImportOut(
        id=run.pk,
        format=run.format,
        dry_run=run.dry_run,
        status=run.status,
        progress=ProgressOut(done=run.progress_done, total=run.progress_total),
        report=ReportOut(**report) if report else None,
        error=run.error,
    )


@router.post("/imports", response={202: ImportStartedOut, ERRORS: ErrorOut})
def imports_start(
    request: AuthedRequest,
    file: File[UploadedFile],
    format: Annotated[FormatIn, Form()],
    dry_run: Annotated[bool, Form()] = False,
) -> Status[ImportStartedOut]:
    if not request.auth.is_administrator:
        raise ApiError(403, "forbidden", _("Only administrators import."))
    if format == "documents_zip":
        raise ApiError(
            422, "format_not_available", _("Documents are not importable in this version.")
        )
    run = runs.import_start(actor=request.auth, format=format, upload=file, dry_run=dry_run)
    tasks.import_run_soon(run.pk)
    return Status(202, ImportStartedOut(id=run.pk, status=run.status))


@router.get("/imports/{run_id}", response={200: ImportOut, ERRORS: ErrorOut})
def imports_detail(request: AuthedRequest, run_id: IdPath) -> ImportOut:
    return import_out(access_import(request.auth, run_id))
