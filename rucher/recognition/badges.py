"""Badges (F-BADGES): milestones evaluated on events, each awarded once, notified, shown on the
profile with the date and why.

`badges_check_enqueue(person_id=…)` is the entry point: the points ledger calls it after each
grant and community roles after a change; it schedules (after commit) `badges_check`, which
evaluates every rule the person does not hold yet. Each rule is one small indexed query on the
person's own rows (their posts, comments, likes on them, memberships, earned skills, thanks), so
a check costs a few milliseconds whatever the size of the organisation, and a person who holds
every badge costs a single query.

A badge is awarded at most once (per tag for "helpful in X"): the unique constraints of
`BadgeAward` settle concurrent checks, and the notification key "badge:<code>[:<tag id>]" makes
the announcement idempotent too. Nothing in a badge names a post or a community (a badge is
public on the profile; the ambassador badge does not say where), only a tag for tag badges,
which the profile's earned skills show already.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rucher.accounts.models import User
from rucher.communities.models import Membership
from rucher.content.models import Comment, CommentLike, Post, PostKind, PostLike
from rucher.notifications.models import Notification
from rucher.notifications.services import notify
from rucher.recognition.models import BadgeAward, Kudos, SkillReputation

# Thresholds (documented in the "why" texts below).
LIKES_FEW = 10
LIKES_MANY = 100
STREAK_DAYS = 7
HELPFUL_REPUTATION = 10


@dataclass(frozen=True)
class Badge:
    code: str
    name: Promise
    # Why it was earned; "%(tag)s" is the tag's name for tag badges.
    why: Promise
    icon: str = ""
    per_tag: bool = False

    def label(self, tag: str | None = None) -> str:
        return str(self.name) % {"tag": tag or ""} if self.per_tag else str(self.name)

    def reason(self, tag: str | None = None) -> str:
        return str(self.why) % {"tag": tag or ""} if self.per_tag else str(self.why)


_ALL = [
    Badge("first_post", _("First post"), _("Published a first post."), "✍️"),
    Badge("first_question", _("First question"), _("Asked a first question."), "❓"),
    Badge("first_answer", _("First answer"), _("Answered a colleague's question."), "💬"),
    Badge(
        "first_accepted_answer",
        _("First accepted answer"),
        _("Gave an answer that the asker accepted."),
        "✅",
    ),
    Badge("likes_10", _("10 likes"), _("Received 10 likes from colleagues."), "👍"),
    Badge("likes_100", _("100 likes"), _("Received 100 likes from colleagues."), "🌟"),
    Badge(
        "streak_7",
        _("7-day streak"),
        _("Contributed (posted, asked, answered or commented) on 7 days in a row."),
        "🔥",
    ),
    Badge(
        "ambassador",
        _("Ambassador"),
        _("Welcomes and leads the conversation as an ambassador."),
        "🐝",
    ),
    Badge(
        "helpful",
        _("Helpful in %(tag)s"),
        _("Earned 10 points of reputation in %(tag)s from colleagues' likes and accepted answers."),
        "🏅",
        per_tag=True,
    ),
    Badge("first_thanks", _("First thanks"), _("Was publicly thanked by a colleague."), "🙏"),
]
BADGES: dict[str, Badge] = {badge.code: badge for badge in _ALL}


@dataclass
class Award:
    """A badge a rule found earned (not yet stored)."""

    code: str
    tag_id: int | None = None
    tag_name: str = ""
    data: dict[str, object] = field(default_factory=dict)


@dataclass
class EarnedBadge:
    """A badge as shown on the profile and in the API."""

    code: str
    name: str
    why: str
    icon: str
    tag: str | None
    tag_slug: str | None
    awarded_at: datetime


def org_timezone() -> tzinfo:
    """The organisation's time zone (settings.TIME_ZONE), whatever the reader's."""
    return timezone.get_default_timezone()


# --- rules ---------------------------------------------------------------------------------
# Each takes the person and the time of the check and returns the awards it finds; a rule only
# runs when the person lacks its badge (see badges_check).


def _first_post(person: User, now: datetime) -> list[Award]:
    # Index post_by_author; questions and thanks have their own badges.
    found = (
        Post.objects.filter(author=person.pk, hidden_at__isnull=True)
        .exclude(kind__in=[PostKind.QUESTION, PostKind.KUDOS])
        .exists()
    )
    return [Award("first_post")] if found else []


def _first_question(person: User, now: datetime) -> list[Award]:
    found = Post.objects.filter(
        author=person.pk, hidden_at__isnull=True, kind=PostKind.QUESTION
    ).exists()
    return [Award("first_question")] if found else []


def _first_answer(person: User, now: datetime) -> list[Award]:
    # Index on comment.author; an answer is a top-level comment on someone else's question.
    found = (
        Comment.objects.filter(
            author=person.pk,
            parent__isnull=True,
            hidden_at__isnull=True,
            post__kind=PostKind.QUESTION,
        )
        .exclude(post__author=person.pk)
        .exists()
    )
    return [Award("first_answer")] if found else []


def _no_award(person: User, now: datetime) -> list[Award]:
    return []


def likes_received(person_id: int, *, cap: int) -> int:
    """Likes by others on the person's posts and comments, counted up to `cap` only (two
    bounded COUNTs on the author indexes, whatever their popularity)."""
    on_posts = (
        PostLike.objects.filter(post__author=person_id)
        .exclude(person=person_id)
        .values("pk")[:cap]
        .count()
    )
    if on_posts >= cap:
        return on_posts
    on_comments = (
        CommentLike.objects.filter(comment__author=person_id)
        .exclude(person=person_id)
        .values("pk")[: cap - on_posts]
        .count()
    )
    return on_posts + on_comments


def _likes(person: User, now: datetime, *, held: set[str]) -> list[Award]:
    cap = LIKES_FEW if "likes_100" in held else LIKES_MANY
    count = likes_received(person.pk, cap=cap)
    awards = []
    if count >= LIKES_FEW and "likes_10" not in held:
        awards.append(Award("likes_10", data={"likes": LIKES_FEW}))
    if count >= LIKES_MANY and "likes_100" not in held:
        awards.append(Award("likes_100", data={"likes": LIKES_MANY}))
    return awards


def contribution_days(person_id: int, *, since: datetime, until: datetime) -> set[date]:
    """The days (organisation time zone) on which the person posted or commented."""
    tz = org_timezone()
    window = {"author": person_id, "created_at__gte": since, "created_at__lte": until}
    days: set[date] = set()
    for qs in (Post.objects.filter(**window), Comment.objects.filter(**window)):
        days.update(
            qs.annotate(day=TruncDate("created_at", tzinfo=tz))
            .order_by()
            .values_list("day", flat=True)
            .distinct()
        )
    return days


def has_streak(days: Iterable[date], length: int = STREAK_DAYS) -> bool:
    ordered = sorted(set(days))
    run = 0
    previous: date | None = None
    for day in ordered:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        if run >= length:
            return True
        previous = day
    return False


def _streak(person: User, now: datetime) -> list[Award]:
    # A window of 2 × 7 − 1 days finds any streak that ended in the last 7 days, so a check run
    # late (a busy worker, a retry after midnight) still sees the streak that triggered it.
    tz = org_timezone()
    today = timezone.localtime(now, tz).date()
    first_day = today - timedelta(days=2 * STREAK_DAYS - 2)
    since = datetime.combine(first_day, time.min, tzinfo=tz)
    days = contribution_days(person.pk, since=since, until=now)
    return [Award("streak_7", data={"days": STREAK_DAYS})] if has_streak(days) else []


def _ambassador(person: User, now: datetime) -> list[Award]:
    # Index membership_by_person (person, status). Which community stays unsaid (it may be
    # secret); the organisation-wide "network ambassador" flag counts too.
    found = person.is_ambassador or (
        Membership.objects.filter(
            person=person.pk, status=Membership.Status.MEMBER, role=Membership.Role.AMBASSADOR
        ).exists()
    )
    return [Award("ambassador")] if found else []


def _helpful(person: User, now: datetime, *, held_tags: set[int]) -> list[Award]:
    # Index skill_by_person (person, -reputation): only the person's best tags are read.
    rows = (
        SkillReputation.objects.filter(person=person.pk, reputation__gte=HELPFUL_REPUTATION)
        .exclude(tag_id__in=held_tags)
        .values_list("tag_id", "tag__name", "reputation")
    )
    return [
        Award("helpful", tag_id=tag_id, tag_name=name, data={"reputation": HELPFUL_REPUTATION})
        for tag_id, name, _reputation in rows
    ]


def _first_thanks(person: User, now: datetime) -> list[Award]:
    found = Kudos.objects.filter(receiver=person.pk, post__hidden_at__isnull=True).exists()
    return [Award("first_thanks")] if found else []


_SIMPLE_RULES: dict[str, Callable[[User, datetime], list[Award]]] = {
    "first_post": _first_post,
    "first_question": _first_question,
    "first_answer": _first_answer,
    # Acceptance is rucher.qa's, above this app: it registers the rule (badge_rule_set).
    "first_accepted_answer": _no_award,
    "streak_7": _streak,
    "ambassador": _ambassador,
    "first_thanks": _first_thanks,
}


def badge_rule_set(code: str, rule: Callable[[User, datetime], list[Award]]) -> None:
    """For the apps above recognition whose facts earn a badge (rucher.qa's accepted answers),
    from their AppConfig.ready(): the rule keeps its place in the evaluation order."""
    if code not in _SIMPLE_RULES:
        raise ValueError(f"unknown badge rule {code!r}")
    _SIMPLE_RULES[code] = rule


# --- checking and awarding -----------------------------------------------------------------


def badges_check_enqueue(*, person_id: int) -> None:
    """Schedules (on commit) the evaluation of every badge rule for one person. Called by the
    points ledger after each grant and by role changes."""
    from rucher.recognition import tasks  # the tasks module imports this one

    transaction.on_commit(lambda: tasks.badges_check_task.enqueue(person_id))


def badges_check(*, person_id: int, now: datetime | None = None) -> list[BadgeAward]:
    """Evaluates every rule the person does not hold yet and awards (and notifies) what they
    earned. Idempotent and retry-safe: returns only the badges awarded by this call."""
    now = now or timezone.now()
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if person is None:
        return []
    held_rows = list(BadgeAward.objects.filter(person=person_id).values_list("badge", "tag_id"))
    held = {code for code, tag_id in held_rows if tag_id is None}
    held_tags = {tag_id for code, tag_id in held_rows if code == "helpful" and tag_id}
    found: list[Award] = []
    for code, rule in _SIMPLE_RULES.items():
        if code not in held:
            found.extend(rule(person, now))
    if not {"likes_10", "likes_100"} <= held:
        found.extend(_likes(person, now, held=held))
    found.extend(_helpful(person, now, held_tags=held_tags))
    return [award for award in (_award(person, a, now) for a in found) if award is not None]


@transaction.atomic
def _award(person: User, award: Award, now: datetime) -> BadgeAward | None:
    row = BadgeAward(
        person=person, badge=award.code, tag_id=award.tag_id, data=award.data, awarded_at=now
    )
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return None  # awarded meanwhile by a concurrent check
    key = f"badge:{award.code}" + (f":{award.tag_id}" if award.tag_id else "")
    notify(
        recipient_ids=[person.pk],
        kind=Notification.Kind.BADGE,
        key=key,
        data={"badge": award.code, "tag": award.tag_name, "username": person.username},
    )
    return row


def badge_label(code: str, tag: str | None = None) -> str:
    """The badge's name in the current language (its code if it left the registry)."""
    badge = BADGES.get(code)
    return badge.label(tag) if badge else code


def person_badges(viewer: User, person: User | int, *, limit: int = 100) -> list[EarnedBadge]:
    """A person's badges as the viewer may see them, newest first, with their name and why
    (one query). A tag badge is shown only where the viewer may read some of the evidence of
    the person's reputation in that tag (rucher.recognition.selectors, earned skills): a tag
    of a secret community never shows outside it. A person sees all of their own."""
    from rucher.recognition.selectors import readable_evidence

    person_id = person if isinstance(person, int) else person.pk
    awards = BadgeAward.objects.filter(person=person_id)
    if viewer.pk != person_id:
        evidence = readable_evidence(viewer).filter(person=person_id, tag=OuterRef("tag"))
        awards = awards.filter(Q(tag__isnull=True) | Exists(evidence))
    rows = awards.select_related("tag").order_by("-awarded_at", "-id")[:limit]
    earned = []
    for row in rows:
        badge = BADGES.get(row.badge)
        if badge is None:
            continue
        tag = row.tag.name if row.tag else None
        earned.append(
            EarnedBadge(
                code=row.badge,
                name=badge.label(tag),
                why=badge.reason(tag),
                icon=badge.icon,
                tag=tag,
                tag_slug=row.tag.slug if row.tag else None,
                awarded_at=row.awarded_at,
            )
        )
    return earned
