"""Test factories and personas (used by tests and benchmarks)."""

from typing import Any

import factory
from django.contrib.auth.hashers import make_password

from rucher.accounts.models import User

PASSWORD = "correct-horse-battery-staple"
# Argon2 is deliberately slow: hash once, reuse for every test person.
_PASSWORD_HASH: str | None = None


def password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = make_password(PASSWORD)
    return _PASSWORD_HASH


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n:04d}")
    password = factory.LazyFunction(password_hash)
    # Personas have accepted the current charter unless a test says otherwise.
    accepted_charter_version = 1_000_000

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return super()._create(model_class, *args, **kwargs)
