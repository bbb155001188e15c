"""The period a dashboard or an API call covers, and the period before it (same length)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rucher.analytics.facts import local_day

PRESETS = ("7", "30", "90")
DEFAULT_DAYS = 30
# A year and a day: a leap year fits, and no query reads more than two years of rollups
# (the period and the one before it).
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    """From `since` to `until`, both included (local days)."""

    since: date
    until: date

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def previous(self) -> "Period":
        until = self.since - timedelta(days=1)
        return Period(until - timedelta(days=self.days - 1), until)


def _parse_date(field: str, value: str, errors: dict[str, list[str]]) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors[field] = [_("Enter a date as YYYY-MM-DD.")]
        return None


def parse_period(
    *,
    period: str | None = None,
    since: str | None = None,
    until: str | None = None,
    today: date | None = None,
) -> tuple[str, Period]:
    """(preset name or "custom", period). Presets end yesterday (the last rolled-up day).
    Bad input raises ValidationError with one message per field, naming the rule."""
    today = today or local_day()
    yesterday = today - timedelta(days=1)
    period = (period or "").strip()
    if period not in (*PRESETS, "custom", ""):
        raise ValidationError({"period": [_("Choose 7, 30, 90 or custom.")]})
    if period in PRESETS or (period == "" and not since and not until):
        days = int(period or DEFAULT_DAYS)
        return period or str(DEFAULT_DAYS), Period(yesterday - timedelta(days=days - 1), yesterday)
    errors: dict[str, list[str]] = {}
    end = _parse_date("until", until, errors) if until else yesterday
    start = _parse_date("since", since, errors) if since else None
    if errors:
        raise ValidationError(errors)
    assert end is not None
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValidationError({"since": [_("The start must not be after the end.")]})
    if end > today:
        raise ValidationError({"until": [_("The end must not be in the future.")]})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError(
            {"since": [_("A period covers at most %(days)d days.") % {"days": MAX_DAYS}]}
        )
    return "custom", Period(start, end)
