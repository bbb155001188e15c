"""Single sign-on's effects above accounts: the OpenID Connect backend that refuses what the
issue forbids (unverified email, a domain not allowed, a token for someone else), links a
verified email to the existing account, or creates the person (with the welcome community,
as rucher.actions.people does for everyone)."""

import logging
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from rucher.accounts.models import User
from rucher.accounts.oidc import oidc_enabled, oidc_setting, sso_refused
from rucher.actions.people import person_create
from rucher.core.audit import audit_record

logger = logging.getLogger("rucher.accounts")


def allowed_domains() -> set[str]:
    return {
        d.strip().lower().lstrip("@")
        for d in str(settings.RUCHER_OIDC_ALLOWED_DOMAINS or "").split(",")
        if d.strip()
    }


def _claim(claims: dict[str, Any], name: str, limit: int) -> str:
    if not name:
        return ""
    value = claims.get(name)
    return str(value).strip()[:limit] if isinstance(value, str | int) else ""


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow; nothing happens unless RUCHER_OIDC_* are set (so the
    backend can stay in AUTHENTICATION_BACKENDS for password sign-ins too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The parent reads the endpoints at once (discovery): only when this is an OIDC
        # callback, never for a password sign-in.
        self.UserModel = User

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_setting(attr, *args)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if request is None or not oidc_enabled() or "code" not in request.GET:
            return None
        super().__init__()
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The parent checks the signature (JWKS, RS256), expiry and nonce; we add the
        issuer and the audience (the parent leaves them unchecked)."""
        try:
            payload = super().verify_token(token, **kwargs)
        except SuspiciousOperation as exc:
            sso_refused(self.request, "invalid_token", str(exc))
            raise
        except Exception as exc:  # PyJWT's expired, malformed… tokens
            sso_refused(self.request, "invalid_token", type(exc).__name__)
            raise SuspiciousOperation("invalid ID token") from exc
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if str(payload.get("iss", "")).rstrip("/") != settings.RUCHER_OIDC_ISSUER:
            sso_refused(self.request, "invalid_token", "issuer")
            raise SuspiciousOperation("wrong issuer")
        if settings.RUCHER_OIDC_CLIENT_ID not in audiences:
            sso_refused(self.request, "invalid_token", "audience")
            raise SuspiciousOperation("wrong audience")
        return dict(payload)

    def get_token(self, payload: dict[str, Any]) -> dict[str, Any]:
        return dict(super().get_token(payload))

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        email = str(claims.get("email") or "")
        if not email or claims.get("email_verified") is not True:
            sso_refused(self.request, "email_unverified", email)
            return False
        domains = allowed_domains()
        if domains and email.rsplit("@", 1)[-1].lower() not in domains:
            sso_refused(self.request, "domain_not_allowed", email)
            return False
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        # Linked by the verified email address (claims were verified just before).
        return User.objects.filter(email__iexact=str(claims["email"]), is_bot=False)

    def _profile(self, claims: dict[str, Any]) -> dict[str, str]:
        return {
            "display_name": _claim(claims, settings.RUCHER_OIDC_NAME_CLAIM, 150),
            "department": _claim(claims, settings.RUCHER_OIDC_DEPARTMENT_CLAIM, 100),
            "site": _claim(claims, settings.RUCHER_OIDC_SITE_CLAIM, 100),
            "job_title": _claim(claims, settings.RUCHER_OIDC_JOB_TITLE_CLAIM, 150),
        }

    def _username(self, claims: dict[str, Any]) -> str:
        wanted = _claim(claims, settings.RUCHER_OIDC_USERNAME_CLAIM, 150)
        if not wanted or "@" in wanted:
            wanted = str(claims["email"]).split("@", 1)[0]
        base = re.sub(r"[^\w.+-]", "", wanted)[:140] or "person"
        candidate, n = base, 1
        while User.objects.filter(username__iexact=candidate).exists():
            n += 1
            candidate = f"{base}{n}"
        return candidate

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]) -> User:
        profile = self._profile(claims)
        try:
            person = person_create(
                username=self._username(claims),
                email=str(claims["email"]),
                display_name=profile["display_name"] or str(claims["email"]).split("@")[0],
                department=profile["department"],
                site=profile["site"],
                job_title=profile["job_title"],
            )
        except ValidationError as exc:
            logger.warning("single sign-on could not create the person: %s", exc)
            raise SuspiciousOperation("invalid claims") from exc
        audit_record(
            action="sso.person_created",
            actor=person,
            target=person.username,
            data={"method": "oidc"},
            request=self.request,
        )
        return person

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        """The directory's department, site and job title win: people keep them up to date
        there (an empty claim leaves the profile's value)."""
        profile = self._profile(claims)
        changed = [
            f
            for f in ("department", "site", "job_title")
            if profile[f] and profile[f] != getattr(user, f)
        ]
        for field in changed:
            setattr(user, field, profile[field])
        if changed:
            user.save(update_fields=changed)
        audit_record(
            action="sso.login",
            actor=user,
            target=user.username,
            data={"method": "oidc"},
            request=self.request,
        )
        return user
