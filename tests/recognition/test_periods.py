"""Per-period totals (PeriodScore): kept by the ledger's own writes, equal to the ledger's sums,
checked and rebuilt by `rucher points_check`."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from rucher.actions import likes as like_actions
from rucher.recognition import points
from rucher.recognition.models import PeriodScore
from rucher.recognition.periods import (
    ALL_TIME,
    month_start,
    period_scores_check,
    period_scores_rebuild,
    week_start,
)
from tests.recognition.test_points import assert_consistent, publish

pytestmark = pytest.mark.django_db


def rows(person) -> dict[tuple[str, int], int]:
    return {
        (period, scope): pts
        for period, scope, pts in PeriodScore.objects.filter(person=person).values_list(
            "period", "community_key", "points"
        )
    }


def test_a_like_adds_to_the_week_the_month_and_all_time_of_both_scopes(world):
    owner, member = world.people["owner"], world.people["member"]
    club = world.communities["open"]
    post = publish(owner, club)
    before = rows(owner)
    like_actions.post_like(person=member, post=post)
    after = rows(owner)
    for period in ("week", "month", "all"):
        for scope in (0, club.pk):
            assert after[(period, scope)] - before[(period, scope)] == 2, (period, scope)
    starts = set(PeriodScore.objects.filter(person=owner).values_list("period", "start"))
    now = timezone.now()
    assert starts == {("week", week_start(now)), ("month", month_start(now)), ("all", ALL_TIME)}
    like_actions.post_unlike(person=member, post=post)
    assert rows(owner) == before
    assert_consistent()


def test_a_withdrawal_counts_in_its_own_period_and_a_closed_week_never_changes(world):
    owner, member = world.people["owner"], world.people["member"]
    club = world.communities["open"]
    post = publish(owner, club)
    like_actions.post_like(person=member, post=post)
    last_week = week_start(timezone.now())
    next_week = timezone.now() + timedelta(days=7)
    points.points_reverse(where=points.Q(key__startswith="post_like:"), now=next_week)
    week_rows = dict(
        PeriodScore.objects.filter(person=owner, period="week", community_key=0).values_list(
            "start", "points"
        )
    )
    assert week_rows[last_week] == 5 + 10 + 2  # the post, the first contribution, the like
    assert week_rows[week_start(next_week)] == -2
    assert_consistent()


def test_a_rebuild_gives_back_what_the_writes_kept(world):
    owner, member = world.people["owner"], world.people["member"]
    club, private = world.communities["open"], world.communities["private"]
    for community in (club, private, club):
        post = publish(owner, community)
        like_actions.post_like(person=member, post=post)
    kept = sorted(
        PeriodScore.objects.values_list("person", "period", "start", "community_key", "points")
    )
    assert kept
    PeriodScore.objects.all().delete()
    assert period_scores_check() != []
    assert period_scores_rebuild() == len(kept)
    rebuilt = sorted(
        PeriodScore.objects.values_list("person", "period", "start", "community_key", "points")
    )
    assert rebuilt == kept


def test_points_check_reports_a_wrong_period_total_and_fix_rebuilds_it(world):
    owner = world.people["owner"]
    publish(owner, world.communities["open"])
    PeriodScore.objects.filter(person=owner, period="week", community_key=0).update(points=999)
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("points_check", stdout=out)
    assert exc.value.returncode == 1
    assert "owner: week of" in out.getvalue() and "(organisation) 999, ledger 15" in out.getvalue()
    out = io.StringIO()
    call_command("points_check", "--fix", stdout=out)
    assert "the period totals of 1 person(s)" in out.getvalue()
    assert_consistent()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_fills_the_periods_of_an_existing_ledger():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("recognition", "0003_default_values")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    person = old.get_model("accounts", "User").objects.create(username="ledger-owner")
    entries = old.get_model("recognition", "PointsEntry").objects
    now = timezone.now()
    entries.create(person=person, reason="post", points=5, key="a", created_at=now)
    entries.create(
        person=person, reason="post", points=5, key="b", created_at=now - timedelta(days=40)
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    all_time = PeriodScore.objects.get(person_id=person.pk, period="all", community_key=0)
    assert all_time.points == 10
    week = PeriodScore.objects.get(person_id=person.pk, period="week", start=week_start(now))
    assert week.points == 5
    assert period_scores_check() == []


def test_a_deleted_community_leaves_no_mismatch(world):
    from rucher.communities.models import Community

    owner = world.people["owner"]
    club = Community.objects.create(name="Short-lived", slug="short-lived")
    publish(owner, world.communities["open"])
    points.points_grant(person_id=owner.pk, reason="post", key="x:1", community_id=club.pk)
    assert PeriodScore.objects.filter(community_key=club.pk).exists()
    club.delete()
    assert_consistent()
    period_scores_rebuild(person_ids=[owner.pk])
    assert not PeriodScore.objects.filter(community_key=club.pk).exists()
