"""The only way to load a person by username: inactive or unknown people are 404 alike."""

from django.http import Http404

from rucher.accounts.models import Charter, User
from rucher.accounts.selectors import current_charter
from rucher.core.text import is_lookup_key


def access_person(viewer: User, username: str) -> User:
    if not viewer.is_authenticated or not viewer.is_active:
        raise Http404
    if not is_lookup_key(username, max_length=150):
        raise Http404
    person = (
        User.objects.filter(username=username, is_active=True)
        .select_related("manager")
        .prefetch_related("declared_skills")
        .first()
    )
    if person is None:
        raise Http404
    return person


def access_charter_publish(viewer: User) -> None:
    """Publishing a charter is for administrators only; others see it does not exist."""
    if not (viewer.is_authenticated and viewer.is_administrator):
        raise Http404


def access_current_charter(viewer: User) -> Charter | None:
    if not viewer.is_authenticated:
        raise Http404
    return current_charter()
