"""What the toolbox tells the outside world. `idea_status_changed_event` is the payload of the
outgoing webhook event `idea.status_changed`: rucher.actions.ideas calls `on_idea_status_changed`
after commit, so wiring webhooks is one registration (`idea_status_listeners.append(send)`)."""

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from rucher.toolbox.services import StatusChange

IDEA_STATUS_CHANGED = "idea.status_changed"

Listener = Callable[[str, dict[str, Any]], None]
# (event name, payload) callbacks, e.g. the webhooks app's sender; none by default.
idea_status_listeners: list[Listener] = []


def idea_status_changed_event(change: StatusChange, *, actor_username: str) -> dict[str, Any]:
    """The JSON payload: ids and codes only (no text a subscriber might not be allowed to
    read beyond what the answer already makes public in the idea's communities)."""
    post = change.post
    return {
        "event": IDEA_STATUS_CHANGED,
        "post_id": post.pk,
        "title": post.title,
        "url": reverse("post", args=[post.pk]),
        "old_status": change.old,
        "status": change.new,
        "answer": change.answer,
        "by": actor_username,
        "at": change.changed_at.isoformat(),
    }


def on_idea_status_changed(change: StatusChange, *, actor_username: str) -> None:
    if not idea_status_listeners:
        return
    payload = idea_status_changed_event(change, actor_username=actor_username)
    for listener in idea_status_listeners:
        listener(IDEA_STATUS_CHANGED, payload)
