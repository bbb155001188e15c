"""`rucher demo` with recognition: the demo's activity earns its points through the ledger's
rules, a few thanks, badges and last week's top 3 — once."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F

from rucher.recognition.models import BadgeAward, Kudos, PersonScore, PointsEntry, WeeklyTop
from rucher.recognition.points import points_check

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(PointsEntry.objects.values_list("person_id", "key", "points")),
        sorted(BadgeAward.objects.values_list("person_id", "badge", "tag_id")),
        Kudos.objects.count(),
        sorted(WeeklyTop.objects.values_list("week_start", "person_id", "rank")),
    )


def test_the_demo_earns_points_thanks_badges_and_a_top_3_once():
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "Demo recognition:" in out.getvalue()
    assert PointsEntry.objects.filter(reason="post").exists()
    assert PointsEntry.objects.filter(reason="like_received").exists()
    assert PointsEntry.objects.filter(reason="kudos_received").count() == Kudos.objects.count()
    assert Kudos.objects.count() == 3
    assert BadgeAward.objects.filter(badge="first_post").exists()
    assert WeeklyTop.objects.filter(rank=1).exists()
    # Every score is its ledger's sum, and nobody earned points for liking themselves.
    assert points_check() == []
    assert not PointsEntry.objects.filter(actor=F("person")).exists()
    first = _snapshot()
    assert PersonScore.objects.filter(total__gt=0).count() > 5

    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "Demo recognition: 0 points entries, 0 thanks, 0 badges" in out.getvalue()
    assert _snapshot() == first
