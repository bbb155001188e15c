"""Local password sign-in, which RUCHER_LOCAL_LOGIN=false keeps for the break-glass
administrators only (a way in when the identity provider is down or misconfigured)."""

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from rucher.accounts.models import User


def break_glass(person: User) -> bool:
    """An administrator allowed to use a password when local sign-in is off: those listed in
    RUCHER_BREAK_GLASS_ADMINS, or every superuser when the list is empty."""
    if not person.is_superuser:
        return False
    listed = {
        name.strip().lower()
        for name in str(settings.RUCHER_BREAK_GLASS_ADMINS or "").split(",")
        if name.strip()
    }
    return not listed or person.username.lower() in listed


def local_login_allowed(person: User) -> bool:
    return bool(settings.RUCHER_LOCAL_LOGIN) or break_glass(person)


class LocalPasswordBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        person = super().authenticate(request, username=username, password=password, **kwargs)
        if isinstance(person, User) and not local_login_allowed(person):
            return None
        return person
