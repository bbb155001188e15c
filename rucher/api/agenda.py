"""Community events and the personal agenda (API.md, "Community toolbox": F-EVENTS)."""

from datetime import date, datetime
from typing import Any, Literal

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from rucher.actions import events as event_actions
from rucher.agenda import ics, selectors, services
from rucher.agenda.access import access_event
from rucher.agenda.models import MAX_EVENT_DESCRIPTION, MAX_EVENT_TITLE, Event, RsvpAnswer
from rucher.api.auth import AuthedRequest
from rucher.api.content import SlugPath
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, IdPath, InputSchema, QuerySchema
from rucher.communities import access as community_access
from rucher.communities.models import Community

router = Router(tags=["events"])


class RecurrenceOut(Schema):
    freq: str = Field(description="weekly or monthly (RFC 5545 FREQ)")
    until: date | None = Field(description="The last local day an occurrence may start.")
    count: int | None = Field(description="How many occurrences in all.")


class RecurrenceIn(InputSchema):
    freq: Literal["weekly", "monthly"]
    until: date | None = None
    count: StrictInt | None = None


class EventOut(Schema):
    id: int
    community: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    location: str
    online_url: str
    capacity: int | None
    recurrence: RecurrenceOut | None = Field(
        description="How the event repeats (null: once). In lists each occurrence is an item "
        "with its own starts_at and ends_at; RSVPs are to the whole series."
    )
    attendees_count: int = Field(description="People who answered yes.")
    my_rsvp: str | None
    cancelled: bool
    url: str
    ics_url: str


class EventListOut(Schema):
    items: list[EventOut]


class EventIn(InputSchema):
    title: CleanStr = Field(max_length=MAX_EVENT_TITLE)
    description: CleanStr = Field("", max_length=MAX_EVENT_DESCRIPTION)
    starts_at: datetime
    ends_at: datetime
    all_day: StrictBool = False
    location: CleanStr = Field("", max_length=200)
    online_url: CleanStr = Field("", max_length=500)
    capacity: StrictInt | None = None
    recurrence: RecurrenceIn | None = None


class EventPatchIn(InputSchema):
    title: CleanStr | None = Field(None, max_length=MAX_EVENT_TITLE)
    description: CleanStr | None = Field(None, max_length=MAX_EVENT_DESCRIPTION)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    all_day: StrictBool | None = None
    location: CleanStr | None = Field(None, max_length=200)
    online_url: CleanStr | None = Field(None, max_length=500)
    capacity: StrictInt | None = None
    recurrence: RecurrenceIn | None = None


class RsvpIn(InputSchema):
    answer: RsvpAnswer


class WindowFilters(QuerySchema):
    from_: datetime | None = Field(None, alias="from")
    to: datetime | None = None


class CalendarUrlOut(Schema):
    url: str


def _data(payload: dict[str, Any]) -> dict[str, Any]:
    """The service's flat fields from the API's `recurrence` object (null: once)."""
    if "recurrence" not in payload:
        return payload
    rule = payload.pop("recurrence") or {}
    return payload | {
        "recurrence": rule.get("freq", ""),
        "recurrence_until": rule.get("until"),
        "recurrence_count": rule.get("count"),
    }


def _event_out(event: Event, my_rsvp: str | None) -> EventOut:
    return EventOut(
        id=event.pk,
        community=event.community.slug,
        title=event.title,
        description=event.description,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        all_day=event.all_day,
        location=event.location,
        online_url=event.online_url,
        capacity=event.capacity,
        recurrence=RecurrenceOut(
            freq=event.recurrence, until=event.recurrence_until, count=event.recurrence_count
        )
        if event.is_recurring
        else None,
        attendees_count=event.yes_count,
        my_rsvp=my_rsvp,
        cancelled=event.is_cancelled,
        url=reverse("event", args=[event.pk]),
        ics_url=reverse("event_ics", args=[event.pk]),
    )


def _read(request: AuthedRequest, event_id: int) -> EventOut:
    event = access_event(request.auth, event_id)
    return _event_out(event, selectors.my_rsvp(event, request.auth))


@router.get("/communities/{slug}/events", response={200: EventListOut, ERRORS: ErrorOut})
def community_events(
    request: AuthedRequest, slug: SlugPath, filters: Query[WindowFilters]
) -> EventListOut:
    """Events overlapping [from, to) (default: the next 31 days; at most 400 days)."""
    community = community_access.access_community_tab(request.auth, slug, Community.Tab.EVENTS)
    start, end = selectors.window(filters.from_, filters.to)
    events = selectors.community_events(request.auth, community, start, end)
    return EventListOut(items=[_event_out(e, e.my_rsvp) for e in events])  # type: ignore[attr-defined]


@router.post("/communities/{slug}/events", response={201: EventOut, ERRORS: ErrorOut})
def community_event_create(
    request: AuthedRequest, slug: SlugPath, payload: EventIn
) -> Status[EventOut]:
    community = community_access.access_community_tab(request.auth, slug, Community.Tab.EVENTS)
    event = services.event_create(
        author=request.auth, community=community, data=_data(payload.model_dump())
    )
    return Status(201, _read(request, event.pk))


@router.get("/events/{event_id}.ics", response={200: None, ERRORS: ErrorOut})
def event_ics(request: AuthedRequest, event_id: IdPath) -> HttpResponse:
    event = access_event(request.auth, event_id)
    return ics_response(ics.events_ics([event]), f"event-{event.pk}.ics")


@router.get("/events/{event_id}", response={200: EventOut, ERRORS: ErrorOut})
def event_get(request: AuthedRequest, event_id: IdPath) -> EventOut:
    return _read(request, event_id)


@router.patch("/events/{event_id}", response={200: EventOut, ERRORS: ErrorOut})
def event_patch(request: AuthedRequest, event_id: IdPath, payload: EventPatchIn) -> EventOut:
    """The author or the community's managers (others: 404)."""
    changes = _data(payload.model_dump(exclude_unset=True))
    event_actions.event_update(actor=request.auth, event_id=event_id, data=changes)
    return _read(request, event_id)


@router.delete("/events/{event_id}", response={204: None, ERRORS: ErrorOut})
def event_delete(request: AuthedRequest, event_id: IdPath) -> Status[None]:
    """Cancels the event (kept and shown as cancelled; attendees are told)."""
    event_actions.event_cancel(actor=request.auth, event_id=event_id)
    return Status(204, None)


@router.post("/events/{event_id}/rsvp", response={200: EventOut, ERRORS: ErrorOut})
def event_rsvp(request: AuthedRequest, event_id: IdPath, payload: RsvpIn) -> EventOut:
    services.rsvp_set(person=request.auth, event_id=event_id, answer=payload.answer.value)
    return _read(request, event_id)


@router.get("/me/agenda", response={200: EventListOut, ERRORS: ErrorOut})
def my_agenda(request: AuthedRequest, filters: Query[WindowFilters]) -> EventListOut:
    start, end = selectors.window(filters.from_, filters.to)
    events = selectors.agenda_events(request.auth, start, end)
    return EventListOut(items=[_event_out(e, e.my_rsvp) for e in events])  # type: ignore[attr-defined]


def _calendar_url(token: str) -> str:
    return settings.RUCHER_BASE_URL + reverse("calendar_feed", args=[token])


@router.get("/me/calendar-url", response={200: CalendarUrlOut, ERRORS: ErrorOut})
def calendar_url(request: AuthedRequest) -> CalendarUrlOut:
    return CalendarUrlOut(url=_calendar_url(services.calendar_token(request.auth)))


@router.post("/me/calendar-url/reset", response={200: CalendarUrlOut, ERRORS: ErrorOut})
def calendar_url_reset(request: AuthedRequest) -> CalendarUrlOut:
    return CalendarUrlOut(url=_calendar_url(services.calendar_token_reset(request.auth)))


def ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
