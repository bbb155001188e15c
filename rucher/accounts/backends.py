"""Local password sign-in, which RUCHER_LOCAL_LOGIN=false keeps for the break-glass
administrators only (a way in when the identity provider is down or misconfigured)."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import QuerySet
from django.http import HttpRequest

from rucher.accounts.models import User
from rucher.core.prepared import prepared_instances


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


def _person(values: Mapping[str, Any]) -> QuerySet[User]:
    return User.objects.filter(pk=values["pk"])


def person_of_session(user_id: int) -> User | None:
    """The signed-in person, read on every request: one query compiled once per process
    (rucher.core.prepared; `User.objects.get` spent more time compiling than the database
    spent answering); the row goes through the same field converters."""
    found = prepared_instances(User, "person_of_session", _person, {"pk": int(user_id)})
    return found[0] if found else None


class LocalPasswordBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        person = person_of_session(user_id)
        return person if person is not None and self.user_can_authenticate(person) else None

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
