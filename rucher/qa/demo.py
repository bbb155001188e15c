"""Demo questions: asked "in the past" in the demo communities that promise an answer time, in
every state the answer-time report tells apart — answered within the promise, answered late,
accepted, still overdue, and one still within its delay.

Called by `rucher demo` after the demo content. Deterministic (no randomness: every moment is a
number of working hours after a fixed local time N days ago) and idempotent (a question is
identified by its author and text; what exists is left alone, so a second run creates nothing).

Moments are consistent: Post.created_at, PostCommunity.created_at and Question.asked_at are the
same; due and routing times come from the qa service (question_open, from the calendar);
answers are dated a given number of working hours after the question (add_working_hours) and
recorded with answer_recorded. Earned reputation goes through the recognition services (an
accepted answer, likes on answers), so /experts/?tag=python ranks people. Like the demo content,
rows are written with the ORM: invented activity sends no notification, and questions whose
routing time has passed are marked routed, as the periodic job would have done then.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from rucher.accounts.models import User
from rucher.communities.models import Community, Membership
from rucher.communities.services import community_update
from rucher.content import demo as content_demo
from rucher.content.models import Comment, CommentLike, Post, PostCommunity, PostKind
from rucher.qa.calendar import add_working_hours, organisation_calendar
from rucher.qa.models import Question, RoutingStage
from rucher.qa.services import answer_recorded, question_open
from rucher.recognition.points import points_on_accept, points_on_comment_like
from rucher.recognition.services import reputation_on_accept, reputation_on_comment_like

# Promises given to demo communities that have none (only when no demo community makes one).
FALLBACK_PROMISES = {
    "communaute-python": 24,
    "data-ia": 24,
    "rh-managers": 24,
    "achats-responsables": 72,
}


@dataclass
class AnswerSpec:
    author: str
    body: str
    # Working hours after the question was asked.
    after_hours: float
    likers: tuple[str, ...] = ()
    accepted: bool = False


@dataclass
class QuestionSpec:
    author: str
    community: str
    title: str
    body: str
    # Asked this many days before today, at this local time (None: `minutes_ago` before now).
    days_ago: int
    at: time = time(10, 0)
    answers: tuple[AnswerSpec, ...] = field(default_factory=tuple)
    minutes_ago: int | None = None


QUESTIONS: list[QuestionSpec] = [
    # Answered within the promise (24 h), accepted, answers liked: thomas.girard knows Python.
    QuestionSpec(
        "hugo.fournier",
        "communaute-python",
        "Comment lancer un script Python chaque nuit sur le serveur partagé ?",
        "J'ai un script d'export qui doit tourner à 2 h du matin. Cron, tâche planifiée, "
        "autre chose ? #python",
        days_ago=9,
        answers=(
            AnswerSpec(
                "thomas.girard",
                "Un `systemd timer` : il journalise les sorties et rattrape une exécution "
                "manquée. Je te mets un exemple dans le wiki de la communauté.",
                after_hours=2.5,
                likers=("camille.martin", "emma.durand", "hugo.fournier"),
                accepted=True,
            ),
            AnswerSpec(
                "nathalie.garcia",
                "Un simple `cron` suffit aussi si tu rediriges la sortie vers un fichier.",
                after_hours=5,
                likers=("emma.durand",),
            ),
        ),
    ),
    # Answered late (after the 24 h promise), not accepted.
    QuestionSpec(
        "sarah.richard",
        "data-ia",
        "Lire un classeur Excel à plusieurs onglets avec pandas ?",
        "Le fichier de clôture mensuelle a un onglet par site. Comment tout charger d'un "
        "coup ? #python #excel",
        days_ago=16,
        answers=(
            AnswerSpec(
                "thomas.girard",
                "`pd.read_excel(fichier, sheet_name=None)` renvoie un dictionnaire "
                "onglet → tableau ; ensuite `pd.concat` avec `names=['site']`.",
                after_hours=31,
                likers=("mehdi.guerin", "sarah.richard"),
            ),
        ),
    ),
    # Answered late and accepted anyway.
    QuestionSpec(
        "theo.henry",
        "rh-managers",
        "Entretien annuel d'une personne recrutée il y a trois mois : quelle trame ?",
        "Faut-il déjà faire l'entretien complet, ou un point d'étape suffit-il ? #recrutement",
        days_ago=13,
        answers=(
            AnswerSpec(
                "isabelle.david",
                "Un point d'étape avec la trame « fin de période d'essai » : les objectifs "
                "annuels viendront au prochain cycle.",
                after_hours=29,
                likers=("theo.henry",),
                accepted=True,
            ),
        ),
    ),
    # Answered within the promise and accepted (a private community).
    QuestionSpec(
        "clara.leroy",
        "rh-managers",
        "Combien de temps une offre de recrutement reste-t-elle en interne ?",
        "Avant de publier à l'extérieur, quel est le délai de diffusion interne ? #recrutement",
        days_ago=6,
        at=time(14, 30),
        answers=(
            AnswerSpec(
                "lea.bernard",
                "Deux semaines en interne, sauf urgence validée par la direction.",
                after_hours=1.5,
                accepted=True,
            ),
        ),
    ),
    # Answered within the 72 h promise, accepted.
    QuestionSpec(
        "sarah.richard",
        "achats-responsables",
        "Quels critères RSE mettre dans nos appels d'offres ?",
        "Nous refaisons la grille d'évaluation des fournisseurs. Quels critères et quel "
        "poids leur donnez-vous ? #achats",
        days_ago=20,
        answers=(
            AnswerSpec(
                "pierre.bonnet",
                "20 % de la note : bilan carbone, part de sous-traitance locale et politique "
                "d'inclusion. On vérifie sur pièces pour les trois premiers.",
                after_hours=12,
                accepted=True,
            ),
        ),
    ),
    # Still overdue: nobody answered, the promise has passed.
    QuestionSpec(
        "emma.durand",
        "communaute-python",
        "Quelle bibliothèque pour générer des PDF en Python ?",
        "Il nous faut des bons de livraison en PDF, avec un logo et un tableau. #python",
        days_ago=8,
        at=time(11, 15),
    ),
    QuestionSpec(
        "pierre.bonnet",
        "achats-responsables",
        "Comment suivre les achats hors contrat-cadre dans Excel ?",
        "Je cherche un modèle de tableau de suivi simple, avec les catégories d'achats. "
        "#achats #excel",
        days_ago=18,
        at=time(16, 0),
    ),
    # Still within its delay: the routing job will take care of it.
    QuestionSpec(
        "julie.petit",
        "data-ia",
        "Power Query ou pandas pour consolider nos exports Excel ?",
        "Les équipes finance connaissent Excel, la DSI préfère Python. Qu'en pensez-vous ? "
        "#python #excel",
        days_ago=0,
        minutes_ago=45,
    ),
]


def _promises(people: dict[str, User], communities: dict[str, Community]) -> int:
    """Gives promises to a few demo communities, through the communities service, when no demo
    community makes one (the content demo normally does). Returns how many were set."""
    if any(c.answer_promise_hours for c in communities.values()):
        return 0
    owners = {spec.slug: spec.owner for spec in content_demo.COMMUNITIES}
    changed = 0
    for slug, hours in FALLBACK_PROMISES.items():
        community = communities.get(slug)
        owner = people.get(owners.get(slug, ""))
        if community is None or owner is None or community.answer_promise_hours:
            continue
        communities[slug] = community_update(
            actor=owner, community=community, changes={"answer_promise_hours": hours}
        )
        changed += 1
    return changed


def _asked_at(spec: QuestionSpec, now: datetime) -> datetime:
    if spec.minutes_ago is not None:
        return now - timedelta(minutes=spec.minutes_ago)
    tz = organisation_calendar().tz
    day = timezone.localtime(now, tz).date() - timedelta(days=spec.days_ago)
    return datetime.combine(day, spec.at, tzinfo=tz)


def _ensure_members(community: Community, people: list[User], touched: set[int]) -> bool:
    """Every writer belongs to the community (as in the demo content). False when one of them
    has a pending request or invitation: the question is then left out."""
    existing = dict(
        Membership.objects.filter(community=community, person__in=people).values_list(
            "person_id", "status"
        )
    )
    if any(status != Membership.Status.MEMBER for status in existing.values()):
        return False
    missing = [p for p in people if p.pk not in existing]
    if missing:
        Membership.objects.bulk_create(
            [
                Membership(
                    community=community,
                    person=p,
                    role=Membership.Role.MEMBER,
                    status=Membership.Status.MEMBER,
                )
                for p in missing
            ],
            ignore_conflicts=True,
        )
        touched.add(community.pk)
    return True


def _create(
    spec: QuestionSpec, people: dict[str, User], community: Community, now: datetime
) -> Question:
    calendar = organisation_calendar()
    asked_at = _asked_at(spec, now)
    html, hashtags = content_demo._render(spec.body)
    post = Post.objects.create(
        author=people[spec.author],
        kind=PostKind.QUESTION,
        title=spec.title,
        body=spec.body,
        body_html=html,
    )
    Post.objects.filter(pk=post.pk).update(created_at=asked_at)
    post.created_at = asked_at
    PostCommunity.objects.create(post=post, community=community, created_at=asked_at)
    post.tags.set(content_demo._tags(hashtags))
    question = question_open(post=post, communities=[community])
    accepted: Comment | None = None
    last = asked_at
    for answer in spec.answers:
        at = add_working_hours(asked_at, answer.after_hours, calendar)
        at = max(min(at, now - timedelta(minutes=1)), last + timedelta(minutes=1))
        last = at
        comment = Comment.objects.create(
            post=post,
            author=people[answer.author],
            body=answer.body,
            body_html=content_demo._render(answer.body)[0],
        )
        Comment.objects.filter(pk=comment.pk).update(created_at=at)
        comment.created_at = at
        answer_recorded(comment=comment, post=post)
        likers = [people[u] for u in answer.likers if u in people and u != answer.author]
        CommentLike.objects.bulk_create(
            [CommentLike(comment=comment, person=liker) for liker in likers]
        )
        for liker in likers:
            points_on_comment_like(comment=comment, liker_id=liker.pk, liked=True)
            reputation_on_comment_like(comment=comment, liker=liker, liked=True)
        Comment.objects.filter(pk=comment.pk).update(like_count=len(likers))
        if answer.accepted:
            accepted = comment
    Post.objects.filter(pk=post.pk).update(comment_count=len(spec.answers))
    question.refresh_from_db()
    fields: list[str] = []
    if accepted is not None:
        question.accepted_comment = accepted
        question.accepted_by = post.author
        question.accepted_at = last + timedelta(minutes=30)
        fields += ["accepted_comment", "accepted_by", "accepted_at"]
        points_on_accept(
            question_post=post, comment=accepted, accepted=True, accepted_by=post.author_id
        )
        reputation_on_accept(question_post=post, comment=accepted, accepted=True)
    # What the periodic job would have done by now (no notification for invented activity).
    stage = 0
    for moment, number in (
        (question.route_experts_at, RoutingStage.EXPERTS),
        (question.route_leaders_at, RoutingStage.LEADERS),
    ):
        answered_before = question.first_answer_at and question.first_answer_at <= (moment or now)
        if moment is not None and moment <= now and not answered_before:
            stage = number
    if stage:
        question.routed_stage = stage
        fields.append("routed_stage")
    if fields:
        question.save(update_fields=fields)
    return question


@transaction.atomic
def demo_questions_load() -> dict[str, Any]:
    """Creates the demo questions that are missing (safe to run again)."""
    people = {u.username: u for u in User.objects.filter(is_active=True)}
    slugs = {spec.community for spec in QUESTIONS} | set(FALLBACK_PROMISES)
    communities = {c.slug: c for c in Community.objects.filter(slug__in=slugs)}
    promises = _promises(people, communities)
    now = timezone.now()
    touched: set[int] = set()
    created = 0
    for spec in QUESTIONS:
        community = communities.get(spec.community)
        writers = [spec.author, *(a.author for a in spec.answers)]
        if community is None or not community.answer_promise_hours:
            continue
        if not all(w in people for w in writers):
            continue
        if Post.objects.filter(author=people[spec.author], body=spec.body).exists():
            continue
        if not _ensure_members(community, [people[w] for w in dict.fromkeys(writers)], touched):
            continue
        _create(spec, people, community, now)
        created += 1
    for community_id, n in (
        Membership.objects.filter(community__in=touched, status=Membership.Status.MEMBER)
        .values_list("community_id")
        .annotate(n=Count("id"))
        .values_list("community_id", "n")
    ):
        Community.objects.filter(pk=community_id).update(member_count=n)
    return {"questions": created, "promises": promises}
