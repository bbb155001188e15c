"""The weekly success report (F-SUCCESS-REPORT)."""

from datetime import date


def success_report_due_week() -> date | None:
    return None


def success_report_send(*, week_start: date) -> int:
    return 0
