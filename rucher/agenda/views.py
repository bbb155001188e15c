"""Web pages of the agenda: a community's Events tab (list and month), one event with its
RSVP and attendees, writing events, the personal agenda and the iCalendar files."""

import calendar
import hashlib
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rucher.actions import events as event_actions
from rucher.agenda import ics, recurrence, selectors, services
from rucher.agenda.access import access_event, can_edit_event
from rucher.agenda.forms import EventForm
from rucher.agenda.models import Event, RsvpAnswer
from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.core import http
from rucher.core.errors import NotFound
from rucher.core.forms import add_service_errors


def _month(value: str | None) -> date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1) if 1900 < year < 3000 else today.replace(day=1)
    except ValueError:
        return today.replace(day=1)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


@login_required
@require_GET
def community_events(request: HttpRequest, slug: str) -> HttpResponse:
    """The Events tab: upcoming events as a list, or one month as a grid (?view=month)."""
    viewer = http.viewer(request)
    found = community_access.access_community_tab(viewer, slug, Community.Tab.EVENTS)
    view = "month" if request.GET.get("view") == "month" else "list"
    context: dict[str, object] = {
        "c": found,
        "view": view,
        "can_post": community_access.is_member(viewer, found),
        "can_manage": community_access.can_manage(viewer, found),
    }
    if view == "month":
        first = _month(request.GET.get("month"))
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        events = selectors.community_events(
            viewer, found, _aware(first), _aware(last + timedelta(days=1))
        )
        weeks = []
        for week in calendar.Calendar().monthdatescalendar(first.year, first.month):
            weeks.append(
                [
                    {
                        "day": day,
                        "in_month": day.month == first.month,
                        "events": [e for e in events if _on(e, day)],
                    }
                    for day in week
                ]
            )
        previous = (first - timedelta(days=1)).replace(day=1)
        following = last + timedelta(days=1)
        context |= {
            "month": first,
            "weeks": weeks,
            "previous": f"{previous:%Y-%m}",
            "following": f"{following:%Y-%m}",
            "weekdays": [date(2024, 1, d) for d in range(1, 8)],  # a Monday to a Sunday
        }
    else:
        start, end = selectors.window(None, None, days=365)
        context["events"] = selectors.community_events(viewer, found, start, end)
    return render(request, "agenda/community_events.html", context)


def _on(event: Event, day: date) -> bool:
    start = timezone.localtime(event.starts_at).date()
    end = timezone.localtime(event.ends_at - timedelta(microseconds=1)).date()
    return start <= day <= max(start, end)


def _values(form: EventForm, event: Event | None = None) -> dict[str, object]:
    data = dict(form.cleaned_data)
    # The form sets an end date; a number of times set through the API stays unless replaced.
    count = event.recurrence_count if event is not None else None
    data["recurrence_count"] = None if data.get("recurrence_until") else count
    return data


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    found = community_access.access_community_tab(viewer, slug, Community.Tab.EVENTS)
    if not community_access.is_member(viewer, found):
        raise Http404
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(author=viewer, community=found, data=_values(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Event created."))
            return redirect("event", event.pk)
    return render(request, "agenda/event_form.html", {"c": found, "form": form, "event": None})


@login_required
@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    event = access_event(viewer, event_id)
    return render(
        request,
        "agenda/event.html",
        {
            "event": event,
            "c": event.community,
            "my_rsvp": selectors.my_rsvp(event, viewer),
            "attendees": selectors.attendees(event),
            "answers": RsvpAnswer.choices,
            "can_edit": can_edit_event(viewer, event),
            "is_over": services.is_over(event),
            "repeats": recurrence.describe(event),
            "next_dates": recurrence.upcoming(event, timezone.now(), count=5),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    event = access_event(viewer, event_id)
    if not can_edit_event(viewer, event) or event.is_cancelled:
        raise Http404
    initial = {
        name: getattr(event, name)
        for name in (
            "title",
            "description",
            "all_day",
            "location",
            "online_url",
            "capacity",
            "recurrence",
            "recurrence_until",
        )
    }
    initial |= {
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at),
    }
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event_actions.event_update(actor=viewer, event_id=event.pk, data=_values(form, event))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Event updated."))
            return redirect("event", event.pk)
    return render(
        request, "agenda/event_form.html", {"c": event.community, "form": form, "event": event}
    )


@login_required
@require_POST
def event_cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    try:
        event_actions.event_cancel(actor=http.viewer(request), event_id=event_id)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("Event cancelled; the attendees are told."))
    return redirect("event", event_id)


@login_required
@require_POST
def event_rsvp(request: HttpRequest, event_id: int) -> HttpResponse:
    try:
        services.rsvp_set(
            person=http.viewer(request), event_id=event_id, answer=request.POST.get("answer", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("event", event_id)


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access_event(http.viewer(request), event_id)
    return _ics(ics.events_ics([event]), f"event-{event.pk}.ics")


@login_required
@require_GET
def agenda(request: HttpRequest) -> HttpResponse:
    """The personal agenda: the next 60 days of one's communities' events and RSVPs."""
    viewer = http.viewer(request)
    start, end = selectors.window(None, None, days=60)
    token = services.calendar_token(viewer)
    return render(
        request,
        "agenda/agenda.html",
        {
            "events": selectors.agenda_events(viewer, start, end),
            "calendar_url": settings.RUCHER_BASE_URL + reverse("calendar_feed", args=[token]),
        },
    )


@login_required
@require_POST
def agenda_reset(request: HttpRequest) -> HttpResponse:
    services.calendar_token_reset(http.viewer(request))
    messages.success(request, _("New subscription address: the old one no longer works."))
    return redirect("agenda")


# How far back and ahead a subscription feed reaches (calendar clients poll it in full).
FEED_PAST = timedelta(days=31)
FEED_AHEAD = timedelta(days=366)
# At most this many events (a series counts once): a busy person's year fits.
FEED_MAX_EVENTS = 5000


# A feed's text is kept this long at most (calendar clients poll every few minutes to hours).
FEED_CACHE_SECONDS = 15 * 60


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private subscription URL: the token is the only credential (calendar clients send
    no cookie). What it lists is what its person may read now: the text is cached under a
    fingerprint of the person's communities and of the listed events (one aggregate query), so
    any change — an event, a membership, a tab, a visibility — makes a new text at once."""
    try:
        person = services.person_for_calendar_token(token)
    except NotFound as exc:
        raise Http404 from exc
    # The window moves by the hour, so that a cached text stays exact within its hour.
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    start, end = now - FEED_PAST, now + FEED_AHEAD
    fingerprint = selectors.agenda_feed_fingerprint(person, start, end)
    key = (
        "agenda-feed:"
        + hashlib.sha256(
            f"{person.pk}:{token}:{now.isoformat()}:{fingerprint}:{get_language()}".encode()
        ).hexdigest()
    )
    body = cache.get(key)
    if body is None:
        events = selectors.agenda_feed(person, start, end, limit=FEED_MAX_EVENTS)
        body = ics.events_ics(events, name=_("Rucher agenda"))
        cache.set(key, body, FEED_CACHE_SECONDS)
    return _ics(body, "rucher.ics")
