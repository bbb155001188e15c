"""The organisation's working time: adding working hours to a moment, counting them between two.

Working hours are wall-clock hours in the organisation's time zone: a day from 09:00 to 18:00
has nine working hours, also on the days the clocks change (the change happens at night). The
arithmetic runs on local wall-clock times and converts back to an aware datetime at the end, so
a due time keeps its local hour across daylight-saving changes (its UTC offset changes instead).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as public_holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Ten years of days: a promise never spans more (MAX_ANSWER_PROMISE_HOURS is 2,000 hours).
MAX_DAYS = 3660


@dataclass(frozen=True)
class WorkCalendar:
    days: frozenset[int]  # ISO weekdays: 1 is Monday, 7 is Sunday
    start: time
    end: time
    holidays: frozenset[date]  # the organisation's own extra days off
    tz: ZoneInfo
    # The country's public holidays (the `holidays` library computes each year, Easter-based
    # days included); None when no country is configured.
    public: public_holidays.HolidayBase | None = None

    def is_working_day(self, day: date) -> bool:
        return (
            day.isoweekday() in self.days
            and day not in self.holidays
            and (self.public is None or day not in self.public)
        )


def _parse_time(name: str, value: str) -> time:
    try:
        return time.fromisoformat(value.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a time such as 09:00, not {value!r}") from exc


def _public_holidays(country: str, subdivision: str) -> public_holidays.HolidayBase | None:
    if not country.strip():
        return None
    code = country.strip().upper()
    if code not in public_holidays.list_supported_countries():
        raise ImproperlyConfigured(
            f"RUCHER_HOLIDAYS_COUNTRY: no public holidays known for {country!r} "
            "(an ISO 3166 code such as FR, BE, CH; empty for none)"
        )
    try:
        return public_holidays.country_holidays(code, subdiv=subdivision.strip() or None)
    except NotImplementedError as exc:  # an unknown subdivision of a known country
        raise ImproperlyConfigured(f"RUCHER_HOLIDAYS_SUBDIVISION: {exc}") from exc


def parse_calendar(
    *,
    days: str,
    start: str,
    end: str,
    holidays: str,
    time_zone: str,
    country: str = "",
    subdivision: str = "",
) -> WorkCalendar:
    """Builds a calendar from the settings' text forms (see settings.RUCHER_WORK_*)."""
    try:
        day_set = frozenset(int(part) for part in days.split(",") if part.strip())
        holiday_set = frozenset(
            date.fromisoformat(part.strip()) for part in holidays.split(",") if part.strip()
        )
    except ValueError as exc:
        raise ImproperlyConfigured(
            "RUCHER_WORK_DAYS are ISO weekdays (1-7) and RUCHER_HOLIDAYS ISO dates, "
            "both separated by commas"
        ) from exc
    if not day_set or not day_set <= set(range(1, 8)):
        raise ImproperlyConfigured("RUCHER_WORK_DAYS needs at least one ISO weekday (1-7)")
    opening = _parse_time("RUCHER_WORK_START", start)
    closing = _parse_time("RUCHER_WORK_END", end)
    if closing <= opening:
        raise ImproperlyConfigured("RUCHER_WORK_END must be after RUCHER_WORK_START")
    return WorkCalendar(
        days=day_set,
        start=opening,
        end=closing,
        holidays=holiday_set,
        tz=ZoneInfo(time_zone),
        public=_public_holidays(country, subdivision),
    )


@lru_cache(maxsize=8)
def _cached_calendar(*settings_values: str) -> WorkCalendar:
    days, start, end, holidays, time_zone, country, subdivision = settings_values
    return parse_calendar(
        days=days,
        start=start,
        end=end,
        holidays=holidays,
        time_zone=time_zone,
        country=country,
        subdivision=subdivision,
    )


def organisation_calendar() -> WorkCalendar:
    # Cached by the settings' values: each question and report asks for it, and the public
    # holidays of a year are computed once per process.
    return _cached_calendar(
        settings.RUCHER_WORK_DAYS,
        settings.RUCHER_WORK_START,
        settings.RUCHER_WORK_END,
        settings.RUCHER_HOLIDAYS,
        settings.TIME_ZONE,
        settings.RUCHER_HOLIDAYS_COUNTRY,
        settings.RUCHER_HOLIDAYS_SUBDIVISION,
    )


def _local(moment: datetime, calendar: WorkCalendar) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(calendar.tz).replace(tzinfo=None)


def _aware(local: datetime, calendar: WorkCalendar) -> datetime:
    # fold=0: an ambiguous or missing wall time takes the offset in force before the change.
    return local.replace(tzinfo=calendar.tz)


def _window(day: date, calendar: WorkCalendar) -> tuple[datetime, datetime]:
    return datetime.combine(day, calendar.start), datetime.combine(day, calendar.end)


def add_working_hours(
    start: datetime, hours: float, calendar: WorkCalendar | None = None
) -> datetime:
    """The moment `hours` working hours after `start` (outside working time, counting starts at
    the next opening). E.g. Friday 17:30 + 8 h → Monday 16:30 with 9:00–18:00, Monday–Friday."""
    calendar = calendar or organisation_calendar()
    if hours < 0:
        raise ValueError("hours must not be negative")
    cursor = _local(start, calendar)
    remaining = timedelta(hours=hours)
    for _ in range(MAX_DAYS):
        day = cursor.date()
        if calendar.is_working_day(day):
            opening, closing = _window(day, calendar)
            cursor = max(cursor, opening)
            if cursor < closing:
                available = closing - cursor
                if remaining <= available:
                    return _aware(cursor + remaining, calendar)
                remaining -= available
        cursor = datetime.combine(day + timedelta(days=1), time.min)
    raise ValueError("no working time in the next ten years: check the working days")


def working_hours_between(a: datetime, b: datetime, calendar: WorkCalendar | None = None) -> float:
    """Working hours from `a` to `b` (0 when `b` is not after `a`)."""
    calendar = calendar or organisation_calendar()
    begin, finish = _local(a, calendar), _local(b, calendar)
    if finish <= begin:
        return 0.0
    total = timedelta()
    day = begin.date()
    last = finish.date()
    while day <= last:
        if calendar.is_working_day(day):
            opening, closing = _window(day, calendar)
            low, high = max(opening, begin), min(closing, finish)
            if high > low:
                total += high - low
        day += timedelta(days=1)
    return total.total_seconds() / 3600
