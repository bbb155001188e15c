"""The weekly success report: who gets it, what it says, in which language, and only once."""

from datetime import date

import pytest
from django.core import mail

from rucher.actions.reports import success_report_run
from rucher.analytics import report as reports
from rucher.analytics.models import SuccessReportPost, SuccessReportRun
from rucher.core.testing import run_queued_tasks
from rucher.mail import preferences
from rucher.mail.models import OutboxMessage
from tests.analytics.conftest import paris
from tests.analytics.helpers import History, comment, publish

pytestmark = pytest.mark.django_db

WEEK = date(2026, 3, 2)  # a Monday


@pytest.fixture
def week(world):
    p, c = world.people, world.communities
    history = History()
    post = publish(history, "post", p["member"], [c["open"]], paris(2026, 3, 3, 10, 0))
    comment(history, p["manager"], post, [c["open"]], paris(2026, 3, 4, 10, 0))
    publish(history, "post", p["member"], [c["open"]], paris(2026, 2, 24, 10, 0))  # week before
    for person in p.values():
        person.email = f"{person.username}@example.org"
        person.save(update_fields=["email"])
    return history


def _sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queued, posted = success_report_run(week_start=WEEK)
    run_queued_tasks()
    return queued, posted


def test_due_on_monday_morning_and_only_once(world):
    assert reports.success_report_due_week(paris(2026, 3, 9, 6, 59)) is None
    assert reports.success_report_due_week(paris(2026, 3, 9, 7, 0)) == WEEK
    assert reports.success_report_due_week(paris(2026, 3, 12, 15, 0)) == WEEK
    SuccessReportRun.objects.create(week_start=WEEK)
    assert reports.success_report_due_week(paris(2026, 3, 9, 8, 0)) is None


def test_administrators_and_managers_get_it_members_do_not(
    world, week, django_capture_on_commit_callbacks
):
    queued, _ = _sent(django_capture_on_commit_callbacks)
    to = sorted(m.to[0] for m in mail.outbox)
    # alice (administrator), the manager and the owner of the clubs.
    assert to == ["alice@example.org", "manager@example.org", "owner@example.org"]
    assert queued == 3


def test_it_is_sent_once_per_week(world, week, django_capture_on_commit_callbacks):
    _sent(django_capture_on_commit_callbacks)
    first = len(mail.outbox)
    queued, _ = _sent(django_capture_on_commit_callbacks)
    assert queued == 0 and len(mail.outbox) == first
    assert OutboxMessage.objects.filter(kind="success_report").count() == first
    assert SuccessReportRun.objects.filter(week_start=WEEK).count() == 1


def test_the_content_compares_with_the_week_before(world, week, django_capture_on_commit_callbacks):
    manager = world.people["manager"]
    manager.language = "en"
    manager.save(update_fields=["language"])
    _sent(django_capture_on_commit_callbacks)
    message = next(m for m in mail.outbox if m.to == ["manager@example.org"])
    text = message.body
    assert "Posts: 1 (=" not in text
    assert "Posts — 1 (0\u00a0%)" in text  # one post this week, one the week before
    assert "Comments — 1 (—)" in text  # none the week before: nothing to compare with
    html = message.alternatives[0][0]
    assert "/analytics/?period=custom&amp;since=2026-03-02&amp;until=2026-03-08" in html
    assert "<svg" not in html  # Outlook: bars are table cells
    assert "Member" in html  # the top contributor
    assert message.extra_headers["List-Unsubscribe"]


def test_each_recipient_reads_it_in_their_language(world, week, django_capture_on_commit_callbacks):
    manager = world.people["manager"]
    manager.language = "en"
    manager.save(update_fields=["language"])
    owner = world.people["owner"]
    owner.language = "fr"
    owner.save(update_fields=["language"])
    _sent(django_capture_on_commit_callbacks)
    by = {m.to[0]: m for m in mail.outbox}
    assert by["manager@example.org"].subject.startswith("Success in numbers")
    assert by["owner@example.org"].subject.startswith("Le succès en chiffres")


def test_an_unsubscribed_manager_gets_nothing(world, week, django_capture_on_commit_callbacks):
    preferences.unsubscribe(person=world.people["manager"], kind=preferences.SUCCESS_REPORT)
    _sent(django_capture_on_commit_callbacks)
    assert "manager@example.org" not in [m.to[0] for m in mail.outbox]


def test_a_manager_reads_only_their_communities(world, week, django_capture_on_commit_callbacks):
    from rucher.communities import services as community_services

    outsider = world.people["outsider"]
    outsider.email = "outsider@example.org"
    outsider.save(update_fields=["email"])
    community_services.community_create(
        creator=outsider, name="Other", kind="interest", visibility="open"
    )
    _sent(django_capture_on_commit_callbacks)
    message = next(m for m in mail.outbox if m.to == ["outsider@example.org"])
    assert "Open club" not in message.alternatives[0][0] and "Secret club" not in message.body
    assert "Other" in message.alternatives[0][0]


def test_an_opted_in_community_gets_the_report_as_a_post_once(
    world, week, django_capture_on_commit_callbacks
):
    open_club = world.communities["open"]
    reports.post_setting_set(community=open_club, enabled=True)
    _, posted = _sent(django_capture_on_commit_callbacks)
    assert posted == 1
    claim = SuccessReportPost.objects.get(community=open_club, week_start=WEEK)
    assert claim.post is not None and "**" in claim.post.body
    assert claim.post.author == world.people["owner"]
    _, posted = _sent(django_capture_on_commit_callbacks)
    assert posted == 0
    assert SuccessReportPost.objects.count() == 1


def test_the_opt_in_form_is_for_managers(world, client_for):
    url = "/analytics/report-setting/open-club/"
    assert (
        client_for(world.people["member"]).post(url, {"post_weekly_report": "on"}).status_code
        == 403
    )
    response = client_for(world.people["manager"]).post(url, {"post_weekly_report": "on"})
    assert response.status_code == 302
    assert reports.post_setting(world.communities["open"]) is True


def test_the_schedule_sends_the_due_week(
    world, week, monkeypatch, django_capture_on_commit_callbacks
):
    from rucher import schedule

    monkeypatch.setattr(reports, "success_report_due_week", lambda: WEEK)
    with django_capture_on_commit_callbacks(execute=True):
        schedule.send_success_report.call_local()
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks()
    run_queued_tasks()
    assert SuccessReportRun.objects.filter(week_start=WEEK).exists()
    assert len(mail.outbox) == 3
