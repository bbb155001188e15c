"""Background jobs of the document library: one-line calls, enqueued after commit, retried on
failure (rucher.core.jobs) and idempotent (services.version_preview_make)."""

from django.tasks import task

from rucher.documents import services
from rucher.documents.models import DocumentVersion


@task
def make_preview(version_id: int) -> None:
    services.version_preview_make(version_id=version_id)


def queue_preview(version: DocumentVersion) -> None:
    """The `on_commit` of documents.services.document_upload: types without previews cost no
    job."""
    if version.has_preview_type:
        make_preview.enqueue(version.pk)
