"""Validation of the dates people give as filters (query parameters), shared by web views and
the API: a date near the ends of what Python's datetime can hold overflows as soon as it is put
in a time zone or moved by a day (`?since=0001-01-01` answered 500)."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Far enough from year 1 and 9999 for any time-zone or week arithmetic, wider than any real use.
MIN_FILTER_DATE = date(1900, 1, 1)
MAX_FILTER_DATE = date(2999, 12, 31)


def _day(value: date) -> date:
    # A datetime is a date: compare its calendar day (an offset cannot move it out of range).
    return date(value.year, value.month, value.day)


def check_date_range(
    *,
    since: date | None,
    until: date | None,
    since_field: str = "since",
    until_field: str = "until",
) -> None:
    """Refuses a filter date outside MIN_FILTER_DATE–MAX_FILTER_DATE, or an end before the start,
    with a ValidationError naming the field (400 in the API's error shape)."""
    errors: dict[str, list[str]] = {}
    for field, value in ((since_field, since), (until_field, until)):
        if value is not None and not MIN_FILTER_DATE <= _day(value) <= MAX_FILTER_DATE:
            errors[field] = [
                _("Give a date between %(min)s and %(max)s.")
                % {
                    "min": date_format(MIN_FILTER_DATE, "SHORT_DATE_FORMAT"),
                    "max": date_format(MAX_FILTER_DATE, "SHORT_DATE_FORMAT"),
                }
            ]
    if not errors and since is not None and until is not None:
        # A date and a datetime do not compare: then compare their days.
        same_kind = isinstance(since, datetime) == isinstance(until, datetime)
        if (until < since) if same_kind else (_day(until) < _day(since)):
            errors[until_field] = [_("The end date comes before the start date.")]
    if errors:
        raise ValidationError(errors)
