"""Demo toolbox: every demo community gets blog articles (with covers), forum topics with
replies and ideas in every status with votes.

Called by `rucher demo` after the demo content. Deterministic and idempotent: an article, topic
or idea is identified by its community and title; what exists is left alone. Written through
the services (so every row and counter is right) without notifications for invented activity.
"""

import io
import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from rucher.accounts.models import User
from rucher.communities.models import Community, Membership
from rucher.content import services as content
from rucher.content.models import Comment, Post, PostCommunity, PostKind
from rucher.toolbox import services
from rucher.toolbox.models import Article, Idea, IdeaStatus, Topic

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


def _members(community: Community) -> list[User]:
    rows = (
        Membership.objects.filter(
            community=community, status=Membership.Status.MEMBER, person__is_active=True
        )
        .select_related("person")
        .order_by("person__username")
    )
    return [row.person for row in rows]


def _manager(community: Community) -> User | None:
    row = (
        Membership.objects.filter(
            community=community,
            status=Membership.Status.MEMBER,
            role__in=Membership.MANAGING_ROLES,
            person__is_active=True,
        )
        .select_related("person")
        .order_by("role", "person__username")
        .first()
    )
    return row.person if row else None


def _age(post: Post, days: float) -> None:
    """Moves a demo post back in time, with its toolbox rows."""
    at = timezone.now() - timedelta(days=days)
    Post.objects.filter(pk=post.pk).update(created_at=at)
    PostCommunity.objects.filter(post=post).update(created_at=at)
    Article.objects.filter(post=post).update(published_at=at)
    Idea.objects.filter(post=post).update(created_at=at)
    Topic.objects.filter(post=post).update(last_activity_at=at)
    post.created_at = at


def _publish(author: User, community: Community, kind: str, title: str, body: str) -> Post | None:
    if Post.objects.filter(kind=kind, title=title, placements__community=community).exists():
        return None
    post = content.post_create(
        author=author, communities=[community], kind=kind, title=title, body=body
    )
    services.tool_rows_create(post=post, communities=[community])
    return post


@transaction.atomic
def demo_toolbox_load(seed: int = SEED) -> dict[str, Any]:
    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    created = {"articles": 0, "topics": 0, "ideas": 0, "rows": services.tool_rows_backfill()}
    for community in Community.objects.order_by("slug"):
        members = _members(community)
        manager = _manager(community)
        if len(members) < 3 or manager is None:
            continue
        for n, (title, body) in enumerate(ARTICLES):
            author = members[(n * 3 + 1) % len(members)]
            post = _publish(
                author,
                community,
                PostKind.ARTICLE,
                title.format(name=community.name),
                body.format(name=community.name),
            )
            if post is None:
                continue
            services.article_cover_set(actor=author, post=post, cover=_cover(rng))
            _age(post, days=20 - n * 7 + rng.random())
            created["articles"] += 1
        for n, (title, body, replies) in enumerate(TOPICS):
            author = members[(n * 5 + 2) % len(members)]
            post = _publish(author, community, PostKind.DISCUSSION, title, body)
            if post is None:
                continue
            _age(post, days=9 - n * 4 + rng.random())
            at = post.created_at
            for k, reply in enumerate(replies):
                replier = members[(n + k * 2 + 3) % len(members)]
                comment = content.comment_create(author=replier, post=post, body=reply)
                at += timedelta(hours=rng.randint(2, 30))
                Comment.objects.filter(pk=comment.pk).update(created_at=min(at, timezone.now()))
            services.topic_activity_refresh(post=post)
            created["topics"] += 1
        for n, (title, status, answer) in enumerate(IDEAS):
            author = members[(n * 2 + 1) % len(members)]
            post = _publish(
                author, community, PostKind.IDEA, title, f"{title} : qu’en pensez-vous ?"
            )
            if post is None:
                continue
            _age(post, days=30 - n * 5 + rng.random())
            voters = [m for m in members if m.pk != author.pk]
            for voter in rng.sample(voters, min(len(voters), rng.randint(1, 7))):
                services.idea_vote(person=voter, post=post)
            if status != IdeaStatus.NEW and manager.pk != author.pk:
                services.idea_status_set(actor=manager, post=post, status=status, answer=answer)
            created["ideas"] += 1
    return created
