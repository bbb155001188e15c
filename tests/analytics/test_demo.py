"""`rucher demo` gives the dashboard twelve weeks of history, once."""

import io

import pytest
from django.core.management import call_command

from rucher.analytics.models import ActivityDay, CommunityDay

pytestmark = pytest.mark.django_db


def test_the_demo_has_twelve_weeks_of_history_and_runs_twice():
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "Demo analytics:" in out.getvalue()
    assert CommunityDay.objects.filter(community__isnull=True).count() >= 15
    assert CommunityDay.objects.filter(community__isnull=True, posts__gt=0).exists()
    facts = ActivityDay.objects.count()
    assert facts > 84 * 10
    call_command("demo", stdout=io.StringIO())
    assert ActivityDay.objects.count() == facts
    assert CommunityDay.objects.filter(community__isnull=True).count() >= 15
