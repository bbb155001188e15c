"""Reads about earned skills (profile, expertise finder, routing) and first contributions.

What a viewer is shown of someone's earned skills counts only the evidence the viewer may read:
a skill's reputation is the sum of the person's reputation events whose post is in
`readable_posts(viewer)`, so a tag used only in a secret community, and the reputation earned
there, stay inside it (docs/decisions.md, "Earned skills count readable evidence only"). Routing
(`experts_for_tags`) is not shown to anyone and uses the stored totals.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Count,
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

from rucher.accounts.models import DeclaredSkill, User
from rucher.communities.models import Community
from rucher.content.access import readable_posts
from rucher.content.models import Comment, Post, PostCommunity
from rucher.core.pagination import Page, keyset_page
from rucher.core.text import normalise_tag
from rucher.recognition.models import ReputationEvent, SkillReputation


@dataclass
class EarnedSkill:
    name: str
    slug: str
    reputation: int


def readable_evidence(viewer: User) -> QuerySet[ReputationEvent]:
    """The reputation events whose evidence (the liked post, or the answered question) the
    viewer may read: the only ones a viewer's page may count or name a tag from."""
    return ReputationEvent.objects.filter(post__in=readable_posts(viewer))


def earned_skills(viewer: User, person: User, limit: int = 20) -> list[EarnedSkill]:
    """A person's earned skills as the viewer may see them, best first: only tags with evidence
    the viewer may read, each with the reputation that evidence gave (one query). A person sees
    all of their own (the stored totals)."""
    if viewer.pk == person.pk:
        own = (
            SkillReputation.objects.filter(person=person.pk, reputation__gt=0)
            .select_related("tag")
            .order_by("-reputation", "tag__slug")[:limit]
        )
        return [EarnedSkill(name=r.tag.name, slug=r.tag.slug, reputation=r.reputation) for r in own]
    rows = (
        readable_evidence(viewer)
        .filter(person=person.pk)
        .values("tag__slug", "tag__name")
        .annotate(reputation=Sum("points"))
        .order_by("-reputation", "tag__slug")[:limit]
    )
    return [
        EarnedSkill(name=r["tag__name"], slug=r["tag__slug"], reputation=r["reputation"])
        for r in rows
    ]


def top_skills(person: User, limit: int = 10) -> QuerySet[SkillReputation]:
    """A person's best earned skills, best first."""
    return top_skills_of(person.pk, limit)


def top_skills_of(person_id: int, limit: int = 10) -> QuerySet[SkillReputation]:
    """`top_skills` by the person's id (e.g. "questions I can answer", as a subquery of a
    query compiled once)."""
    return SkillReputation.objects.filter(person=person_id, reputation__gt=0).order_by(
        "-reputation", "tag__slug"
    )[:limit]


def top_skill_slugs(person: User, limit: int = 10) -> list[str]:
    """The slugs of a person's best earned skills."""
    return list(top_skills(person, limit).values_list("tag__slug", flat=True))


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


def experts_page(
    viewer: User, *, tag: str, cursor: str | None = None, limit: int = 24
) -> Page[User]:
    """Who knows about `tag`: people with earned reputation in it (counting only evidence the
    viewer may read), best first, then people who declared it as expertise (without
    reputation), by name. Each person has `reputation` and `declared` annotated. One query
    whatever the page size (plus one for declared skills)."""
    slug = normalise_tag(tag)
    evidence = readable_evidence(viewer).filter(tag__slug=slug)
    reputation = (
        evidence.filter(person=OuterRef("pk"))
        .values("person")
        .annotate(total=Sum("points"))
        .values("total")[:1]
    )
    declared = DeclaredSkill.objects.filter(person=OuterRef("pk"), slug=slug)
    with_reputation = evidence.values("person_id")
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
    limited to posts the viewer may read, each with who welcomed it: the first colleague who
    replied (`welcomer`, None while nobody has) and how many did (`welcome_count`). Three
    queries whatever the page size."""
    # A visible reply by someone other than the newcomer.
    welcomes = Comment.objects.filter(
        post=OuterRef("post_id"), hidden_at__isnull=True, author__isnull=False
    ).exclude(author=OuterRef("post__author"))
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
        .annotate(
            welcomer_id=Subquery(welcomes.order_by("created_at", "pk").values("author_id")[:1]),
            welcome_count=Coalesce(
                Subquery(
                    welcomes.order_by()
                    .values("post_id")
                    .annotate(n=Count("author_id", distinct=True))
                    .values("n")
                ),
                0,
            ),
        )
    )
    page = keyset_page(
        qs,
        keys=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
        scope=f"first-posts:{community.pk}",
    )
    welcomers = User.objects.in_bulk({p.welcomer_id for p in page.items if p.welcomer_id})
    for placement in page.items:
        placement.welcomer = welcomers.get(placement.welcomer_id)
    return page
