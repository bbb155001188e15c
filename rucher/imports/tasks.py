"""Background imports and exports: each task is one call into the app's services."""

from django.db import transaction
from django.tasks import task

from rucher.imports import runs


@task
def import_run(run_id: int) -> None:
    runs.import_execute(run_id=run_id)


def import_run_soon(run_id: int) -> None:
    transaction.on_commit(lambda: import_run.enqueue(run_id))
