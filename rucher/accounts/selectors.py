"""Reads about people: directory, profile, meet a colleague, checklist, charter."""

from typing import Any

from django.core.cache import cache
from django.db.models import (
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from rucher.accounts.models import AccessToken, Charter, DeclaredSkill, Follow, User
from rucher.accounts.services import CURRENT_CHARTER_CACHE_KEY
from rucher.core.pagination import Page, keyset_page
from rucher.core.text import fold_name, normalise_tag

COMPLETE_PROFILE_THRESHOLD = 80


def current_charter() -> Charter | None:
    """The latest charter version, cached (publishing clears the cache)."""
    cached = cache.get(CURRENT_CHARTER_CACHE_KEY)
    if cached is not None:
        return cached or None
    charter = Charter.objects.order_by("-version").first()
    cache.set(CURRENT_CHARTER_CACHE_KEY, charter or False, timeout=300)
    return charter


def charter_is_accepted(person: User) -> bool:
    charter = current_charter()
    return charter is None or person.accepted_charter_version >= charter.version


def people_queryset() -> QuerySet[User]:
    return User.objects.filter(is_active=True, is_bot=False).prefetch_related("declared_skills")


def directory_page(
    *,
    viewer: User,
    q: str = "",
    department: str = "",
    site: str = "",
    skill: str = "",
    evidence: QuerySet[Any] | None = None,
    cursor: str | None = None,
    limit: int = 24,
) -> Page[User]:
    """People sorted by name; two queries whatever the page size (people, their skills).

    With a skill: the people who declared it or earned reputation in it, most reputation first
    (only reputation whose evidence the viewer may read, as on profiles), then by name.
    `evidence` is that reputation: rows with `person`, `tag` and `points`, i.e.
    `recognition.selectors.readable_evidence(viewer)`. The caller passes it because accounts
    sits below recognition and never imports it (the layers contract); without it, a skill
    finds only those who declared it."""
    qs = people_queryset().annotate(
        followed_by_me=Exists(Follow.objects.filter(follower=viewer.pk, followee=OuterRef("pk")))
    )
    q = q.strip()
    if q:
        for word in q.split()[:5]:
            qs = qs.filter(
                Q(sort_name__contains=fold_name(word))
                | Q(username__icontains=word)
                | Q(job_title__icontains=word)
                | Q(department__icontains=word)
                | Q(site__icontains=word)
                | Q(declared_skills__slug=normalise_tag(word))
            )
        qs = qs.distinct()
    if department:
        qs = qs.filter(department=department)
    if site:
        qs = qs.filter(site=site)
    keys: tuple[str, ...] = ("sort_name", "id")
    if skill and evidence is None:
        qs = qs.filter(declared_skills__slug=normalise_tag(skill))
    elif skill and evidence is not None:
        slug = normalise_tag(skill)
        evidence = evidence.filter(tag__slug=slug)
        reputation = (
            evidence.filter(person=OuterRef("pk"))
            .values("person")
            .annotate(total=Sum("points"))
            .values("total")[:1]
        )
        declared = DeclaredSkill.objects.filter(person=OuterRef("pk"), slug=slug)
        qs = (
            qs.filter(Exists(declared) | Q(pk__in=evidence.values("person_id")))
            .annotate(
                reputation=Coalesce(Subquery(reputation), Value(0), output_field=IntegerField())
            )
            # Keyset keys all go one way: ascending on the negated reputation is best first.
            .annotate(rank=F("reputation") * -1)
        )
        keys = ("rank", "sort_name", "id")
    scope = f"people:{q}:{department}:{site}:{normalise_tag(skill)}"
    return keyset_page(qs, keys=keys, cursor=cursor, limit=limit, scope=scope)


def directory_facets() -> dict[str, list[str]]:
    """Departments and sites for the filters, cached briefly (a handful of distinct values)."""
    facets = cache.get("rucher:directory:facets")
    if facets is None:
        active = User.objects.filter(is_active=True, is_bot=False)
        facets = {
            "departments": sorted(
                d for d in active.values_list("department", flat=True).distinct() if d
            ),
            "sites": sorted(s for s in active.values_list("site", flat=True).distinct() if s),
        }
        cache.set("rucher:directory:facets", facets, timeout=300)
    return facets


def is_following(viewer: User, person: User) -> bool:
    return Follow.objects.filter(follower=viewer, followee=person).exists()


def tokens_for_person(person: User) -> QuerySet[AccessToken]:
    """A person's own API tokens, newest first (only prefixes: the secrets are not stored)."""
    return AccessToken.objects.filter(person=person)


def all_tokens_page(*, cursor: str | None, limit: int) -> Page[AccessToken]:
    """Every personal token of the organisation, newest first (administrators)."""
    return keyset_page(
        AccessToken.objects.select_related("person"),
        keys=("-id",),
        cursor=cursor,
        limit=limit,
        scope="all-tokens",
    )
