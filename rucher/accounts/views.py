"""Web pages about people: login, home, directory, profile, settings, charter."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http import HttpRequest as DjangoHttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from rucher.accounts import selectors, services
from rucher.accounts.access import access_charter_publish, access_current_charter, access_person
from rucher.accounts.forms import (
    CharterPublishForm,
    LoginForm,
    PersonAdminForm,
    PhotoForm,
    PreferencesForm,
    ProfileForm,
    TokenForm,
)
from rucher.accounts.lookup import people_suggested
from rucher.accounts.models import User
from rucher.accounts.throttle import (
    ADDRESS,
    login_failed,
    login_lock,
    login_succeeded,
    remember_device,
)
from rucher.actions import people as people_actions
from rucher.actions.sso import directory_down
from rucher.content.feed import home_feed
from rucher.content.newcomers import newcomer_checklist
from rucher.core import http
from rucher.core.forms import add_service_errors
from rucher.core.markdown import render_markdown
from rucher.core.pagination import BadCursor
from rucher.life.meet import meet_colleague
from rucher.qa.selectors import questions_i_can_answer
from rucher.recognition.kudos import PROFILE_KUDOS_SHOWN, kudos_received_readable
from rucher.recognition.selectors import earned_skills, readable_evidence


class HttpRequest(DjangoHttpRequest):
    """A request after django-htmx's middleware (for typing)."""

    htmx: HtmxDetails


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request, data=request.POST or None)
    status = 200
    if request.method == "POST":
        username = request.POST.get("username", "")[:150]
        retry_after, scope = login_lock(username, request)
        if retry_after:
            form = LoginForm(request, initial={"username": username})
            form.cleaned_data = {}  # unbound (the password is not checked): add_error needs it
            minutes = {"minutes": max(1, retry_after // 60)}
            form.add_error(
                None,
                _(
                    "Too many failed sign-in attempts from your network. Try again in "
                    "%(minutes)d minutes."
                )
                % minutes
                if scope == ADDRESS
                else _(
                    "Too many failed attempts for this username. Try again in %(minutes)d minutes."
                )
                % minutes,
            )
            response = render(request, "accounts/login.html", {"form": form}, status=429)
            response["Retry-After"] = str(retry_after)
            return response
        if form.is_valid():
            login_succeeded(username, request)
            auth_login(request, form.get_user())
            response = redirect(http.safe_next(request, "/"))
            remember_device(request, response, username)
            return response
        login_failed(username, request)
        if directory_down(request):
            form.add_error(
                None,
                _("The company directory cannot be reached right now: try again in a few minutes."),
            )
        status = 400
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=status,
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person: User = request.user  # type: ignore[assignment]
    cursor = request.GET.get("cursor") or None
    try:
        feed = home_feed(person, cursor=cursor)
    except BadCursor:
        return HttpResponse(_("This page link is no longer valid."), status=400)
    if request.htmx and cursor:
        return render(request, "accounts/home.html#feed-page", {"feed": feed})

    checklist = newcomer_checklist(person)
    return render(
        request,
        "accounts/home.html",
        {
            "checklist": checklist,
            "checklist_done": all(item.done for item in checklist),
            "colleague": meet_colleague(person),
            "feed": feed,
            "can_answer": questions_i_can_answer(person),
        },
    )


@login_required
def people_suggest(request: HttpRequest) -> HttpResponse:
    """A people picker's suggestions: <option>s for its <datalist> (htmx sends the field's own
    name and value, whichever the form calls it)."""
    typed = next((str(v) for v in request.GET.values() if str(v).strip()), "")[:150]
    people = people_suggested(typed) if len(typed.strip()) >= 2 else []
    return render(request, "accounts/_people_suggestions.html", {"people": people})


@login_required
def mention_suggest(request: HttpRequest) -> HttpResponse:
    """The @-mention autocomplete's suggestions for what follows an @ (`q`): options with a
    photo or initials, the name and the job title; the username is what gets inserted."""
    typed = request.GET.get("q", "")[:150]
    people = people_suggested(typed) if len(typed.strip()) >= 2 else []
    return render(request, "accounts/_mention_suggestions.html", {"people": people})


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    params = {key: request.GET.get(key, "")[:100] for key in ("q", "department", "site", "skill")}
    try:
        page = selectors.directory_page(
            viewer=request.user,  # type: ignore[arg-type]
            cursor=request.GET.get("cursor") or None,
            q=params["q"],
            department=params["department"],
            site=params["site"],
            skill=params["skill"],
            evidence=readable_evidence(request.user),  # type: ignore[arg-type]
        )
    except BadCursor:
        return HttpResponse(_("This page link is no longer valid."), status=400)
    context = {"page": page, "params": params, "facets": selectors.directory_facets()}
    if request.htmx and request.GET.get("cursor"):
        return render(request, "accounts/directory.html#people-page", context)
    return render(request, "accounts/directory.html", context)


@login_required
def profile(request: HttpRequest, username: str) -> HttpResponse:
    person = access_person(request.user, username)  # type: ignore[arg-type]
    return _profile_page(request, person)


def _profile_page(
    request: HttpRequest,
    person: User,
    *,
    admin_form: PersonAdminForm | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer: User = request.user  # type: ignore[assignment]
    if admin_form is None and viewer.is_administrator:
        admin_form = PersonAdminForm(
            initial={"is_ambassador": person.is_ambassador, "manager": _manager_initial(person)}
        )
    context = {
        "admin_form": admin_form,
        "person": person,
        "earned_skills": earned_skills(request.user, person, limit=20),  # type: ignore[arg-type]
        "is_me": person.pk == request.user.pk,
        "following": selectors.is_following(request.user, person),  # type: ignore[arg-type]
        "bio_html": render_markdown(person.bio),
        # The latest thanks received that the viewer may read (one query).
        "received": kudos_received_readable(
            request.user,  # type: ignore[arg-type]
            person,
            limit=PROFILE_KUDOS_SHOWN,
        ),
    }
    return render(request, "accounts/profile.html", context, status=status)


def _manager_initial(person: User) -> str:
    return person.manager.display_name if person.manager else ""


def _manager_kept(person: User, form: ProfileForm | PersonAdminForm) -> dict[str, object]:
    """The form's changes; the manager field left as shown means "unchanged" (their name may be
    shared by a namesake, which would read as ambiguous)."""
    changes = form.changes() if isinstance(form, ProfileForm) else dict(form.cleaned_data)
    if person.manager and changes.get("manager") == _manager_initial(person):
        changes["manager"] = person.manager
    return changes


@login_required
@require_POST
def person_administer(request: HttpRequest, username: str) -> HttpResponse:
    """An administrator's settings on a colleague's profile: network ambassador, manager."""
    viewer: User = request.user  # type: ignore[assignment]
    person = access_person(viewer, username)
    if not viewer.is_administrator:
        raise Http404
    form = PersonAdminForm(request.POST)
    if form.is_valid():
        changes = _manager_kept(person, form)
        try:
            services.person_administer(
                actor=viewer,
                person=person,
                is_ambassador=bool(changes["is_ambassador"]),
                manager=changes["manager"],  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The profile has been saved."))
            return redirect("profile", person.username)
    return _profile_page(request, person, admin_form=form, status=400)


@login_required
def profile_photo(request: HttpRequest, username: str) -> FileResponse:
    """Photos are served only to signed-in members, never from a public URL."""
    person = access_person(request.user, username)  # type: ignore[arg-type]
    return http.private_image(person.photo)


@login_required
@require_POST
def follow_toggle(request: HttpRequest, username: str) -> HttpResponse:
    person = access_person(request.user, username)  # type: ignore[arg-type]
    viewer: User = request.user  # type: ignore[assignment]
    try:
        if request.POST.get("action") == "unfollow":
            services.follow_delete(follower=viewer, followee=person)
        else:
            services.follow_create(follower=viewer, followee=person)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    following = selectors.is_following(viewer, person)
    if request.htmx:
        return render(
            request, "accounts/_follow_button.html", {"person": person, "following": following}
        )
    return redirect("profile", username=person.username)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    person: User = request.user  # type: ignore[assignment]
    initial = {
        "display_name": person.display_name,
        "job_title": person.job_title,
        "department": person.department,
        "site": person.site,
        "phone": person.phone,
        "bio": person.bio,
        "expertise": ", ".join(services.person_expertise(person)),
        "interests": ", ".join(person.interests),
        "offers": person.offers,
        "reading": person.reading,
        "manager": _manager_initial(person),
    }
    form = ProfileForm(request.POST or None, initial=initial)
    photo_form = PhotoForm()
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                people_actions.profile_edit(person=person, changes=_manager_kept(person, form))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your profile has been saved."))
                return redirect("profile_edit")
        status = 400
    return render(
        request,
        "accounts/profile_edit.html",
        {"form": form, "photo_form": photo_form, "person": person},
        status=status,
    )


@login_required
@require_POST
def photo_upload(request: HttpRequest) -> HttpResponse:
    person: User = request.user  # type: ignore[assignment]
    if request.POST.get("action") == "remove":
        services.profile_photo_remove(person=person)
        messages.success(request, _("Your photo has been removed."))
        return redirect("profile_edit")
    photo_form = PhotoForm(request.POST, request.FILES)
    if photo_form.is_valid():
        try:
            services.profile_photo_set(person=person, upload=photo_form.cleaned_data["photo"])
        except ValidationError as exc:
            add_service_errors(photo_form, exc)
        else:
            messages.success(request, _("Your photo has been updated."))
            return redirect("profile_edit")
    form = ProfileForm(initial={"display_name": person.display_name})
    return render(
        request,
        "accounts/profile_edit.html",
        {"form": form, "photo_form": photo_form, "person": person},
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    person: User = request.user  # type: ignore[assignment]
    form = PreferencesForm(
        request.POST if request.POST.get("form") == "preferences" else None,
        initial={
            "language": person.language,
            "grammatical_gender": person.grammatical_gender,
            "meet_opt_out": person.meet_opt_out,
        },
    )
    token_form = TokenForm(request.POST if request.POST.get("form") == "token" else None)
    new_token = None
    if request.method == "POST":
        if request.POST.get("form") == "preferences" and form.is_valid():
            try:
                services.profile_update(person=person, changes=form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your settings have been saved."))
                response = redirect("settings")
                if person.language:
                    response.set_cookie("rucher_language", person.language, samesite="Lax")
                return response
        elif request.POST.get("form") == "token" and token_form.is_valid():
            _token, new_token = services.token_create(
                person=person, name=token_form.cleaned_data["name"]
            )
            token_form = TokenForm()
        elif request.POST.get("form") == "revoke":
            try:
                token_id = int(request.POST.get("token", ""))
            except ValueError as exc:
                raise Http404 from exc
            if not services.token_revoke(person=person, token_id=token_id):
                raise Http404
            messages.success(request, _("The token has been revoked."))
            return redirect("settings")
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "token_form": token_form,
            "new_token": new_token,
            "tokens": person.access_tokens.all(),
        },
        status=400 if form.errors or token_form.errors else 200,
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """FR/EN switch: remembered on the person when signed in, in a cookie otherwise."""
    language = request.POST.get("language", "")
    if language not in {"fr", "en"}:
        return HttpResponse(_("Unknown language."), status=400)
    if request.user.is_authenticated:
        services.language_set(person=request.user, language=language)
    response = redirect(http.safe_next(request, "/"))
    response.set_cookie("rucher_language", language, samesite="Lax", max_age=365 * 86400)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def charter(request: HttpRequest) -> HttpResponse:
    person: User = request.user  # type: ignore[assignment]
    current = access_current_charter(person)
    if request.method == "POST":
        if current is None or str(current.version) != request.POST.get("version"):
            messages.error(
                request,
                _("The charter changed while you were reading it: please read the new version."),
            )
            return redirect("charter")
        services.charter_accept(person=person, charter=current)
        return redirect(http.safe_next(request, "/"))
    text = current.text_for(request.LANGUAGE_CODE) if current else ""
    return render(
        request,
        "accounts/charter.html",
        {
            "charter": current,
            "charter_html": render_markdown(text),
            "accepted": selectors.charter_is_accepted(person),
            "next": http.safe_next(request, ""),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def charter_publish(request: HttpRequest) -> HttpResponse:
    access_charter_publish(request.user)  # type: ignore[arg-type]
    current = selectors.current_charter()
    initial = {"text_fr": current.text_fr, "text_en": current.text_en} if current else {}
    form = CharterPublishForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            published = services.charter_publish(
                author=request.user,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Charter version %(v)d is published; everyone will be asked to accept it.")
                % {"v": published.version},
            )
            return redirect("charter")
    return render(
        request,
        "accounts/charter_publish.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )
