"""The periodic schedule: run by the worker that owns the schedule (`rucher worker`)."""

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="17", hour="3"))
def clear_expired_sessions() -> None:
    """Nightly: database sessions past their expiry are deleted."""
    call_command("clearsessions")
