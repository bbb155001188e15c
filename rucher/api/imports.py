"""Imports, exports and erasure (API.md "Watch feeds, import, export, privacy"): imports run
in the background with progress and report; exports are ZIPs for 7 days; GDPR erasure."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import StrictBool

from rucher.accounts.models import User
from rucher.actions import privacy
from rucher.api.auth import AuthedRequest
from rucher.api.communities import SlugPath
from rucher.api.errors import ApiError
from rucher.api.schemas import ERRORS, ErrorOut, IdPath, InputSchema, UsernamePath
from rucher.communities import access as community_access
from rucher.imports import exports, runs, tasks
from rucher.imports.access import access_import
from rucher.imports.models import DataExport, ImportRun

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


class ExportOut(Schema):
    id: int
    status: str = Field(description='"queued", "running", "done" or "failed".')
    url: str | None = Field(
        description="The ZIP, once done, for 7 days, for the person who asked only (accepts "
        "the Bearer token)."
    )
    expires_at: datetime | None


def _export_out(export: DataExport | None) -> ExportOut:
    if export is None:
        return ExportOut(id=0, status="none", url=None, expires_at=None)
    ready = exports.is_downloadable(export)
    return ExportOut(
        id=export.pk,
        status=export.status if ready or export.status != "done" else "expired",
        url=reverse("export_download", args=[export.pk]) if ready else None,
        expires_at=export.expires_at,
    )


@router.post("/me/export", response={202: ExportOut, ERRORS: ErrorOut})
def me_export_request(request: AuthedRequest) -> Status[ExportOut]:
    export = exports.export_request(person=request.auth)
    tasks.export_build_soon(export.pk)
    return Status(202, _export_out(export))


@router.get("/me/export", response={200: ExportOut, ERRORS: ErrorOut})
def me_export(request: AuthedRequest) -> ExportOut:
    """The latest export: status "none" when never asked, "expired" after 7 days."""
    return _export_out(exports.latest_export(request.auth))


@router.post("/communities/{slug}/export", response={202: ExportOut, ERRORS: ErrorOut})
def community_export_request(request: AuthedRequest, slug: SlugPath) -> Status[ExportOut]:
    community = community_access.access_community(request.auth, slug, for_manage=True)
    export = exports.export_request(person=request.auth, community=community)
    tasks.export_build_soon(export.pk)
    return Status(202, _export_out(export))


@router.get("/communities/{slug}/export", response={200: ExportOut, ERRORS: ErrorOut})
def community_export(request: AuthedRequest, slug: SlugPath) -> ExportOut:
    community = community_access.access_community(request.auth, slug, for_manage=True)
    return _export_out(exports.latest_export(request.auth, community))


class EraseIn(InputSchema):
    keep_content: StrictBool = Field(
        description='true: posts and comments stay, shown as by a "former member"; '
        "false: they are deleted."
    )


class ErasedOut(Schema):
    status: str = Field(description='"erased".')
    keep_content: bool


@router.post("/people/{username}/erase", response={200: ErasedOut, ERRORS: ErrorOut})
def people_erase(request: AuthedRequest, username: UsernamePath, payload: EraseIn) -> ErasedOut:
    """GDPR erasure by an administrator (F-PRIVACY)."""
    if not request.auth.is_administrator:
        raise ApiError(403, "forbidden", _("Only administrators erase people."))
    person = User.objects.filter(username=username).first()
    if person is None:
        raise Http404
    try:
        privacy.person_erase(actor=request.auth, person=person, keep_content=payload.keep_content)
    except ValidationError as exc:
        raise ApiError(409, "erase_self", exc.messages[0]) from exc
    return ErasedOut(status="erased", keep_content=payload.keep_content)
