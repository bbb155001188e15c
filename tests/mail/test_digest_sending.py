"""Digests (F-DIGEST) from the hourly job to the outbox: once per period, only with news, in
the reader's language, in batches with a bounded number of queries per person."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.core.factories import PersonFactory
from rucher.core.testing import run_queued_tasks
from rucher.mail import digests
from rucher.mail.digests import DigestBatchError, digests_enqueue, digests_send_batch
from rucher.mail.models import AddressHealth, DigestRun, OutboxMessage
from tests.mail.test_digest import HOUR, NOW, community, join, notify, post, prefer

PARIS = ZoneInfo("Europe/Paris")
MONDAY = NOW.date()


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Runs queued tasks and what they enqueue on commit (as a worker's commits would)."""

    def run() -> int:
        executed = 0
        for _ in range(10):
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                ran = run_queued_tasks()
            executed += ran
            if not ran and not callbacks:
                break
        return executed

    return run


@pytest.fixture
def enqueue(django_capture_on_commit_callbacks):
    """digests_enqueue as the periodic job runs it (its tasks are enqueued on commit)."""

    def call(period: str = "weekly", now: datetime = NOW) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return digests_enqueue(period=period, now=now)

    return call


@pytest.fixture
def town(db):
    reader = PersonFactory(username="reader", display_name="Rita Reader", language="en")
    lecteur = PersonFactory(username="lecteur", display_name="Léo Lecteur", language="fr")
    author = PersonFactory(username="author", display_name="Arno Author", language="en")
    garden = community("Garden")
    join(reader, garden)
    join(lecteur, garden)
    join(author, garden)
    news = post(author, [garden], title="Harvest <script>alert(1)</script> & co", likes=2)
    return reader, lecteur, author, garden, news


def outbox_for(person) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(recipient=person))


def test_nothing_before_the_digest_hour(town, enqueue, run_jobs):
    assert enqueue("weekly", datetime(2026, 5, 11, 6, 59, tzinfo=PARIS)) == 0
    assert enqueue("daily", datetime(2026, 5, 11, 6, 59, tzinfo=PARIS)) == 0
    run_jobs()
    assert not DigestRun.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_weekly_digest_is_sent_once_with_news_only(town, enqueue, run_jobs):
    reader, lecteur, author, garden, news = town
    assert enqueue() == 3
    run_jobs()
    [message] = outbox_for(reader)
    assert message.key == f"digest:weekly:2026-05-11:{reader.pk}"
    assert message.kind == "digest_weekly"
    assert message.state == OutboxMessage.State.SENT
    run = DigestRun.objects.get(person=reader)
    assert (run.period, run.period_start, run.sent) == ("weekly", MONDAY, True)
    assert (run.since, run.until) == (NOW - timedelta(days=7), NOW)
    # The author's only news is their own post: an empty run, nothing sent.
    assert outbox_for(author) == []
    assert DigestRun.objects.get(person=author).sent is False
    assert sorted(m.to[0] for m in mail.outbox) == [lecteur.email, reader.email]
    # The next hours find every run: nobody is enqueued again this week.
    assert enqueue("weekly", NOW + HOUR) == 0
    assert enqueue("weekly", NOW + timedelta(days=3)) == 0
    run_jobs()
    assert OutboxMessage.objects.count() == 2


def test_the_next_week_starts_where_the_last_digest_ended(town, enqueue, run_jobs):
    reader, _lecteur, author, garden, _news = town
    enqueue()
    run_jobs()
    later = post(author, [garden], title="Next week", at=NOW + timedelta(days=2))
    next_monday = NOW + timedelta(days=7)
    assert enqueue("weekly", next_monday) == 3
    run_jobs()
    latest = OutboxMessage.objects.get(key=f"digest:weekly:2026-05-18:{reader.pk}")
    assert "Next week" in latest.body_text
    assert "Harvest" not in latest.body_text
    assert DigestRun.objects.get(person=reader, period_start="2026-05-18").since == NOW
    assert f"/posts/{later.pk}/" in latest.body_html


def test_enqueuing_twice_before_the_batches_run_sends_once(town, enqueue, run_jobs):
    reader = town[0]
    assert enqueue() == 3
    assert enqueue("weekly", NOW + timedelta(minutes=1)) == 3
    run_jobs()
    assert len(outbox_for(reader)) == 1
    assert DigestRun.objects.filter(person=reader).count() == 1
    assert len(mail.outbox) == 2


def test_a_retried_batch_sends_nothing_twice(town):
    reader, lecteur, author, *_ = town
    people = [reader.pk, lecteur.pk, author.pk]
    args = {"period": "weekly", "period_start": MONDAY, "now": NOW, "person_ids": people}
    assert digests_send_batch(**args) == 2
    assert digests_send_batch(**args) == 0
    assert OutboxMessage.objects.count() == 2
    assert DigestRun.objects.count() == 3


def test_a_failing_digest_keeps_run_and_email_together(town):
    """The run and the email are one transaction: a failure for one person leaves them with
    neither, the others are done, and the retry completes the batch without duplicates."""
    reader, lecteur, author, *_ = town
    people = sorted([reader.pk, lecteur.pk, author.pk])
    from rucher.mail import outbox

    real = outbox.outbox_put
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["recipient"].pk)
        if len(calls) == 2:
            raise RuntimeError("SMTP templates on fire")
        return real(**kwargs)

    args = {"period": "weekly", "period_start": MONDAY, "now": NOW, "person_ids": people}
    with mock.patch.object(outbox, "outbox_put", flaky), pytest.raises(DigestBatchError):
        digests_send_batch(**args)
    first, second = calls
    assert OutboxMessage.objects.filter(recipient=first).count() == 1
    assert not OutboxMessage.objects.filter(recipient=second).exists()
    assert not DigestRun.objects.filter(person=second).exists()
    # The author (no news) was done after the failure: an empty run.
    assert DigestRun.objects.get(person=author).sent is False
    assert digests_send_batch(**args) == 1
    assert OutboxMessage.objects.count() == 2
    assert set(DigestRun.objects.values_list("person_id", flat=True)) == set(people)


def test_the_task_retries_after_a_failure(town, enqueue, run_jobs):
    from rucher.mail import outbox

    real = outbox.outbox_put
    failures = []

    def flaky(**kwargs):
        if not failures:
            failures.append(1)
            raise RuntimeError("once")
        return real(**kwargs)

    with mock.patch.object(outbox, "outbox_put", flaky):
        enqueue()
        run_jobs()
    assert failures == [1]
    assert OutboxMessage.objects.count() == 2
    assert DigestRun.objects.count() == 3


def test_daily_weekly_and_never_choose_who_is_enqueued(town, enqueue, run_jobs):
    reader, lecteur, author, garden, _news = town
    # Nobody chose daily: the daily job has nobody to look at.
    assert enqueue("daily") == 0
    prefer(reader, digest="daily")
    prefer(author, like="daily")
    prefer(lecteur, digest="never")
    assert enqueue("daily") == 2
    run_jobs()
    [message] = OutboxMessage.objects.all()
    assert message.key == f"digest:daily:2026-05-11:{reader.pk}"
    assert message.kind == "digest_daily"
    # The weekly job: lecteur said never; reader reads daily but may have weekly notices.
    assert enqueue("weekly") == 2
    run_jobs()
    assert OutboxMessage.objects.count() == 1
    assert not DigestRun.objects.filter(person=lecteur).exists()


def test_a_daily_notice_reaches_a_weekly_reader_the_next_morning(town, enqueue, run_jobs):
    reader, _lecteur, author, garden, _news = town
    prefer(reader, like="daily")
    mine = post(reader, [garden], title="My tomatoes")
    notify(reader, "like", post_=mine, actor=author)
    enqueue("daily")
    run_jobs()
    [message] = outbox_for(reader)
    assert message.kind == "digest_daily"
    assert "Arno Author liked your post “My tomatoes”" in message.body_text
    # Only the notice: the community's content waits for the weekly digest.
    assert "Harvest" not in message.body_text


def test_inactive_people_and_people_without_address_get_nothing(town, enqueue, run_jobs):
    reader, lecteur, author, *_ = town
    reader.is_active = False
    reader.save()
    lecteur.email = ""
    lecteur.save()
    assert enqueue() == 1
    run_jobs()
    assert not OutboxMessage.objects.exists()
    assert not DigestRun.objects.filter(person__in=[reader, lecteur]).exists()


def test_a_paused_address_records_the_run_unsent(town):
    reader = town[0]
    AddressHealth.objects.create(address=reader.email, failures=9, paused_at=NOW)
    digests_send_batch(period="weekly", period_start=MONDAY, now=NOW, person_ids=[reader.pk])
    assert not OutboxMessage.objects.exists()
    assert DigestRun.objects.get(person=reader).sent is False


def test_the_email_is_in_the_readers_language(town):
    reader, lecteur, *_ = town
    digests_send_batch(
        period="weekly", period_start=MONDAY, now=NOW, person_ids=[reader.pk, lecteur.pk]
    )
    english = OutboxMessage.objects.get(recipient=reader)
    french = OutboxMessage.objects.get(recipient=lecteur)
    assert english.body_text.startswith("Hello Rita Reader,")
    assert french.body_text.startswith("Bonjour Léo Lecteur,")
    assert '<html lang="en">' in english.body_html
    assert '<html lang="fr">' in french.body_html


def test_the_email_links_and_escapes(town, settings):
    settings.RUCHER_BASE_URL = "https://rucher.example.org"
    reader, _lecteur, _author, _garden, news = town
    digests_send_batch(period="weekly", period_start=MONDAY, now=NOW, person_ids=[reader.pk])
    message = OutboxMessage.objects.get(recipient=reader)
    link = f"https://rucher.example.org/posts/{news.pk}/"
    assert link in message.body_text and f'href="{link}"' in message.body_html
    assert "https://rucher.example.org/settings/email/" in message.body_text
    assert 'href="https://rucher.example.org/settings/email/"' in message.body_html
    assert "Change how often you receive this digest" in message.body_html
    # Plain text stays plain; HTML is escaped.
    assert "Harvest <script>alert(1)</script> & co" in message.body_text
    assert "<script>" not in message.body_html
    assert "Harvest &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in message.body_html
    assert message.subject == "Your weekly digest: 1 new item"
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_people_are_split_into_batches(town):
    for i in range(4):
        PersonFactory(username=f"extra{i}")
    with (
        mock.patch.object(digests, "BATCH_SIZE", 2),
        mock.patch("rucher.mail.tasks.digest_batch_task") as task,
    ):
        assert digests_enqueue(period="weekly", now=NOW) == 7
    enqueued = task.enqueue
    assert [len(call.args[3]) for call in enqueued.call_args_list] == [2, 2, 2, 1]
    assert {call.args[:3] for call in enqueued.call_args_list} == {
        ("weekly", "2026-05-11", NOW.isoformat())
    }


# --- cost ---------------------------------------------------------------------------------------


def _world(people: int, communities: int, posts_per_community: int):
    author = PersonFactory(username=f"w-author-{people}-{communities}")
    places = [community(f"W {people} {communities} {i}", "private") for i in range(communities)]
    join(author, *places)
    readers = [PersonFactory() for _ in range(people)]
    for reader in readers:
        join(reader, *places)
    for c in places:
        for i in range(posts_per_community):
            post(author, [c], title=f"p{i}", likes=i % 3, at=NOW - (i + 1) * HOUR)
    return [r.pk for r in readers]


def _batch_queries(person_ids: list[int]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        sent = digests_send_batch(
            period="weekly", period_start=MONDAY, now=NOW, person_ids=person_ids
        )
    assert sent == len(person_ids)
    return len(ctx.captured_queries)


def test_a_batch_costs_a_constant_number_of_queries_per_person(db):
    two = _batch_queries(_world(2, 2, 2))
    six = _batch_queries(_world(6, 2, 2))
    per_person = (six - two) / 4
    # The reads are per batch; each person costs their run and their outbox row.
    assert per_person == int(per_person) and per_person <= 8
    # More posts and more communities: the same queries for the same number of people.
    assert _batch_queries(_world(2, 7, 15)) == two
