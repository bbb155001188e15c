"""Due-time arithmetic: working hours and days, holidays, daylight-saving changes."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from rucher.qa.calendar import (
    add_working_hours,
    organisation_calendar,
    parse_calendar,
    working_hours_between,
)

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def cal(holidays: str = ""):
    return parse_calendar(
        days="1,2,3,4,5", start="09:00", end="18:00", holidays=holidays, time_zone="Europe/Paris"
    )


def test_it_carries_friday_evening_over_the_weekend():
    # Friday 17:30 + 8 h → Monday 16:30 in Europe/Paris (the example).
    assert add_working_hours(paris(2026, 6, 5, 17, 30), 8, cal()) == paris(2026, 6, 8, 16, 30)


def test_it_uses_the_organisation_defaults(settings):
    calendar = organisation_calendar()
    plain = cal()
    assert (calendar.days, calendar.start, calendar.end, calendar.holidays, calendar.tz) == (
        plain.days,
        plain.start,
        plain.end,
        plain.holidays,
        plain.tz,
    )
    assert add_working_hours(paris(2026, 6, 5, 17, 30), 8) == paris(2026, 6, 8, 16, 30)


def test_french_public_holidays_come_from_the_library(settings):
    # Ascension (Thursday 14 May 2026) and Whit Monday (25 May 2026) move with Easter: nobody
    # typed them in. Wednesday 17:30 + 8 h lands on Friday, not Thursday.
    assert add_working_hours(paris(2026, 5, 13, 17, 30), 8) == paris(2026, 5, 15, 16, 30)
    assert add_working_hours(paris(2026, 5, 22, 17, 30), 8) == paris(2026, 5, 26, 16, 30)
    assert add_working_hours(paris(2027, 5, 5, 17, 30), 8) == paris(2027, 5, 7, 16, 30)
    # The extra days off of RUCHER_HOLIDAYS add to them.
    settings.RUCHER_HOLIDAYS = "2026-05-15"
    assert add_working_hours(paris(2026, 5, 13, 17, 30), 8) == paris(2026, 5, 18, 16, 30)
    # No country: only the organisation's own days.
    settings.RUCHER_HOLIDAYS_COUNTRY = ""
    settings.RUCHER_HOLIDAYS = ""
    assert add_working_hours(paris(2026, 5, 13, 17, 30), 8) == paris(2026, 5, 14, 16, 30)


def test_a_subdivision_adds_its_own_holidays(settings):
    # Alsace-Moselle (57) keeps Good Friday (3 April 2026); Easter Monday is off everywhere.
    settings.RUCHER_HOLIDAYS_SUBDIVISION = "57"
    assert add_working_hours(paris(2026, 4, 2, 17, 30), 8) == paris(2026, 4, 7, 16, 30)
    settings.RUCHER_HOLIDAYS_SUBDIVISION = ""
    assert add_working_hours(paris(2026, 4, 2, 17, 30), 8) == paris(2026, 4, 3, 16, 30)


def test_it_keeps_the_local_hour_across_the_spring_change():
    # Clocks go forward on Sunday 29 March 2026: Friday is UTC+1, Monday UTC+2.
    due = add_working_hours(paris(2026, 3, 27, 17, 30), 8, cal())
    assert due == paris(2026, 3, 30, 16, 30)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 14, 30, tzinfo=UTC)


def test_it_keeps_the_local_hour_across_the_autumn_change():
    # Clocks go back on Sunday 25 October 2026: Friday is UTC+2, Monday UTC+1.
    due = add_working_hours(paris(2026, 10, 23, 17, 30), 8, cal())
    assert due.astimezone(UTC) == datetime(2026, 10, 26, 15, 30, tzinfo=UTC)
    assert working_hours_between(paris(2026, 10, 23, 17, 30), due, cal()) == 8


def test_it_accepts_any_time_zone_for_the_start():
    start = datetime(2026, 6, 5, 15, 30, tzinfo=UTC)  # 17:30 in Paris
    assert add_working_hours(start, 8, cal()) == paris(2026, 6, 8, 16, 30)


def test_it_starts_counting_at_the_next_opening():
    sunday = paris(2026, 6, 7, 11, 0)
    assert add_working_hours(sunday, 2, cal()) == paris(2026, 6, 8, 11, 0)
    before_opening = paris(2026, 6, 8, 7, 0)
    assert add_working_hours(before_opening, 9, cal()) == paris(2026, 6, 8, 18, 0)
    after_closing = paris(2026, 6, 8, 20, 0)
    assert add_working_hours(after_closing, 1, cal()) == paris(2026, 6, 9, 10, 0)


def test_it_skips_holidays():
    # Monday 8 June off: Friday 17:30 + 8 h lands on Tuesday.
    assert add_working_hours(paris(2026, 6, 5, 17, 30), 8, cal("2026-06-08")) == paris(
        2026, 6, 9, 16, 30
    )


def test_a_promise_longer_than_a_week():
    # 60 working hours = 6 days and 6 hours of 9-hour days from Monday 9:00.
    assert add_working_hours(paris(2026, 6, 1, 9, 0), 60, cal()) == paris(2026, 6, 9, 15, 0)
    assert working_hours_between(paris(2026, 6, 1, 9, 0), paris(2026, 6, 9, 15, 0), cal()) == 60


def test_half_hours_and_fractions():
    assert add_working_hours(paris(2026, 6, 1, 9, 0), 4.5, cal()) == paris(2026, 6, 1, 13, 30)


def test_working_hours_between_ignores_nights_weekends_and_order():
    c = cal()
    assert working_hours_between(paris(2026, 6, 5, 17, 30), paris(2026, 6, 8, 9, 30), c) == 1
    assert working_hours_between(paris(2026, 6, 8, 10, 0), paris(2026, 6, 8, 9, 0), c) == 0
    assert working_hours_between(paris(2026, 6, 6, 10, 0), paris(2026, 6, 7, 10, 0), c) == 0


def test_a_wrong_configuration_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        parse_calendar(days="", start="09:00", end="18:00", holidays="", time_zone="UTC")
    with pytest.raises(ImproperlyConfigured):
        parse_calendar(days="1,9", start="09:00", end="18:00", holidays="", time_zone="UTC")
    with pytest.raises(ImproperlyConfigured):
        parse_calendar(days="1", start="18:00", end="09:00", holidays="", time_zone="UTC")
    with pytest.raises(ImproperlyConfigured):
        parse_calendar(days="1", start="09:00", end="18:00", holidays="soon", time_zone="UTC")
    with pytest.raises(ImproperlyConfigured, match="RUCHER_HOLIDAYS_COUNTRY"):
        parse_calendar(
            days="1", start="09:00", end="18:00", holidays="", time_zone="UTC", country="ZZ"
        )
    with pytest.raises(ImproperlyConfigured, match="RUCHER_HOLIDAYS_SUBDIVISION"):
        parse_calendar(
            days="1",
            start="09:00",
            end="18:00",
            holidays="",
            time_zone="UTC",
            country="FR",
            subdivision="99",
        )


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        add_working_hours(datetime(2026, 6, 5, 17, 30), 8, cal())
