"""In-app notifications: the inbox and marking read (API.md, "Content")."""

from datetime import datetime
from typing import Any

from ninja import Field, Query, Router, Schema
from pydantic import StrictBool, StrictInt

from rucher.api.auth import AuthedRequest
from rucher.api.schemas import ERRORS, MAX_ID, CleanStr, ErrorOut, InputSchema, QuerySchema
from rucher.notifications import selectors, services
from rucher.notifications.messages import notification_message, notification_url

router = Router(tags=["notifications"])

MAX_IDS = 500


class ActorOut(Schema):
    username: str
    display_name: str


class NotificationOut(Schema):
    id: int
    kind: str
    message: str = Field(description="In the caller's language.")
    actor: ActorOut | None
    url: str = Field(description="The web page of what the notification is about.")
    created_at: datetime
    read: bool


class NotificationsOut(Schema):
    items: list[NotificationOut]
    next: str | None
    unread_count: int = Field(description=f"Capped at {selectors.UNREAD_CAP}.")


class InboxQuery(QuerySchema):
    unread: bool = False
    cursor: CleanStr | None = Field(default=None, max_length=1000)
    limit: int = Field(default=20, ge=1, le=100)


class MarkReadIn(InputSchema):
    ids: list[StrictInt] | None = Field(default=None, max_length=MAX_IDS)
    all: StrictBool = False


class MarkReadOut(Schema):
    marked: int
    unread_count: int


@router.get("/notifications", response={200: NotificationsOut, ERRORS: ErrorOut})
def notifications_list(request: AuthedRequest, params: Query[InboxQuery]) -> dict[str, Any]:
    page = selectors.inbox_page(
        request.auth, unread=params.unread, cursor=params.cursor, limit=params.limit
    )
    return {
        "items": [
            {
                "id": n.pk,
                "kind": n.kind,
                "message": notification_message(n, gender=request.auth.grammatical_gender),
                "actor": (
                    {"username": n.actor.username, "display_name": n.actor.display_name}
                    if n.actor
                    else None
                ),
                "url": notification_url(n),
                "created_at": n.created_at,
                "read": n.read_at is not None,
            }
            for n in page.items
        ],
        "next": page.next_cursor,
        "unread_count": selectors.unread_count(request.auth),
    }


@router.post("/notifications/read", response={200: MarkReadOut, ERRORS: ErrorOut})
def notifications_read(request: AuthedRequest, payload: MarkReadIn) -> MarkReadOut:
    ids = [pk for pk in payload.ids or [] if 0 < pk <= MAX_ID]
    marked = services.notifications_mark_read(person_id=request.auth.pk, ids=ids, all_=payload.all)
    return MarkReadOut(marked=marked, unread_count=selectors.unread_count(request.auth))
