"""Background jobs: django.tasks on Huey, with retries on failure for every task."""

from django.conf import settings


def configure_retries() -> None:
    """Every django.tasks task runs through one Huey shim task; giving the shim retries means
    any task that raises is retried (with a delay) instead of being lost. Tasks must therefore
    be idempotent, which our style requires anyway."""
    from huey.contrib.djhuey import tasks_backend

    task_class = tasks_backend._shim.task_class
    task_class.default_retries = settings.RUCHER_TASK_RETRIES
    task_class.default_retry_delay = settings.RUCHER_TASK_RETRY_DELAY
