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
from django_auth_ldap.backend import LDAPBackend, ldap_error
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from rucher.accounts.backends import person_of_session
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

    def get_user(self, user_id: Any) -> User | None:
        # The signed-in person on every request: the same prepared read as a password
        # session's (the parent's `objects.get` without the compile).
        return person_of_session(user_id)

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
        User.objects.filter(pk=person.pk).update(auth_source="oidc")
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


# LDAP / Active Directory ------------------------------------------------------------------

DIRECTORY_DOWN_ATTRIBUTE = "_rucher_directory_down"


def _directory_error(
    sender: Any, context: str, user: Any, request: Any, exception: Exception, **kwargs: Any
) -> None:
    """django-auth-ldap swallows its errors (the sign-in just fails); remember that the
    directory did not answer so that the login page can say so instead of "wrong password"."""
    import ldap

    if request is not None and isinstance(exception, ldap.SERVER_DOWN | ldap.TIMEOUT):
        setattr(request, DIRECTORY_DOWN_ATTRIBUTE, True)
    _errors.append(exception)


_errors: list[Exception] = []


def directory_down(request: HttpRequest) -> bool:
    return bool(getattr(request, DIRECTORY_DOWN_ATTRIBUTE, False))


def _community_sync(person: User, group_dns: set[str]) -> None:
    """Group → community membership (RUCHER_LDAP_COMMUNITY_GROUPS): the directory's groups
    decide the plain membership of the mapped communities."""
    from rucher.communities.models import Community
    from rucher.communities.services import membership_directory_sync

    mapping: dict[str, str] = getattr(settings, "RUCHER_LDAP_COMMUNITY_GROUPS", {}) or {}
    if not mapping:
        return
    communities = Community.objects.in_bulk(list(set(mapping.values())), field_name="slug")
    for dn, slug in mapping.items():
        community = communities.get(slug)
        if community is not None:
            membership_directory_sync(community=community, person=person, member=dn in group_dns)


ldap_error.connect(_directory_error, dispatch_uid="rucher-directory-error")


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap, with Rucher's people: a new person joins the welcome community, the
    account is marked as the directory's, and group memberships are synchronised at login."""

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[User, bool]:
        user, built = super().get_or_build_user(username, ldap_user)
        if built:
            user.auth_source = "ldap"
        return user, built

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not getattr(settings, "AUTH_LDAP_SERVER_URI", ""):
            return None
        person = super().authenticate(request, username=username, password=password, **kwargs)
        if not isinstance(person, User):
            return None
        ldap_user = getattr(person, "ldap_user")  # noqa: B009 - set by django-auth-ldap
        directory_signed_in(person=person, group_dns=set(ldap_user.group_dns))
        return person


@transaction.atomic
def directory_signed_in(*, person: User, group_dns: set[str]) -> None:
    """After an LDAP sign-in: a newcomer gets the welcome community (as every new person),
    and the mapped communities follow the directory's groups."""
    from rucher.actions.memberships import community_join
    from rucher.communities.models import Community, Membership

    if not Membership.objects.filter(person=person).exists():
        welcome = Community.objects.filter(default_role=Community.DefaultRole.WELCOME).first()
        if welcome is not None:
            community_join(person=person, community=welcome)
        audit_record(
            action="sso.person_created",
            actor=person,
            target=person.username,
            data={"method": "ldap"},
        )
    _community_sync(person, group_dns)


def directory_reachable() -> bool:
    """One bind with the service account: the nightly sync runs only when it succeeds (a
    directory that is down must never deactivate everyone)."""
    import ldap

    try:
        connection = ldap.initialize(getattr(settings, "AUTH_LDAP_SERVER_URI", ""))
        connection.set_option(ldap.OPT_NETWORK_TIMEOUT, 5)
        if getattr(settings, "AUTH_LDAP_START_TLS", False):
            connection.start_tls_s()
        connection.simple_bind_s(
            getattr(settings, "AUTH_LDAP_BIND_DN", ""),
            getattr(settings, "AUTH_LDAP_BIND_PASSWORD", ""),
        )
        connection.unbind_s()
    except ldap.LDAPError:
        return False
    return True


def directory_sync(*, usernames: list[str] | None = None) -> dict[str, int]:
    """The nightly job (and `rucher ldap_sync`): for each account that came from the
    directory, refresh its attributes and group memberships, and deactivate those the
    directory no longer lists (their content stays). Nothing happens when the directory
    cannot be reached."""
    from rucher.accounts.services import person_deactivate

    counts = {"updated": 0, "deactivated": 0, "skipped": 0}
    if not getattr(settings, "AUTH_LDAP_SERVER_URI", "") or not directory_reachable():
        counts["skipped"] = -1
        return counts
    people = User.objects.filter(auth_source="ldap", is_active=True).order_by("pk")
    if usernames is not None:
        people = people.filter(username__in=usernames)
    backend = DirectoryBackend()
    for person in people.iterator():
        _errors.clear()
        found = backend.populate_user(person.username)
        if _errors:
            counts["skipped"] += 1  # an error for this one: decide nothing about them
            continue
        if found is None:
            person_deactivate(person=person, reason="removed from the directory")
            counts["deactivated"] += 1
            continue
        _community_sync(found, set(getattr(found, "ldap_user").group_dns))  # noqa: B009
        counts["updated"] += 1
    return counts
