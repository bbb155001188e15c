"""Reads about earned skills (profile, expertise finder, routing) and first contributions.

The expertise finder shows people and a number, never content: a person's reputation is their
total across all communities (the number alone reveals no post, title or community), and any
content shown next to it must come through `readable_posts`.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from rucher.accounts.models import DeclaredSkill, User
from rucher.communities.models import Community
from rucher.content.access import readable_posts
from rucher.content.models import Post, PostCommunity
from rucher.core.pagination import Page, keyset_page
from rucher.core.text import normalise_tag
from rucher.recognition.models import SkillReputation


@dataclass
class EarnedSkill:
    name: str
    slug: str
    reputation: int


def earned_skills(person: User, limit: int = 20) -> list[EarnedSkill]:
    """A person's earned skills, best first (one query)."""
    rows = (
        SkillReputation.objects.filter(person=person, reputation__gt=0)
        .select_related("tag")
        .order_by("-reputation", "tag__slug")[:limit]
    )
    return [EarnedSkill(name=r.tag.name, slug=r.tag.slug, reputation=r.reputation) for r in rows]


def top_skill_slugs(person: User, limit: int = 10) -> list[str]:
    """The slugs of a person's best earned skills (e.g. "questions I can answer")."""
    return list(
        SkillReputation.objects.filter(person=person, reputation__gt=0)
        .order_by("-reputation", "tag__slug")
        .values_list("tag__slug", flat=True)[:limit]
    )


def experts_for_tags(
    tag_slugs: list[str], *, limit: int = 10, exclude_ids: Iterable[int] = ()
) -> list[tuple[int, int]]:
    """(person id, reputation summed over the tags) of the active people with the most earned
    reputation in these tags, best first (ties: lowest id). For routing questions."""
    slugs = sorted({normalise_tag(s) for s in tag_slugs if s and normalise_tag(s)})
    if not slugs:
        return []
    rows = (
        SkillReputation.objects.filter(
            tag__slug__in=slugs, reputation__gt=0, person__is_active=True
        )
        .exclude(person_id__in=list(exclude_ids))
        .values("person_id")
        .annotate(total=Sum("reputation"))
        .order_by("-total", "person_id")[:limit]
    )
    return [(row["person_id"], row["total"]) for row in rows]


def experts_page(*, tag: str, cursor: str | None = None, limit: int = 24) -> Page[User]:
    """Who knows about `tag`: people with earned reputation in it, best first, then people who
    declared it as expertise (without reputation), by name. Each person has `reputation` and
    `declared` annotated. One query whatever the page size (plus one for declared skills)."""
    slug = normalise_tag(tag)
    reputation = SkillReputation.objects.filter(
        person=OuterRef("pk"), tag__slug=slug, reputation__gt=0
    ).values("reputation")[:1]
    declared = DeclaredSkill.objects.filter(person=OuterRef("pk"), slug=slug)
    with_reputation = SkillReputation.objects.filter(tag__slug=slug, reputation__gt=0).values(
        "person_id"
    )
    declarers = DeclaredSkill.objects.filter(slug=slug).values("person_id")
    qs = (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=with_reputation) | Q(pk__in=declarers))
        .annotate(
            reputation=Coalesce(Subquery(reputation), Value(0), output_field=IntegerField()),
            declared=Exists(declared),
        )
        # Keyset keys all go one way: ascending on the negated reputation is best first.
        .annotate(rank=F("reputation") * -1)
        .prefetch_related("declared_skills")
    )
    return keyset_page(
        qs, keys=("rank", "sort_name", "id"), cursor=cursor, limit=limit, scope=f"experts:{slug}"
    )


# --- first contributions -------------------------------------------------------------------


def first_posts_page(
    viewer: User, community: Community, *, cursor: str | None = None, limit: int = 20
) -> Page[PostCommunity]:
    """Recent first posts (their author had posted nothing before) in a community, newest first,
    limited to posts the viewer may read. Two queries whatever the page size."""
    earlier = Post.objects.filter(author=OuterRef("post__author")).filter(
        Q(created_at__lt=OuterRef("post__created_at"))
        | Q(created_at=OuterRef("post__created_at"), pk__lt=OuterRef("post_id"))
    )
    qs = (
        PostCommunity.objects.filter(
            community=community,
            post__author__isnull=False,
            post__hidden_at__isnull=True,
            post__in=readable_posts(viewer),
        )
        .filter(~Exists(earlier))
        .select_related("post", "post__author")
    )
    return keyset_page(
        qs,
        keys=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
        scope=f"first-posts:{community.pk}",
    )
