"""Background imports and exports: each task is one call into the app's services."""

from django.conf import settings
from django.db import transaction
from django.tasks import task

from rucher.imports import runs


@task
def import_run(run_id: int) -> None:
    runs.import_execute(run_id=run_id)


def import_run_soon(run_id: int) -> None:
    transaction.on_commit(lambda: import_run.enqueue(run_id))


@task
def export_build(export_id: int) -> None:
    """Builds the ZIP, then announces it by email (mail sits above this app: composed here)."""
    from django.urls import reverse
    from django.utils import translation
    from django.utils.translation import gettext as _

    from rucher.imports import exports
    from rucher.mail.outbox import outbox_put

    export = exports.export_build(export_id=export_id)
    if export is None:
        return
    with translation.override(export.requested_by.language or settings.LANGUAGE_CODE):
        if export.community is not None:
            message = _("The export of %(community)s is ready: download it within 7 days.") % {
                "community": export.community.name
            }
        else:
            message = _("Your data export is ready: download it within 7 days.")
    outbox_put(
        key=f"data_export:{export.pk}",
        recipient=export.requested_by,
        kind="account",
        template="notification",
        context={
            "message": message,
            "url": settings.RUCHER_BASE_URL.rstrip("/")
            + reverse("export_download", args=[export.pk]),
        },
    )


def export_build_soon(export_id: int) -> None:
    transaction.on_commit(lambda: export_build.enqueue(export_id))
