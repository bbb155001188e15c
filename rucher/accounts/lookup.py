"""Finding people by what a person types (reads shared by the services and the views)."""

from rucher.accounts.models import User
from rucher.core.text import is_lookup_key


def people_named(value: str, *, limit: int = 2) -> list[User]:
    """Active people a typed name designates: the one with this username, else those whose
    display name it is (case folded). At most `limit` (two tell "ambiguous")."""
    if not is_lookup_key(value, max_length=150):
        return []
    by_username = list(User.objects.filter(username=value, is_active=True)[:1])
    if by_username:
        return by_username
    return list(
        User.objects.filter(sort_name=value.casefold(), is_active=True).order_by("pk")[:limit]
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
