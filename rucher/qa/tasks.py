"""Background work for questions: thin wrappers around services, one task per question."""

from datetime import datetime

from django.tasks import task

from rucher.qa import services


@task
def notify_answer_accepted(question_id: int, comment_id: int) -> int:
    return services.answer_accepted_notify(question_id=question_id, comment_id=comment_id)


@task
def route_question(question_id: int, now_iso: str) -> int:
    # The periodic job's clock travels with the task: a late worker routes the same stages.
    return services.question_route(question_id=question_id, now=datetime.fromisoformat(now_iso))
