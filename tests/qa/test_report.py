"""The answer-time report on a small dataset with exact expected numbers."""

import pytest

from rucher.communities import services as community_services
from rucher.qa.selectors import answer_time_report
from tests.qa.conftest import answer, ask, paris

pytestmark = pytest.mark.django_db

NOW = paris(2026, 6, 10, 12, 0)  # Wednesday noon


@pytest.fixture
def dataset(world, settings):
    """Five questions the member can read, one they cannot (in a community of its own)."""
    settings.RUCHER_DEFAULT_ANSWER_HOURS = 0  # the private club makes no promise at all
    p, c = world.people, world.communities
    asker, helper = p["member"], p["manager"]
    monday = paris(2026, 6, 8, 9, 0)
    no_promise = c["private"]
    no_promise.answer_promise_hours = None
    no_promise.save(update_fields=["answer_promise_hours"])
    q1 = ask(asker, [c["open"]], at=monday, title="q1")
    answer(helper, q1, at=paris(2026, 6, 8, 11, 0))  # 2 working hours, in time
    q2 = ask(asker, [c["open"]], at=monday, title="q2")
    answer(helper, q2, at=paris(2026, 6, 9, 10, 0))  # 10 working hours, late (due Mon 17:00)
    q3 = ask(asker, [c["open"]], at=monday, title="q3")  # unanswered, overdue
    answer(asker, q3, at=paris(2026, 6, 8, 10, 0))  # the asker's own comment does not count
    ask(asker, [c["open"]], at=paris(2026, 6, 10, 11, 0), title="q4")  # not due yet
    q5 = ask(asker, [no_promise], at=monday, title="q5")
    answer(helper, q5, at=paris(2026, 6, 8, 13, 0))  # 4 working hours, no promise
    hidden = community_services.community_create(
        creator=p["owner"], name="Hidden", kind="interest", visibility="private"
    )
    hidden.answer_promise_hours = 8
    hidden.save(update_fields=["answer_promise_hours"])
    q6 = ask(p["owner"], [hidden], at=monday, title="q6")
    answer(helper, q6, at=paris(2026, 6, 8, 9, 30))  # helper not a member: but it counts
    return {"q3": q3, "hidden": hidden}


def test_the_report_counts_exactly(world, dataset):
    report = answer_time_report(world.people["member"], now=NOW)
    t = report.totals
    assert (t.questions, t.answered, t.answered_within_promise) == (5, 3, 1)
    # Judged: q1, q2 (answered) and q3 (past due); q4 is still within its delay.
    assert t.share_within_promise == round(1 / 3, 4)
    assert t.median_hours_to_first_answer == 4.0  # of 2, 10 and 4 working hours
    assert [q.post_id for q in report.overdue] == [dataset["q3"].pk]
    bars = {bar.label: bar.times for bar in report.bars}
    assert set(bars) == {"Open club", "Private club"}
    assert bars["Open club"].questions == 4 and bars["Private club"].share_within_promise is None


def test_the_report_never_counts_unreadable_questions(world, dataset):
    owner_view = answer_time_report(world.people["owner"], now=NOW).totals
    assert owner_view.questions == 6 and owner_view.answered_within_promise == 2
    outsider_view = answer_time_report(world.people["outsider"], now=NOW).totals
    assert outsider_view.questions == 4  # the open community only


def test_the_report_filters_by_community_and_dates(world, dataset):
    open_club = world.communities["open"]
    report = answer_time_report(world.people["member"], community=open_club, now=NOW)
    assert report.totals.questions == 4 and report.by == "week"
    assert [bar.label for bar in report.bars] == ["2026-06-08"]
    since = answer_time_report(
        world.people["member"], since=paris(2026, 6, 9, 0, 0), until=paris(2026, 6, 11), now=NOW
    )
    assert since.totals.questions == 1 and since.totals.share_within_promise is None
