"""OpenID Connect sign-in with mozilla-django-oidc (docs/decisions.md), configured from
RUCHER_OIDC_* only: the endpoints come from the issuer's discovery document, read once and
cached. The flow's checks: state (session), nonce (ID token), PKCE (S256), the ID token's
signature (the provider's JWKS), issuer, audience and expiry; the claims' checks (verified
email, allowed domains) are in rucher.actions.sso."""

import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from rucher.core.audit import audit_record

logger = logging.getLogger("rucher.accounts")
DISCOVERY_TTL = 3600
# Where the refusal reason travels from the backend to the callback view (same request).
REFUSAL_ATTRIBUTE = "_rucher_sso_refusal"


def oidc_enabled() -> bool:
    return bool(
        settings.RUCHER_OIDC_ISSUER
        and settings.RUCHER_OIDC_CLIENT_ID
        and settings.RUCHER_OIDC_CLIENT_SECRET
    )


def provider_name() -> str:
    return settings.RUCHER_OIDC_PROVIDER_NAME or _("single sign-on")


def discovery() -> dict[str, Any]:
    """The issuer's /.well-known/openid-configuration (cached an hour). The issuer is the
    administrator's configuration, not user input: it is fetched directly (an intranet
    Keycloak is a normal place for it)."""
    issuer = settings.RUCHER_OIDC_ISSUER
    key = f"rucher:oidc:discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10)
        response.raise_for_status()
        document = response.json()
        if str(document.get("issuer", "")).rstrip("/") != issuer:
            raise ImproperlyConfigured("The discovery document names another issuer.")
        cache.set(key, document, DISCOVERY_TTL)
    return dict(document)


_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def oidc_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings, derived from RUCHER_OIDC_* and the discovery."""
    if attr in _DISCOVERED:
        return discovery()[_DISCOVERED[attr]]
    fixed: dict[str, Any] = {
        "OIDC_RP_CLIENT_ID": settings.RUCHER_OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": settings.RUCHER_OIDC_CLIENT_SECRET,
        "OIDC_RP_SIGN_ALGO": settings.RUCHER_OIDC_SIGN_ALGO,
        "OIDC_RP_SCOPES": settings.RUCHER_OIDC_SCOPES,
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_TIMEOUT": 10,
        "OIDC_CREATE_USER": True,
        "LOGIN_REDIRECT_URL": settings.LOGIN_REDIRECT_URL,
        "LOGIN_REDIRECT_URL_FAILURE": "/accounts/login/",
        "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc_authentication_callback",
    }
    if attr in fixed:
        return fixed[attr]
    return import_from_settings(attr, *default)


def sso_refused(request: HttpRequest | None, reason: str, detail: str = "") -> None:
    """Records a refused single sign-on (audit log) and keeps the reason for the page."""
    audit_record(
        action="sso.refused",
        target=detail[:200],
        data={"reason": reason, "method": "oidc"},
        request=request,
    )
    if request is not None:
        setattr(request, REFUSAL_ATTRIBUTE, reason)


REFUSAL_MESSAGES = {
    "email_unverified": lambda: _(
        "Your identity provider did not confirm your email address: sign-in refused."
    ),
    "domain_not_allowed": lambda: _(
        "Your email address is not in a domain allowed to sign in here."
    ),
    "invalid_token": lambda: _(
        "The identity provider's answer could not be verified (issuer, audience, signature, "
        "nonce or expiry): sign-in refused."
    ),
    "invalid_state": lambda: _(
        "This sign-in link has expired or was already used. Please start again."
    ),
    "provider_error": lambda: _("The identity provider refused or failed the sign-in."),
    "inactive": lambda: _("Your account is deactivated. Contact an administrator."),
}


class RequestView(OIDCAuthenticationRequestView):
    """Redirects to the provider with state, nonce and a PKCE challenge (S256)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not oidc_enabled():
            from django.http import Http404

            raise Http404
        super().__init__(*args, **kwargs)

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except (requests.RequestException, ValueError, ImproperlyConfigured):
            logger.exception("OpenID Connect discovery failed")
            messages.error(
                request, _("The identity provider cannot be reached. Try again in a moment.")
            )
            return redirect("login")


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: state checked against the session, then the backend."""

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            from django.http import Http404

            raise Http404
        if request.GET.get("error"):
            sso_refused(request, "provider_error", str(request.GET.get("error"))[:100])
        elif "code" in request.GET and "oidc_states" not in request.session:
            sso_refused(request, "invalid_state", "no state in this session")
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            # A state that is not this session's (forged, replayed or expired).
            sso_refused(request, "invalid_state", str(exc))
            return self.login_failure()
        except (requests.RequestException, ValueError, ImproperlyConfigured):
            logger.exception("OpenID Connect exchange failed")
            sso_refused(request, "provider_error")
            return self.login_failure()

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, REFUSAL_ATTRIBUTE, None) or "provider_error"
        if getattr(self, "user", None) is not None and not self.user.is_active:
            reason = "inactive"
        messages.error(
            self.request, REFUSAL_MESSAGES.get(reason, REFUSAL_MESSAGES["provider_error"])()
        )
        return HttpResponseRedirect(self.failure_url)


def login_options(request: HttpRequest) -> dict[str, Any]:
    """For the login page (a context processor: no query)."""
    return {
        "sso_enabled": oidc_enabled(),
        "sso_provider": provider_name() if oidc_enabled() else "",
        "local_login": bool(settings.RUCHER_LOCAL_LOGIN),
    }
