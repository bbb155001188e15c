"""Demo toolbox: every demo community gets blog articles (with covers), forum topics with
replies and ideas in every status with votes.

Called by `rucher demo` after the demo content. Deterministic and idempotent: an article, topic
or idea is identified by its community and title; what exists is left alone. Written through
the ORM in bulk, like the demo content (its query count is bounded: tests/qa/test_demo.py),
with every denormalised counter set from the rows written and no notification for invented
activity; the points of accepted ideas go through the ledger.
"""

import io
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from rucher.accounts.models import User
from rucher.communities.models import Community, Membership
from rucher.content.models import Comment, Post, PostCommunity, PostKind
from rucher.core.markdown import render_markdown
from rucher.recognition import points
from rucher.recognition.models import PointsReason
from rucher.toolbox import services
from rucher.toolbox.models import Article, Idea, IdeaStatus, IdeaVote, Topic

SEED = 2026

ARTICLES = [
    (
        "Retour d’expérience : un an de {name}",
        "Il y a un an, nous lancions **{name}**. Voici ce que nous avons appris.\n\n"
        "## D’où nous partions\n\nQuelques passionnés, beaucoup de questions et aucun "
        "endroit pour les poser. Les réponses se perdaient dans les courriels.\n\n"
        "## Ce qui a marché\n\nRépondre vite aux premières questions, remercier "
        "publiquement, et tenir la promesse de délai de réponse. "
        + "Chaque contribution compte, même la plus petite. "
        * 30
        + "\n\n## Ce que nous changeons\n\nUn blog pour les retours d’expérience, un forum "
        "pour les discussions au long cours et une boîte à idées pour décider ensemble.\n\n"
        "## Et maintenant ?\n\nÀ vous : proposez une idée, ouvrez un sujet, écrivez un article.",
    ),
    (
        "Trois bonnes pratiques à partager",
        "Voici trois habitudes simples qui nous font gagner du temps chaque semaine.\n\n"
        "1. Chercher avant de demander.\n2. Donner le contexte.\n3. Marquer la bonne réponse.\n\n"
        "Et vous, quelles sont les vôtres ?",
    ),
]
TOPICS = [
    (
        "Quels outils utilisez-vous au quotidien ?",
        "Partagez vos outils préférés et pourquoi vous les aimez.",
        [
            "Pour ma part, un bon carnet et le wiki interne.",
            "Les modèles partagés, sans hésiter.",
            "Je découvre encore, merci pour les idées !",
        ],
    ),
    (
        "Organisons la prochaine rencontre",
        "Date, lieu, programme : qui est partant pour préparer la prochaine rencontre ?",
        ["Je peux réserver une salle à Lyon.", "Je m’occupe du programme."],
    ),
]
IDEAS = [
    ("Un parrain pour chaque nouveau membre", IdeaStatus.NEW, ""),
    (
        "Un atelier mensuel ouvert à tous",
        IdeaStatus.UNDER_STUDY,
        "Bonne idée : nous regardons les créneaux possibles avec les équipes.",
    ),
    (
        "Une foire aux questions en page d’accueil",
        IdeaStatus.ACCEPTED,
        "Adoptée ! Nous la mettons en place ce trimestre.",
    ),
    (
        "Publier le compte rendu de chaque réunion",
        IdeaStatus.DONE,
        "C’est fait : les comptes rendus sont dans le blog de la communauté.",
    ),
    (
        "Une réunion quotidienne de tous les membres",
        IdeaStatus.DECLINED,
        "Merci ! Trop lourd pour tous : nous préférons un point mensuel.",
    ),
]
COLOURS = [(243, 176, 61), (62, 142, 126), (90, 110, 190), (200, 90, 80), (120, 160, 70)]


def _cover(rng: random.Random) -> services.Cover:
    """A generated banner (no file shipped): bands of colour, re-encoded like an upload."""
    base = rng.choice(COLOURS)
    image = Image.new("RGB", (1600, 600), base)
    draw = ImageDraw.Draw(image)
    for n in range(8):
        shade = tuple(max(0, min(255, c + rng.randint(-60, 60))) for c in base)
        x = rng.randint(0, 1600)
        draw.ellipse((x - 300, 200 + n * 20, x + 300, 800 + n * 20), fill=shade)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return services.Cover(content=out.getvalue(), width=1600, height=600)


def _people(community_ids: list[int]) -> tuple[dict[int, list[User]], dict[int, User]]:
    """Each community's active members (by username) and its first manager (one query)."""
    members: dict[int, list[User]] = {pk: [] for pk in community_ids}
    managers: dict[int, User] = {}
    rows = (
        Membership.objects.filter(
            community_id__in=community_ids,
            status=Membership.Status.MEMBER,
            person__is_active=True,
        )
        .select_related("person")
        .order_by("community_id", "role", "person__username")
    )
    for row in rows:
        members[row.community_id].append(row.person)
        if row.role in Membership.MANAGING_ROLES:
            managers.setdefault(row.community_id, row.person)
    for people in members.values():
        people.sort(key=lambda person: person.username)
    # The default communities (welcome, help) are run by the administrators.
    administrator = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if administrator is not None:
        for community_id in community_ids:
            managers.setdefault(community_id, administrator)
    return members, managers


@dataclass
class _Plan:
    community: Community
    kind: str
    title: str
    body: str
    author: User
    at: datetime
    replies: list[tuple[User, str, datetime]] = field(default_factory=list)
    voters: list[User] = field(default_factory=list)
    status: str = IdeaStatus.NEW
    answer: str = ""
    manager: User | None = None


def _plans(rng: random.Random, communities: list[Community]) -> list[_Plan]:
    now = timezone.now()
    members, managers = _people([c.pk for c in communities])
    plans: list[_Plan] = []
    for community in communities:
        people, manager = members[community.pk], managers.get(community.pk)
        if len(people) < 3 or manager is None:
            continue
        for n, (title, body) in enumerate(ARTICLES):
            plans.append(
                _Plan(
                    community,
                    PostKind.ARTICLE,
                    title.format(name=community.name),
                    body.format(name=community.name),
                    people[(n * 3 + 1) % len(people)],
                    now - timedelta(days=20 - n * 7 + rng.random()),
                )
            )
        for n, (title, body, replies) in enumerate(TOPICS):
            at = now - timedelta(days=9 - n * 4 + rng.random())
            plan = _Plan(
                community, PostKind.DISCUSSION, title, body, people[(n * 5 + 2) % len(people)], at
            )
            for k, reply in enumerate(replies):
                at = min(at + timedelta(hours=rng.randint(2, 30)), now)
                plan.replies.append((people[(n + k * 2 + 3) % len(people)], reply, at))
            plans.append(plan)
        # Ideas come from members who do not answer them (no self-granted points).
        proposers = [m for m in people if m.pk != manager.pk] or people
        for n, (title, status, answer) in enumerate(IDEAS):
            author = proposers[(n * 2 + 1) % len(proposers)]
            voters = [m for m in people if m.pk != author.pk]
            plans.append(
                _Plan(
                    community,
                    PostKind.IDEA,
                    title,
                    f"{title} : qu’en pensez-vous ?",
                    author,
                    now - timedelta(days=30 - n * 5 + rng.random()),
                    voters=rng.sample(voters, min(len(voters), rng.randint(1, 7))),
                    # A manager never answers their own idea (no self-granted points).
                    status=status if manager.pk != author.pk else IdeaStatus.NEW,
                    answer=answer if manager.pk != author.pk else "",
                    manager=manager,
                )
            )
    return plans


@transaction.atomic
def demo_toolbox_load(seed: int = SEED) -> dict[str, Any]:
    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    backfilled = services.tool_rows_backfill()
    communities = list(Community.objects.order_by("slug"))
    existing = set(
        PostCommunity.objects.filter(
            post__kind__in=[PostKind.ARTICLE, PostKind.DISCUSSION, PostKind.IDEA]
        ).values_list("community_id", "post__kind", "post__title")
    )
    plans = [
        plan
        for plan in _plans(rng, communities)
        if (plan.community.pk, plan.kind, plan.title) not in existing
    ]
    posts = Post.objects.bulk_create(
        [
            Post(
                author=plan.author,
                kind=plan.kind,
                title=plan.title,
                body=plan.body,
                body_html=render_markdown(plan.body),
                comment_count=len(plan.replies),
            )
            for plan in plans
        ]
    )
    for plan, post in zip(plans, posts, strict=True):
        # auto_now_add wrote "now": the demo's history is spread over the past weeks.
        Post.objects.filter(pk=post.pk).update(created_at=plan.at)
        post.created_at = plan.at
    PostCommunity.objects.bulk_create(
        [
            PostCommunity(post=post, community=plan.community, created_at=plan.at)
            for plan, post in zip(plans, posts, strict=True)
        ]
    )
    pairs = list(zip(plans, posts, strict=True))
    Article.objects.bulk_create(
        [
            Article(post=post, community=plan.community, published_at=plan.at)
            for plan, post in pairs
            if plan.kind == PostKind.ARTICLE
        ]
    )
    Topic.objects.bulk_create(
        [
            Topic(
                post=post,
                community=plan.community,
                last_activity_at=plan.replies[-1][2] if plan.replies else plan.at,
                last_replier=plan.replies[-1][0] if plan.replies else None,
            )
            for plan, post in pairs
            if plan.kind == PostKind.DISCUSSION
        ]
    )
    comments = Comment.objects.bulk_create(
        [
            Comment(post=post, author=replier, body=text, body_html=render_markdown(text))
            for plan, post in pairs
            for replier, text, _at in plan.replies
        ]
    )
    times = [at for plan, _post in pairs for _replier, _text, at in plan.replies]
    for comment, at in zip(comments, times, strict=True):
        Comment.objects.filter(pk=comment.pk).update(created_at=at)
    Idea.objects.bulk_create(
        [
            Idea(
                post=post,
                community=plan.community,
                created_at=plan.at,
                status=plan.status,
                vote_count=len(plan.voters),
                answer=plan.answer,
                answer_html=render_markdown(plan.answer),
                answered_by=plan.manager if plan.answer else None,
                status_changed_at=plan.at + timedelta(days=3) if plan.answer else None,
            )
            for plan, post in pairs
            if plan.kind == PostKind.IDEA
        ]
    )
    IdeaVote.objects.bulk_create(
        [IdeaVote(post=post, person=voter) for plan, post in pairs for voter in plan.voters]
    )
    for plan, post in pairs:
        if plan.kind == PostKind.ARTICLE:
            services.article_cover_set(actor=plan.author, post=post, cover=_cover(rng))
        elif plan.status in services.IDEA_EARNING and plan.manager is not None:
            points.points_grant(
                person_id=plan.author.pk,
                reason=PointsReason.IDEA_ACCEPTED,
                key=f"idea:{post.pk}",
                actor_id=plan.manager.pk,
                post_id=post.pk,
            )
    kinds = [plan.kind for plan in plans]
    return {
        "articles": kinds.count(PostKind.ARTICLE),
        "topics": kinds.count(PostKind.DISCUSSION),
        "ideas": kinds.count(PostKind.IDEA),
        "rows": backfilled,
    }
