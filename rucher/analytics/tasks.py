"""Background jobs of analytics: thin wrappers around the services (retried, idempotent)."""

from datetime import date

from django.tasks import task

from rucher.actions.reports import success_report_run
from rucher.analytics import rollups


@task
def rollup_day_task(day_iso: str) -> int:
    return rollups.rollup_day(day=date.fromisoformat(day_iso))


@task
def success_report_task(week_start_iso: str) -> int:
    queued, _posted = success_report_run(week_start=date.fromisoformat(week_start_iso))
    return queued
