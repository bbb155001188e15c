"""Activity facts: one row per person per day, written at most once (a cache guard)."""

from datetime import date

import pytest

from rucher.analytics.facts import activity_record, local_day
from rucher.analytics.models import ActivityDay

pytestmark = pytest.mark.django_db


def test_a_page_records_the_day_once(member_client, member, django_assert_num_queries):
    member_client.get("/")
    assert list(ActivityDay.objects.filter(person=member).values_list("day", flat=True)) == [
        local_day()
    ]
    # Later requests of the day cost the fact nothing: no insert, no read.
    assert activity_record(person_id=member.pk) is False
    with django_assert_num_queries(0):
        activity_record(person_id=member.pk)


def test_a_lost_cache_costs_a_harmless_second_insert(member):
    from django.core.cache import cache

    assert activity_record(person_id=member.pk, day=date(2026, 3, 2)) is True
    cache.clear()
    assert activity_record(person_id=member.pk, day=date(2026, 3, 2)) is True
    assert ActivityDay.objects.filter(person=member).count() == 1


def test_anonymous_and_departed_people_record_nothing(client, departed):
    client.get("/accounts/login/")
    client.force_login(departed)
    client.get("/")
    assert not ActivityDay.objects.exists()
