"""Background jobs: django.tasks on Huey, enqueued only after commit, retried on failure."""

import pytest
from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus
from huey.contrib.djhuey import HUEY

from rucher.core.testing import run_queued_tasks
from tests.core import jobs_for_tests
from tests.core.jobs_for_tests import ATTEMPTS, RECORDED, broken, flaky, record


@pytest.fixture(autouse=True)
def _fresh_task_state():
    jobs_for_tests.reset()
    yield
    jobs_for_tests.reset()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_enqueues_only_after_the_transaction_commits():
    with transaction.atomic():
        record.enqueue("after-commit")
        # Still inside the transaction: nothing is visible to a worker yet.
        assert HUEY.pending_count() == 0
    assert HUEY.pending_count() == 1
    assert run_queued_tasks() == 1
    assert RECORDED == ["after-commit"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_enqueues_nothing_when_the_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        record.enqueue("never")
        raise RuntimeError("roll back")
    assert HUEY.pending_count() == 0
    assert run_queued_tasks() == 0
    assert RECORDED == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_enqueues_nothing_from_a_rolled_back_savepoint():
    with transaction.atomic():
        record.enqueue("kept")
        try:
            with transaction.atomic():
                record.enqueue("dropped")
                raise RuntimeError("inner")
        except RuntimeError:
            pass
    run_queued_tasks()
    assert RECORDED == ["kept"]


@pytest.mark.django_db
def test_it_records_the_task_result(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = record.enqueue("x")
    run_queued_tasks()
    stored = record.get_result(result.id)
    assert stored.status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db
def test_it_retries_a_failing_task_until_it_succeeds(django_capture_on_commit_callbacks):
    assert settings.RUCHER_TASK_RETRIES >= 2
    with django_capture_on_commit_callbacks(execute=True):
        result = flaky.enqueue(2)
    executed = run_queued_tasks()
    assert ATTEMPTS["flaky"] == 3
    assert executed == 3
    stored = flaky.get_result(result.id)
    assert stored.status == TaskResultStatus.SUCCESSFUL
    assert stored.return_value == "done"


@pytest.mark.django_db
def test_it_waits_before_retrying(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        flaky.enqueue(1)
    # A worker that does not look at the schedule runs the first attempt only: the retry is
    # delayed, not immediate.
    run_queued_tasks(include_scheduled=False)
    assert ATTEMPTS["flaky"] == 1
    assert HUEY.scheduled_count() == 1
    run_queued_tasks()
    assert ATTEMPTS["flaky"] == 2


@pytest.mark.django_db
def test_it_gives_up_after_the_configured_retries(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = broken.enqueue()
    run_queued_tasks()
    assert ATTEMPTS["broken"] == 1 + settings.RUCHER_TASK_RETRIES
    stored = broken.get_result(result.id)
    assert stored.status == TaskResultStatus.FAILED
    assert stored.errors
    assert "RuntimeError" in stored.errors[-1].exception_class_path
