"""Administrators' import pages: /imports/ (start one, see the recent ones) and /imports/<id>/
(progress, refreshed while it runs, then the report)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from rucher.core import http
from rucher.core.forms import add_service_errors
from rucher.imports import runs, tasks
from rucher.imports.access import access_import
from rucher.imports.forms import ImportForm
from rucher.imports.models import ImportRun

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
