"""What rucher.actions calls to announce an event to the outgoing webhooks: each helper defers
the fan-out to the background worker once the action's transaction has committed."""

from rucher.integrations import events
from rucher.integrations.tasks import webhook_event_after_commit


def post_created(*, post_id: int) -> None:
    webhook_event_after_commit(events.POST_CREATED, post_id)


def comment_created(*, comment_id: int, first_answer: bool = False) -> None:
    webhook_event_after_commit(events.COMMENT_CREATED, comment_id)
    if first_answer:
        webhook_event_after_commit(events.QUESTION_ANSWERED, comment_id)


def question_overdue(*, post_id: int) -> None:
    webhook_event_after_commit(events.QUESTION_OVERDUE, post_id)


def person_joined(*, person_id: int, community_id: int | None = None) -> None:
    """A new person in the organisation (community_id None), or a new member of a community
    (only that community's hooks hear of it, and organisation hooks when it is open)."""
    extra = {"community_id": community_id} if community_id is not None else None
    webhook_event_after_commit(events.PERSON_JOINED, person_id, extra)


def community_created(*, community_id: int) -> None:
    webhook_event_after_commit(events.COMMUNITY_CREATED, community_id)


def idea_status_changed(*, post_id: int, status: str, answer: str = "") -> None:
    """For the idea box (F-IDEAS): call it from the action that sets an idea's status."""
    webhook_event_after_commit(
        events.IDEA_STATUS_CHANGED, post_id, {"status": status, "answer": answer}
    )
