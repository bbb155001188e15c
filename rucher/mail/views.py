"""Web pages of email: one's email preferences and personal posting addresses, and the
unsubscribe link of every email.

The unsubscribe page works without logging in: the signed link names the person and the kind,
and can only ever turn that kind off. GET asks for confirmation (mail scanners follow links);
POST, including RFC 8058's one-click POST from mail clients, does it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from rucher.accounts.models import User
from rucher.communities import access as community_access
from rucher.core.forms import add_service_errors
from rucher.mail import posting, preferences
from rucher.mail.forms import EmailPreferencesForm


@login_required
def email_settings(request: HttpRequest) -> HttpResponse:
    person: User = request.user  # type: ignore[assignment]
    current = preferences.deliveries_for(person)
    preset = preferences.preset_of(current)
    form = EmailPreferencesForm(request.POST or None, initial=current | {"preset": preset})
    if request.method == "POST" and form.is_valid():
        changes = preferences.preferences_chosen(
            current=current,
            preset=form.cleaned_data["preset"] or preferences.CUSTOM,
            kinds=form.kind_choices(),
        )
        try:
            preferences.preferences_set(person=person, changes=changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your email preferences have been saved."))
            return redirect("email_settings")
    return render(
        request,
        "mail/settings.html",
        {
            "form": form,
            "preset": preset,
            "presets": preferences.PRESETS,
            "posting_addresses": posting.posting_addresses_of(person),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def posting_address_change(request: HttpRequest, slug: str) -> HttpResponse:
    """`action=renew`: a new personal posting address (the old one stops working); `off`: none."""
    person: User = request.user  # type: ignore[assignment]
    community = community_access.access_community(person, slug)
    if not community_access.is_member(person, community):
        raise Http404
    action = request.POST.get("action", "")
    if action == "renew":
        posting.posting_address_renew(person=person, community=community)
        messages.success(
            request,
            _("Your posting address for “%(name)s” has changed: the previous one no longer works.")
            % {"name": community.name},
        )
    elif action == "off":
        posting.posting_address_turn_off(person=person, community=community)
        messages.success(
            request,
            _("Your posting address for “%(name)s” is turned off.") % {"name": community.name},
        )
    else:
        return HttpResponseBadRequest(_("Unknown action."))
    return redirect(reverse("email_settings") + "#posting")


@csrf_exempt  # The link itself is the credential (signed); mail clients POST without a token.
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    target = preferences.unsubscribe_target(token)
    if target is None:
        return render(request, "mail/unsubscribe_invalid.html", status=400)
    person, kind = target
    context = {"kind_label": preferences.kind_label(kind), "token": token}
    if request.method == "POST":
        preferences.unsubscribe(person=person, kind=kind)
        return render(request, "mail/unsubscribe_done.html", context)
    return render(request, "mail/unsubscribe.html", context)
