"""Reads about people: directory, profile, meet a colleague, checklist, charter."""

import random
from dataclasses import dataclass

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
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rucher.accounts.models import AccessToken, Charter, DeclaredSkill, Follow, User
from rucher.accounts.services import CURRENT_CHARTER_CACHE_KEY
from rucher.core.pagination import Page, keyset_page
from rucher.core.text import normalise_tag

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
    return User.objects.filter(is_active=True).prefetch_related("declared_skills")


def directory_page(
    *,
    viewer: User,
    q: str = "",
    department: str = "",
    site: str = "",
    skill: str = "",
    cursor: str | None = None,
    limit: int = 24,
) -> Page[User]:
    """People sorted by name; two queries whatever the page size (people, their skills).

    With a skill: the people who declared it or earned reputation in it, most reputation first
    (only reputation whose evidence the viewer may read, as on profiles), then by name."""
    qs = people_queryset().annotate(
        followed_by_me=Exists(Follow.objects.filter(follower=viewer.pk, followee=OuterRef("pk")))
    )
    q = q.strip()
    if q:
        for word in q.split()[:5]:
            qs = qs.filter(
                Q(sort_name__contains=word.casefold())
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
    if skill:
        from rucher.recognition.selectors import readable_evidence

        slug = normalise_tag(skill)
        evidence = readable_evidence(viewer).filter(tag__slug=slug)
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
        active = User.objects.filter(is_active=True)
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


def meet_colleague(viewer: User) -> User | None:
    """One colleague at random, preferring complete profiles and people not yet followed.

    Picks a random point in the id range and takes the next match: a few cheap indexed queries
    per preference tier, instead of ORDER BY RANDOM() over everyone.
    """
    everyone = User.objects.filter(is_active=True, meet_opt_out=False).exclude(pk=viewer.pk)
    not_followed = everyone.exclude(follower_links__follower=viewer)
    complete = {"profile_completeness__gte": COMPLETE_PROFILE_THRESHOLD}
    # Preferences, not exclusions: someone who follows everyone still meets a colleague.
    tiers = (not_followed.filter(**complete), not_followed, everyone.filter(**complete), everyone)
    for qs in tiers:
        bounds = qs.order_by("pk").values_list("pk", flat=True)
        first = bounds.first()
        if first is None:
            continue
        last = bounds.last() or first
        pivot = random.randint(first, last)
        person = qs.filter(pk__gte=pivot).order_by("pk").first()
        if person is not None:
            return person
    return None


@dataclass
class ChecklistItem:
    key: str
    label: str | Promise
    done: bool
    url_name: str


JOIN_GOAL = 3


def newcomer_checklist(person: User) -> list[ChecklistItem]:
    """The newcomer's next steps (F-PROFILE-COMPLETE): one small query beyond the person and
    their memberships (read once per request by the access functions)."""
    from rucher.content.access import member_community_ids
    from rucher.content.models import Post

    joined = len(member_community_ids(person))
    contributed = Post.objects.filter(author=person).exists()
    return [
        ChecklistItem(
            "charter", _("Accept the network charter"), charter_is_accepted(person), "charter"
        ),
        ChecklistItem("photo", _("Add a photo"), bool(person.photo), "profile_edit"),
        ChecklistItem(
            "profile",
            _("Complete your profile (%(pct)d%% or more)") % {"pct": COMPLETE_PROFILE_THRESHOLD},
            person.profile_completeness >= COMPLETE_PROFILE_THRESHOLD,
            "profile_edit",
        ),
        ChecklistItem("follow", _("Follow a colleague"), person.following_count > 0, "directory"),
        ChecklistItem(
            "communities",
            _("Join %(n)d communities") % {"n": JOIN_GOAL},
            joined >= JOIN_GOAL,
            "communities",
        ),
        ChecklistItem(
            "contribution", _("Make your first contribution"), contributed, "communities"
        ),
    ]


def tokens_for_person(person: User) -> QuerySet[AccessToken]:
    """A person's own API tokens, newest first (only prefixes: the secrets are not stored)."""
    return AccessToken.objects.filter(person=person)
