"""Web pages of everyday life: services (/services/), desk sharing (/desks/) and coffee
proposals (/coffee/). Thin: parse, access, call a service or a selector, render."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rucher.accounts.access import access_person
from rucher.actions import desks as desk_actions
from rucher.core import http
from rucher.core.errors import NotFound
from rucher.core.forms import add_service_errors
from rucher.core.pagination import BadCursor
from rucher.life import access, selectors, services
from rucher.life.forms import (
    CoffeeForm,
    DeskImportForm,
    DeskOfferForm,
    FloorPlanForm,
    ReplyForm,
    ServiceForm,
)
from rucher.life.models import ServiceCategory, ServiceKind, Site
from rucher.life.services import AlreadyBooked
from rucher.moderation.forms import ReportForm

PAGE_SIZE = 20
DESKS_PAGE_SIZE = 50
MAX_CSV_BYTES = 2 * 1024 * 1024


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    value = (value or "")[:19]
    return int(value) if value.isdigit() and int(value) >= 1 else None


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- services ---


@login_required
@require_GET
def services_list(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    category = request.GET.get("category", "")
    category = category if category in ServiceCategory.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in ServiceKind.values else ""
    state = request.GET.get("state", "open")
    state = state if state in ("open", "closed", "all") else "open"
    site_id = _int(request.GET.get("site"))
    site = None
    if site_id:
        try:
            site = access.access_site(viewer, site_id)
        except NotFound:
            site = None
    near = request.GET.get("near") == "1"
    mine = request.GET.get("mine") == "1"
    try:
        page = selectors.services_page(
            viewer,
            category=category,
            kind=kind,
            site=site,
            open_only={"open": True, "closed": False}.get(state),
            near_me=near,
            mine=mine,
            cursor=request.GET.get("cursor") or None,
            limit=PAGE_SIZE,
        )
    except BadCursor:
        return http.bad_cursor()
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "page": page,
        "categories": ServiceCategory.choices,
        "kinds": ServiceKind.choices,
        "sites": selectors.all_sites(),
        "category": category,
        "kind": kind,
        "state": state,
        "site": site,
        "near": near,
        "mine": mine,
        "query": query.urlencode(),
    }
    if getattr(request, "htmx", False) and request.GET.get("cursor"):
        return render(request, "life/services.html#services-page", context)
    return render(request, "life/services.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def service_new(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    home = selectors.site_for_person(viewer)
    initial = {
        "site": home,
        "category": request.GET.get("category", ""),
        "kind": request.GET.get("kind", "offer"),
    }
    form = ServiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items()}
        if values["category"] != ServiceCategory.CARPOOL:
            values.update(from_place="", to_place="", seats=None)
        if values["category"] != ServiceCategory.GIFT_POOL:
            values["target_amount"] = None
        try:
            service = services.service_create(
                author=viewer, photos=request.FILES.getlist("photos")[:10], **values
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Your offer or request is published."))
            return redirect("service", service_id=service.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "life/service_form.html", {"form": form}, status=status)


def _form_errors(form: ServiceForm | DeskOfferForm | CoffeeForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_GET
def service_detail(request: HttpRequest, service_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    service = selectors.service_detail(access.access_service(viewer, service_id))
    try:
        page = selectors.replies_page(
            viewer, service, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE
        )
    except BadCursor:
        return http.bad_cursor()
    context = {
        "service": service,
        "page": page,
        "reply_form": ReplyForm(),
        "is_author": service.author_id == viewer.pk,
        "contributors": selectors.pool_contributors(service)
        if service.category == ServiceCategory.GIFT_POOL
        else [],
    }
    if getattr(request, "htmx", False) and request.GET.get("cursor"):
        return render(request, "life/service.html#replies-page", context)
    return render(request, "life/service.html", context)


@login_required
@require_POST
def service_reply(request: HttpRequest, service_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    service = access.access_service(viewer, service_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("service", service_id=service.pk)
    try:
        services.service_reply(
            actor=viewer,
            service=service,
            body=form.cleaned_data["body"],
            pledge=form.cleaned_data["pledge"],
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Your reply is sent."))
    return redirect("service", service_id=service.pk)


@login_required
@require_POST
def service_close(request: HttpRequest, service_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    service = access.access_service(viewer, service_id)
    services.service_close(actor=viewer, service=service)
    messages.success(request, _("Closed."))
    return redirect("service", service_id=service.pk)


@login_required
@require_POST
def service_reply_accept(request: HttpRequest, service_id: int, reply_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    service = access.access_service(viewer, service_id)
    reply = access.access_service_reply(viewer, service, reply_id)
    try:
        services.service_reply_accept(actor=viewer, service=service, reply=reply)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Rider accepted."))
    return redirect("service", service_id=service.pk)


# --- desks ---


def _site_choice(request: HttpRequest, sites: list[Site]) -> Site | None:
    viewer = http.viewer(request)
    wanted = _int(request.GET.get("site"))
    for site in sites:
        if site.pk == wanted:
            return site
    home = selectors.site_for_person(viewer)
    return home or (sites[0] if sites else None)


@login_required
@require_GET
def desks(request: HttpRequest) -> HttpResponse:
    """Free desks on a day at a site, my bookings, and my own desk with its offers."""
    viewer = http.viewer(request)
    sites = selectors.all_sites()
    site = _site_choice(request, sites)
    day = _day(request.GET.get("date")) or services.today()
    free_only = request.GET.get("free", "1") == "1"
    page = None
    if site is not None:
        try:
            page = selectors.desks_page(
                site,
                day=day,
                free_only=free_only,
                cursor=request.GET.get("cursor") or None,
                limit=DESKS_PAGE_SIZE,
            )
        except BadCursor:
            return http.bad_cursor()
    query = request.GET.copy()
    query.pop("cursor", None)
    context: dict[str, object] = {
        "sites": sites,
        "site": site,
        "day": day,
        "today": services.today(),
        "free_only": free_only,
        "page": page,
        "query": query.urlencode(),
    }
    if getattr(request, "htmx", False) and request.GET.get("cursor"):
        return render(request, "life/desks.html#desks-page", context)
    context.update(
        bookings=selectors.bookings_page(
            viewer, upcoming=True, today=services.today(), cursor=None, limit=PAGE_SIZE
        ),
        my_desks=selectors.desks_of_owner(viewer),
        offer_form=DeskOfferForm(),
    )
    return render(request, "life/desks.html", context)


@login_required
@require_GET
def desks_week(request: HttpRequest, site_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    site = access.access_site(viewer, site_id)
    start = _day(request.GET.get("week")) or services.today()
    monday = start - timedelta(days=start.weekday())
    floors = list(site.floors.all())
    floor = next((f for f in floors if f.pk == _int(request.GET.get("floor"))), None)
    try:
        days, rows, next_cursor = selectors.week_calendar(
            viewer,
            site,
            monday=monday,
            floor=floor,
            cursor=request.GET.get("cursor") or None,
            limit=DESKS_PAGE_SIZE,
        )
    except BadCursor:
        return http.bad_cursor()
    return render(
        request,
        "life/week.html",
        {
            "site": site,
            "sites": selectors.all_sites(),
            "floors": floors,
            "floor": floor,
            "days": days,
            "rows": rows,
            "next_cursor": next_cursor,
            "monday": monday,
            "previous_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "today": services.today(),
            "plan_form": FloorPlanForm() if viewer.is_administrator and floor else None,
        },
    )


def _back_to_desks(request: HttpRequest) -> HttpResponse:
    return http.safe_back(request, reverse("desks"))


@login_required
@require_POST
def desk_book(request: HttpRequest, desk_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    desk = access.access_desk(viewer, desk_id)
    day = _day(request.POST.get("date"))
    if day is None:
        messages.error(request, _("Give a date."))
        return _back_to_desks(request)
    try:
        desk_actions.desk_book(actor=viewer, desk=desk, day=day)
    except AlreadyBooked as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Desk %(desk)s is booked for you.") % {"desk": desk.label})
    return _back_to_desks(request)


@login_required
@require_POST
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    booking = access.access_booking(viewer, booking_id)
    try:
        services.booking_cancel(actor=viewer, booking=booking)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except PermissionDenied:
        messages.error(request, _("Only the person who booked can cancel."))
    else:
        messages.success(request, _("Booking cancelled."))
    return _back_to_desks(request)


@login_required
@require_POST
def desk_offer(request: HttpRequest, desk_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    desk = access.access_desk(viewer, desk_id)
    if desk.owner_id != viewer.pk:
        raise NotFound  # only the owner sees the offer form: nothing to reveal here
    form = DeskOfferForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return _back_to_desks(request)
    try:
        services.desk_offer_create(
            actor=viewer,
            desk=desk,
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            weekday=form.cleaned_data["weekday"],
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Your desk is offered to colleagues for these days."))
    return _back_to_desks(request)


@login_required
@require_POST
def desk_offer_withdraw(request: HttpRequest, offer_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    offer = access.access_desk_offer(viewer, offer_id)
    services.desk_offer_withdraw(actor=viewer, offer=offer)
    messages.success(request, _("Offer withdrawn."))
    return _back_to_desks(request)


@login_required
@require_http_methods(["GET", "POST"])
def desks_import(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    if not viewer.is_administrator:
        raise NotFound
    form = DeskImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            form.add_error("file", _("The file is too large (at most 2 MB)."))
        else:
            try:
                text = upload.read().decode("utf-8-sig")
                result = services.desks_import_csv(actor=viewer, data=text)
            except UnicodeDecodeError:
                form.add_error("file", _("The file must be UTF-8 text."))
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                messages.success(
                    request,
                    _("Imported: %(sites)d new sites, %(desks)d new desks, %(updated)d updated.")
                    % {"sites": result.sites, "desks": result.desks, "updated": result.updated},
                )
                return redirect("desks")
    status = 400 if request.method == "POST" else 200
    return render(request, "life/desks_import.html", {"form": form}, status=status)


@login_required
@require_POST
def floor_plan(request: HttpRequest, floor_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    if not viewer.is_administrator:
        raise NotFound
    floor = access.access_floor(viewer, floor_id)
    form = FloorPlanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.floor_plan_set(actor=viewer, floor=floor, image=form.cleaned_data["plan"])
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Floor plan saved."))
    else:
        messages.error(request, _("Choose an image."))
    return redirect(f"{reverse('desks_week', args=[floor.site_id])}?floor={floor.pk}")


# --- coffee ---


@login_required
@require_GET
def coffee(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    sent = request.GET.get("sent") == "1"
    try:
        page = selectors.coffees_page(
            viewer, received=not sent, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE
        )
    except BadCursor:
        return http.bad_cursor()
    return render(request, "life/coffee.html", {"page": page, "sent": sent})


@login_required
@require_http_methods(["GET", "POST"])
def coffee_propose(request: HttpRequest, username: str) -> HttpResponse:
    viewer = http.viewer(request)
    colleague = access_person(viewer, username)
    form = CoffeeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.coffee_propose(
                proposer=viewer,
                colleague=colleague,
                suggested_at=form.cleaned_data["suggested_at"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Coffee proposed to %(name)s.") % {"name": colleague.display_name},
            )
            return redirect(f"{reverse('coffee')}?sent=1")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "life/coffee_form.html", {"form": form, "colleague": colleague}, status=status
    )


@login_required
@require_POST
def coffee_answer(request: HttpRequest, coffee_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    proposal = access.access_coffee(viewer, coffee_id)
    try:
        services.coffee_answer(
            actor=viewer, proposal=proposal, accept=request.POST.get("accept") == "1"
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except PermissionDenied:
        raise NotFound from None
    else:
        messages.success(request, _("Your answer is sent."))
    return redirect("coffee")


# --- reports and moderation of services ---


@login_required
@require_http_methods(["GET", "POST"])
def service_report(request: HttpRequest, service_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    service = access.access_service(viewer, service_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _report, created = services.service_report_create(
                reporter=viewer, service=service, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if created:
                messages.success(request, _("Thank you: the moderators will look at it."))
            else:
                messages.info(request, _("You have already reported this; it is in hand."))
            return redirect("service", service_id=service.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "life/service_report.html", {"service": service, "form": form}, status=status
    )


@login_required
@require_POST
def service_hide(request: HttpRequest, service_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    if not viewer.is_administrator:
        raise NotFound
    service = access.access_service(viewer, service_id)
    services.service_hide(actor=viewer, service=service, request=request)
    messages.success(request, _("The offer or request is hidden."))
    return http.safe_back(request, "moderation_queue")


@login_required
@require_POST
def service_restore(request: HttpRequest, service_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    if not viewer.is_administrator:
        raise NotFound
    service = access.access_service(viewer, service_id)
    services.service_restore(actor=viewer, service=service, request=request)
    messages.success(request, _("The offer or request is visible again."))
    return http.safe_back(request, "moderation_queue")


@login_required
@require_POST
def service_report_dismiss(request: HttpRequest, report_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    report = access.access_service_report(viewer, report_id)
    services.service_report_dismiss(actor=viewer, report=report, request=request)
    messages.success(request, _("Report dismissed."))
    return http.safe_back(request, "moderation_queue")
