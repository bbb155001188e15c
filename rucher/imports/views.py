"""Import pages for administrators (/imports/, /imports/<id>/ refreshed while it runs), the
personal data pages (/settings/privacy/, export downloads) and GDPR erasure."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from rucher.accounts.access import access_person
from rucher.accounts.decorators import login_or_token_required
from rucher.actions import privacy as privacy_actions
from rucher.core import http
from rucher.core.forms import add_service_errors
from rucher.imports import exports, runs, tasks
from rucher.imports.access import access_import
from rucher.imports.forms import EraseForm, ImportForm
from rucher.imports.models import DataExport, ImportRun

RECENT = 20
# The report's keys are stable (the API gives them as they are); the page names them.
LABELS = {
    "people": _("people"),
    "communities": _("communities"),
    "posts": _("posts"),
    "comments": _("comments"),
    "files": _("files"),
    "private messages": _("private messages"),
    "deleted messages": _("deleted messages"),
    "deleted communities": _("deleted communities"),
    "messages of deleted communities": _("messages of deleted communities"),
    "messages already imported": _("messages already imported"),
    "missing files": _("missing files"),
    "likes": _("likes"),
    "bookmarks": _("bookmarks"),
    "memberships": _("community memberships"),
    "points": _("points earned (entries)"),
}


def _labelled(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(str(LABELS.get(key, key)), n) for key, n in counts.items()]


@login_required
@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    if not viewer.is_administrator:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                run = runs.import_start(
                    actor=viewer,
                    format=form.cleaned_data["format"],
                    upload=form.cleaned_data["file"],
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                tasks.import_run_soon(run.pk)
                return redirect("import_detail", run_id=run.pk)
        status = 400
    recent = ImportRun.objects.select_related("started_by").order_by("-created_at", "-id")[:RECENT]
    return render(request, "imports/imports.html", {"form": form, "runs": recent}, status=status)


@login_required
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_import(http.viewer(request), run_id)
    share = round(100 * run.progress_done / run.progress_total) if run.progress_total else 0
    report = run.report or {}
    context = {
        "run": run,
        "share": share,
        "finished": run.status in ("done", "failed"),
        "created": _labelled(report.get("created", {})),
        "skipped": _labelled(report.get("skipped", {})),
    }
    if getattr(request, "htmx", False):
        return render(request, "imports/detail.html#run-state", context)
    return render(request, "imports/detail.html", context)


@login_or_token_required
def export_download(request: HttpRequest, export_id: int) -> HttpResponseBase:
    """The ZIP, for the person who asked for it only, while it has not expired (else 404)."""
    viewer = http.viewer(request)
    export = DataExport.objects.filter(pk=export_id, requested_by=viewer.pk).first()
    if export is None or not exports.is_downloadable(export):
        raise Http404
    name = (export.file.name or "export.zip").rsplit("/", 1)[-1]
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    """From the settings: "download my data"."""
    viewer = http.viewer(request)
    export = exports.export_request(person=viewer)
    tasks.export_build_soon(export.pk)
    messages.success(
        request, _("Your export is being prepared: you will receive an email when it is ready.")
    )
    return redirect("privacy")


@login_required
def privacy(request: HttpRequest) -> HttpResponse:
    """ "What is held about me": the kinds of data and how many of each, and the export."""
    viewer = http.viewer(request)
    export = exports.latest_export(viewer)
    return render(
        request,
        "imports/privacy.html",
        {
            "summary": [(str(LABELS.get(k, k)), n) for k, n in exports.person_data_summary(viewer)],
            "export": export,
            "downloadable": export is not None and exports.is_downloadable(export),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, username: str) -> HttpResponse:
    """An administrator erases a person (GDPR), after choosing what becomes of their content."""
    viewer = http.viewer(request)
    if not viewer.is_administrator:
        raise Http404
    person = access_person(viewer, username)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy_actions.person_erase(
                actor=viewer, person=person, keep_content=form.cleaned_data["content"] == "keep"
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The person has been erased."))
            return redirect("directory")
    status = 400 if request.method == "POST" else 200
    return render(request, "imports/erase.html", {"person": person, "form": form}, status=status)
