"""Finding people by what a person types (reads shared by the services and the views)."""

from typing import Any

from django.db.models import Q
from django.urls import reverse_lazy

from rucher.accounts.models import User
from rucher.core.text import fold_name, is_lookup_key


def people_named(value: str, *, limit: int = 2) -> list[User]:
    """Active people a typed name designates: the one with this username, else those whose
    display name it is (case folded). At most `limit` (two tell "ambiguous")."""
    if not is_lookup_key(value, max_length=150):
        return []
    by_username = list(User.objects.filter(username=value, is_active=True)[:1])
    if by_username:
        return by_username
    return list(
        User.objects.filter(sort_name=fold_name(value), is_active=True).order_by("pk")[:limit]
    )


def reports_to(person: User, boss: User, *, depth: int = 50) -> bool:
    """Whether `person` reports to `boss`, directly or through their managers (a bounded walk
    up the chain: a chain already broken by a cycle ends)."""
    seen: set[int] = set()
    current = person.manager_id
    while current is not None and current not in seen and len(seen) < depth:
        if current == boss.pk:
            return True
        seen.add(current)
        current = User.objects.filter(pk=current).values_list("manager_id", flat=True).first()
    return False


# The people picker: how many suggestions a typed name brings.
SUGGESTIONS = 8


def people_suggested(typed: str, *, limit: int = SUGGESTIONS) -> list[User]:
    """Active people whose name (case and accents folded) or username contains every typed
    word, by name: the suggestions of a people picker (one query)."""
    words = typed.strip().lstrip("@").split()[:4]
    if not words or not is_lookup_key(" ".join(words), max_length=150):
        return []
    qs = User.objects.filter(is_active=True, is_bot=False)
    for word in words:
        qs = qs.filter(Q(sort_name__contains=fold_name(word)) | Q(username__icontains=word))
    return list(qs.order_by("sort_name", "id")[:limit])


def people_picker_attrs(list_id: str) -> dict[str, Any]:
    """Widget attributes of a people picker: a plain name field (resolved server-side by
    `people_named`), whose suggestions htmx loads into a <datalist> as the person types."""
    return {
        "list": list_id,
        "autocomplete": "off",
        "hx-get": reverse_lazy("people_suggest"),
        "hx-trigger": "input changed delay:300ms",
        "hx-target": f"#{list_id}",
        "hx-swap": "innerHTML",
    }
