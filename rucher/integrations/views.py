"""Web pages of integrations: outgoing webhooks (administrators, and community managers for
their communities), a community's incoming tokens, and every API token (administrators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rucher.accounts import selectors as account_selectors
from rucher.accounts import services as account_services
from rucher.communities import access as community_access
from rucher.content.access import moderated_communities
from rucher.core import http
from rucher.core.forms import add_service_errors
from rucher.core.pagination import BadCursor
from rucher.integrations import access, selectors, services
from rucher.integrations.forms import IncomingTokenForm, WebhookForm

PAGE_SIZE = 20


@login_required
@require_http_methods(["GET", "POST"])
def webhooks(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    if not selectors.manages_any_webhooks(viewer):
        raise Http404
    organisation = community_access.is_administrator(viewer)
    form = WebhookForm(
        request.POST or None,
        communities=moderated_communities(viewer),
        organisation=organisation,
        initial={"community": request.GET.get("community") or None},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                hook = services.webhook_create(
                    actor=viewer,
                    url=form.cleaned_data["url"],
                    events_wanted=form.cleaned_data["events"],
                    secret=form.cleaned_data["secret"],
                    community=form.cleaned_data["community"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The webhook is registered."))
                return redirect("webhook_detail", webhook_id=hook.pk)
        status = 400
    try:
        page = selectors.webhooks_page(
            viewer, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE
        )
    except BadCursor:
        return http.bad_cursor()
    return render(
        request,
        "integrations/webhooks.html",
        {"page": page, "form": form, "organisation": organisation},
        status=status,
    )


@login_required
def webhook_detail(request: HttpRequest, webhook_id: int) -> HttpResponse:
    hook = access.access_webhook(http.viewer(request), webhook_id)
    try:
        page = selectors.deliveries_page(
            hook, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE
        )
    except BadCursor:
        return http.bad_cursor()
    context = {"hook": hook, "page": page}
    if getattr(request, "htmx", False) and request.GET.get("cursor"):
        return render(request, "integrations/webhook.html#deliveries-page", context)
    return render(request, "integrations/webhook.html", context)


@login_required
@require_POST
def webhook_test(request: HttpRequest, webhook_id: int) -> HttpResponse:
    hook = access.access_webhook(http.viewer(request), webhook_id)
    services.webhook_test(actor=http.viewer(request), webhook=hook)
    messages.success(request, _("A test delivery is on its way; refresh to see its result."))
    return redirect("webhook_detail", webhook_id=hook.pk)


@login_required
@require_POST
def webhook_enable(request: HttpRequest, webhook_id: int) -> HttpResponse:
    hook = access.access_webhook(http.viewer(request), webhook_id)
    services.webhook_enable(actor=http.viewer(request), webhook=hook)
    messages.success(request, _("The webhook is active again."))
    return redirect("webhook_detail", webhook_id=hook.pk)


@login_required
@require_POST
def webhook_delete(request: HttpRequest, webhook_id: int) -> HttpResponse:
    hook = access.access_webhook(http.viewer(request), webhook_id)
    services.webhook_delete(actor=http.viewer(request), webhook=hook)
    messages.success(request, _("The webhook is deleted."))
    return redirect("webhooks")


@login_required
@require_http_methods(["GET", "POST"])
def community_integrations(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    community = community_access.access_community(viewer, slug, for_manage=True)
    form = IncomingTokenForm(request.POST or None)
    created_token = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, created_token = services.incoming_token_create(
                    actor=viewer, community=community, name=form.cleaned_data["name"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 400
            else:
                form = IncomingTokenForm()
                status = 201
        else:
            status = 400
    context = {
        "c": community,
        "can_manage": True,
        "form": form,
        "created_token": created_token,
        "tokens": selectors.incoming_tokens(community),
        "incoming_url": request.build_absolute_uri(
            f"/api/v1/communities/{community.slug}/incoming"
        ),
    }
    return render(
        request,
        "integrations/community.html",
        context,
        status=200 if status == 201 else status,
    )


@login_required
@require_POST
def incoming_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = access.access_incoming_token(http.viewer(request), token_id)
    services.incoming_token_revoke(actor=http.viewer(request), token=token)
    messages.success(request, _("The token is revoked: the integration can no longer post."))
    return redirect("community_integrations", slug=token.community.slug)


@login_required
def tokens_admin(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    if not community_access.is_administrator(viewer):
        raise Http404
    try:
        page = account_selectors.all_tokens_page(
            cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE
        )
    except BadCursor:
        return http.bad_cursor()
    return render(request, "integrations/tokens.html", {"page": page})


@login_required
@require_POST
def token_revoke_admin(request: HttpRequest, token_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    if not community_access.is_administrator(viewer):
        raise Http404
    if not account_services.token_revoke_any(actor=viewer, token_id=token_id):
        raise Http404
    messages.success(request, _("The token is revoked."))
    return redirect("tokens_admin")
