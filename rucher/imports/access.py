"""Loading an import run: administrators only (404 for everyone else)."""

from django.http import Http404

from rucher.accounts.models import User
from rucher.imports.models import ImportRun


def access_import(viewer: User, run_id: int) -> ImportRun:
    if not (viewer.is_authenticated and viewer.is_active and viewer.is_administrator):
        raise Http404
    if isinstance(run_id, bool) or not 0 < run_id < 2**63:
        raise Http404
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run
