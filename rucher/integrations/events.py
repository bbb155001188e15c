"""The events outgoing webhooks may subscribe to, and what each delivers.

Who may receive what is the readability rule of rucher.content.access, applied to a hook's
audience: an organisation-wide hook reads as a colleague who belongs to no community (open
communities only: a secret or private community's content never leaves through it); a hook
scoped to a community reads as a member of that community and receives only what happens there.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.content.access import ViewerScope, readable_through
from rucher.content.models import Comment, Post

POST_CREATED = "post.created"
COMMENT_CREATED = "comment.created"
QUESTION_ANSWERED = "question.answered"
QUESTION_OVERDUE = "question.overdue"
PERSON_JOINED = "person.joined"
COMMUNITY_CREATED = "community.created"
IDEA_STATUS_CHANGED = "idea.status_changed"
PING = "ping"  # the "send test" button's delivery, whatever the hook subscribed to

EVENTS = {
    POST_CREATED: _("A post is published"),
    COMMENT_CREATED: _("A comment is published"),
    QUESTION_ANSWERED: _("A question receives its first answer"),
    QUESTION_OVERDUE: _("A question misses its answer-time promise"),
    PERSON_JOINED: _("A person joins (the organisation, or the hook's community)"),
    COMMUNITY_CREATED: _("A community is created"),
    IDEA_STATUS_CHANGED: _("An idea's status changes"),
}


@dataclass(frozen=True)
class Event:
    """An event ready to fan out: `places` are the (community id, visibility) pairs the subject
    lives in; None for events about the organisation itself (a new person)."""

    name: str
    key: str
    places: list[tuple[int, str]] | None
    data: dict[str, Any]


def audience(community_id: int | None) -> ViewerScope:
    if community_id is None:
        return ViewerScope((), (), ())
    return ViewerScope((community_id,), (), ())


def places_for(event: Event, community_id: int | None) -> list[int] | None:
    """The community ids through which the hook may receive the event (None: it may not)."""
    if event.places is None:
        return [] if community_id is None else None
    readable = readable_through(audience(community_id), event.places)
    if community_id is not None:
        readable = [c for c in readable if c == community_id]
    return readable or None


def _absolute(path: str) -> str:
    return f"{settings.RUCHER_BASE_URL}{path}"


def _person(person: User | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return {"username": person.username, "display_name": person.display_name or person.username}


def _community(community: Community) -> dict[str, Any]:
    return {
        "slug": community.slug,
        "name": community.name,
        "url": _absolute(reverse("community", args=[community.slug])),
    }


def _post_places(post: Post) -> list[tuple[int, str]]:
    return [(c.pk, c.visibility) for c in post.communities.all()]


def post_data(post: Post) -> dict[str, Any]:
    return {
        "id": post.pk,
        "kind": post.kind,
        "title": post.title,
        "body": post.body,
        "url": _absolute(post.get_absolute_url()),
        "author": _person(post.author),
        "created_at": post.created_at.isoformat(),
        # Filled per hook with the communities its audience reads (see `deliverable`).
        "communities": [],
    }


def comment_data(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "body": comment.body,
        "url": _absolute(f"{comment.post.get_absolute_url()}#comment-{comment.pk}"),
        "author": _person(comment.author),
        "created_at": comment.created_at.isoformat(),
    }


def _load_post(post_id: int) -> Post | None:
    return (
        Post.objects.select_related("author")
        .prefetch_related("communities")
        .filter(pk=post_id, hidden_at__isnull=True)
        .first()
    )


def build(name: str, object_id: int, extra: dict[str, Any] | None = None) -> Event | None:
    """The event about an object, or None when it is gone or hidden meanwhile."""
    extra = extra or {}
    if name in (POST_CREATED, QUESTION_OVERDUE, IDEA_STATUS_CHANGED):
        post = _load_post(object_id)
        if post is None:
            return None
        data: dict[str, Any] = {"post": post_data(post), **extra}
        key = f"post:{post.pk}"
        if name == IDEA_STATUS_CHANGED:
            key = f"idea:{post.pk}:{extra.get('status', '')}"
        return Event(name, key, _post_places(post), data)
    if name in (COMMENT_CREATED, QUESTION_ANSWERED):
        comment = (
            Comment.objects.select_related("author", "post")
            .filter(pk=object_id, hidden_at__isnull=True, post__hidden_at__isnull=True)
            .first()
        )
        if comment is None:
            return None
        post = _load_post(comment.post_id)
        if post is None:
            return None
        key = f"comment:{comment.pk}"
        data = {"comment": comment_data(comment), "post": post_data(post)}
        if name == QUESTION_ANSWERED:
            data = {"question": post_data(post), "answer": comment_data(comment)}
            key = f"question:{post.pk}"
        return Event(name, key, _post_places(post), data)
    if name == PERSON_JOINED:
        person = User.objects.filter(pk=object_id, is_active=True).first()
        if person is None:
            return None
        community_id = extra.get("community_id")
        person_out = {
            **(_person(person) or {}),
            "department": person.department,
            "site": person.site,
            "job_title": person.job_title,
            "url": _absolute(reverse("profile", args=[person.username])),
        }
        if community_id is None:
            return Event(name, f"person:{person.pk}", None, {"person": person_out})
        community = Community.objects.filter(pk=community_id).first()
        if community is None:
            return None
        return Event(
            name,
            f"person:{person.pk}:community:{community.pk}",
            [(community.pk, community.visibility)],
            {"person": person_out, "community": _community(community)},
        )
    if name == COMMUNITY_CREATED:
        community = Community.objects.filter(pk=object_id).first()
        if community is None:
            return None
        data = {
            "community": {
                **_community(community),
                "description": community.description,
                "kind": community.kind,
                "visibility": community.visibility,
            }
        }
        return Event(
            name, f"community:{community.pk}", [(community.pk, community.visibility)], data
        )
    return None


def deliverable(event: Event, community_id: int | None, slugs: dict[int, Community]) -> Any:
    """The data one hook receives: post payloads name only the communities it may read."""
    readable = places_for(event, community_id)
    if readable is None:
        return None
    data = dict(event.data)
    for field in ("post", "question"):
        if field in data:
            data[field] = {
                **data[field],
                "communities": [_community(slugs[c]) for c in readable if c in slugs],
            }
    return data
