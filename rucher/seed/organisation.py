"""`rucher seed`: builds a realistic organisation at scale, for benchmarks (issue 7).

Shape (all drawn from one `random.Random(seed)`: the same plan and seed give the same
organisation; only the times move with the day of the run):
- people: activity follows the 90/9/1 rule. Each person has a rank; the weight to author posts
  is 1/rank^1.1, and three quarters of the people outside the top 10 % never post (readers:
  they like, and now and then comment). Names, departments, sites and profiles come from
  `rucher.seed.corpus`; 2 % have left (inactive). Half declare skills.
- communities: popularity 1/rank (a few big ones, many small); 70 % open, 20 % private, 10 %
  secret; a third promise an answer time. Each person is a member of 5 to 40 of them (Pareto,
  drawn by popularity); the most active members own and manage them. Private communities have
  a few pending requests, secret ones a few invitations.
- follows: Pareto-distributed, towards the people who post most.
- posts, spread over `days` before now in id order: their author first (by activity), then one
  of the author's communities (8 % cross-posted to a second), a kind (post, question, article,
  discussion, idea, announcement by managers only), French or English text, 0 to 3 tags.
  Comments and likes are spread over posts by a log-normal "engagement" (a few threads with
  dozens of comments, many with none), written by members of the post's community; a third of
  the comments are replies to a top-level one; likes are unique and never one's own.
- questions: their due time from the communities' promises (as `rucher.qa` computes it), the
  first answer (first top-level comment by someone else), about half of the answered ones
  accepted by the asker; routing stages already past are marked as done (a worker started on
  a seeded database does not route thousands of old questions).
- points ledger (`PointsEntry`): the grants `rucher.recognition.points` would have recorded
  for that history (post or question, comment or answer, like received, accepted answer, first
  contribution; nothing for announcements), with its keys, values, daily caps and pair caps
  (the administrators' `PointsValue` rows included). `PersonScore.total` is each person's sum.
  Earned skills: one `ReputationEvent` per tag for each like on a tagged post, like on an
  answer and accepted answer (the values of `rucher.recognition.services`), and
  `SkillReputation` their sums.
- every denormalised counter (like_count, comment_count, member_count, follower_count,
  following_count, profile_completeness, scores, reputation) is computed while generating:
  rows are written once, already consistent.

Streaming: people, communities, memberships and follows are small and built in memory; content
is generated and written `chunk` posts at a time (posts with their placements, tags, comments,
question states, likes, ledger rows and reputation events), one transaction per chunk, with
`COPY` on PostgreSQL and batched INSERTs on SQLite. Primary keys are allocated by the seed from
the tables' current maximum (run it while nothing else writes), and PostgreSQL's sequences are
moved past them at the end.

Safety: the seed refuses a database holding anything but the demo organisation (`rucher demo`)
unless `append=True`: a second run then adds a second, independent organisation slice (new
people, communities and content; nothing is changed or deleted). Each run is recorded in the
audit log (action `seed.run`, with its plan and row counts). An interrupted run leaves the
chunks already committed, without their scores and earned-skill totals: start again from a
fresh database.
"""

import functools
import itertools
import json
import math
import queue
import random
import threading
import time
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from rucher.accounts.demo import ADMIN_USERNAME, demo_people
from rucher.accounts.models import DeclaredSkill, Follow, User
from rucher.accounts.selectors import current_charter
from rucher.accounts.services import compute_completeness
from rucher.communities.models import Community, Membership
from rucher.content.models import Comment, CommentLike, Post, PostCommunity, PostKind, PostLike, Tag
from rucher.core.audit import audit_record
from rucher.core.models import AuditEvent
from rucher.core.text import fold_name, normalise_tag
from rucher.qa.calendar import organisation_calendar
from rucher.qa.models import Question
from rucher.qa.services import schedule_for
from rucher.recognition.models import (
    PeriodScore,
    PersonScore,
    PointsEntry,
    PointsReason,
    ReputationEvent,
    SkillReputation,
)
from rucher.recognition.periods import period_scores_rebuild
from rucher.recognition.points import POST_REASONS, pair_daily_cap, points_rules
from rucher.seed import corpus
from rucher.seed.progress import Progress
from rucher.seed.writer import Sink, Table, utc_text
from rucher.toolbox.models import Article, Idea, Topic
from rucher.toolbox.services import tool_rows_backfill

SEED_ACTION = "seed.run"
# Bumped when the same plan and seed would give different rows: `make bench` then reseeds.
SEED_FORMAT = 1
SEED_PASSWORD = "rucher-seed"
# Comments and likes per post when the plan does not say (the target: 3 and 5 per post).
COMMENTS_PER_POST = 3
LIKES_PER_POST = 5
# Share of the likes that go to posts (the rest to comments).
POST_LIKE_SHARE = 0.7
# The bench's home viewer is a member of this many communities (or of all, when fewer).
VIEWER_COMMUNITIES = 20
# At least one thread this long (when the plan has the comments for it): the bench reads it.
LONG_THREAD = 50

# Earned-skill values: those of rucher.recognition.services (imported there, kept in sync).
REPUTATION_LIKE_POST = 1
REPUTATION_LIKE_ANSWER = 2
REPUTATION_ACCEPTED = 5

KIND_WEIGHTS = [
    (PostKind.POST, 55),
    (PostKind.QUESTION, 15),
    (PostKind.DISCUSSION, 10),
    (PostKind.ARTICLE, 8),
    (PostKind.IDEA, 7),
    (PostKind.ANNOUNCEMENT, 5),
]
# Engagement multiplier by kind: announcements and articles draw more reactions.
KIND_ENGAGEMENT = {
    PostKind.POST: 1.0,
    PostKind.QUESTION: 1.3,
    PostKind.DISCUSSION: 1.4,
    PostKind.ARTICLE: 1.5,
    PostKind.IDEA: 1.1,
    PostKind.ANNOUNCEMENT: 2.0,
}
DAY = 86_400.0
# Labels of the report's lines that are not tables.
GENERATION = "(generating rows, beside the writes)"


Batches = list[tuple[Table, list[tuple[object, ...]]]]


class SeedRefused(Exception):
    """The database holds more than the demo organisation and `append` was not given."""


@dataclass(frozen=True)
class SeedPlan:
    people: int = 300
    communities: int = 25
    posts: int = 5_000
    comments: int | None = None
    likes: int | None = None
    seed: int = 1
    # Content is spread over this many days before the run.
    days: int = 730
    # Posts generated and written per transaction.
    chunk: int = 2_000

    def __post_init__(self) -> None:
        if self.people < 2 or self.communities < 1 or self.posts < 0 or self.chunk < 1:
            raise ValueError("A seed needs at least 2 people, 1 community and 0 posts.")
        if (self.comments or 0) < 0 or (self.likes or 0) < 0 or self.days < 1:
            raise ValueError("Comments, likes and days cannot be negative.")

    @property
    def comment_total(self) -> int:
        return COMMENTS_PER_POST * self.posts if self.comments is None else self.comments

    @property
    def like_total(self) -> int:
        return LIKES_PER_POST * self.posts if self.likes is None else self.likes


@dataclass
class SeedReport:
    plan: SeedPlan
    vendor: str
    viewer: str
    total_seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        return {
            "plan": asdict(self.plan),
            "format": SEED_FORMAT,
            "vendor": self.vendor,
            "viewer": self.viewer,
            "total_seconds": round(self.total_seconds, 2),
            "rows": dict(self.rows),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


# --- guard -------------------------------------------------------------------------------------


def demo_usernames() -> set[str]:
    return {ADMIN_USERNAME, *(str(p["username"]) for p in demo_people())}


def existing_data() -> dict[str, int]:
    """What the database holds beyond the demo organisation (zeros: safe to seed)."""
    return {
        "people beyond the demo": User.objects.exclude(username__in=demo_usernames()).count(),
        "earlier seed run(s)": AuditEvent.objects.filter(action=SEED_ACTION).count(),
    }


def check_database(*, append: bool) -> None:
    found = {name: count for name, count in existing_data().items() if count}
    if found and not append:
        details = ", ".join(f"{count:,} {name}" for name, count in found.items())
        raise SeedRefused(
            f"This database already holds more than the demo organisation ({details}). "
            "Seed a fresh database, or pass --append to add another organisation slice "
            "(nothing is ever deleted)."
        )


# --- helpers -------------------------------------------------------------------------------------


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _distinct(
    rng: random.Random,
    pool: Sequence[int],
    cum: Sequence[float],
    count: int,
    exclude: int,
) -> list[int]:
    """`count` distinct members of `pool` (by weight), never `exclude`; fewer if the pool is
    too small."""
    # `exclude` (the author) is a member of the pool whenever it is a person.
    count = min(count, len(pool) - 1 if exclude >= 0 else len(pool))
    if count <= 0:
        return []
    if count * 2 > len(pool):
        candidates = [p for p in pool if p != exclude]
        return rng.sample(candidates, min(count, len(candidates)))
    chosen: dict[int, None] = {}
    for _round in range(12):
        for person in rng.choices(pool, cum_weights=cum, k=(count - len(chosen)) * 2 + 2):
            if person != exclude and person not in chosen:
                chosen[person] = None
                if len(chosen) == count:
                    return list(chosen)
    rest = [p for p in pool if p != exclude and p not in chosen]
    chosen.update(dict.fromkeys(rng.sample(rest, min(count - len(chosen), len(rest)))))
    return list(chosen)


def _html(paragraphs: Sequence[str]) -> str:
    """What `render_rich_text` gives for plain paragraphs (the corpus has no Markdown)."""
    return "".join(
        "<p>" + p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>\n"
        for p in paragraphs
    )


@functools.cache
def _password_hash() -> str:
    """Argon2 is slow on purpose: one hash for every seeded person (and every run)."""
    from django.contrib.auth.hashers import make_password

    return make_password(SEED_PASSWORD)


def _max_pk(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(m=Max("pk"))["m"] or 0)


# --- the generator -------------------------------------------------------------------------------


class _Organisation:
    def __init__(
        self, plan: SeedPlan, *, now: datetime, progress: bool, stream: TextIO | None
    ) -> None:
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.now = now.timestamp()
        self.start = self.now - plan.days * DAY
        self.sink = Sink(connection)
        self.progress = progress
        self.stream = stream
        # The points module's rules (administrators' values and caps included).
        self.rules = {reason: rule for reason, rule in points_rules().items() if rule.points > 0}
        self.pair_caps = {reason: pair_daily_cap(reason) for reason in self.rules}
        self.zone = timezone.get_default_timezone()
        # Per local day: points earned per (person, reason), grants per (actor, person, reason).
        self.earned: dict[int, Counter[tuple[int, str]]] = defaultdict(Counter)
        self.pairs: dict[int, Counter[tuple[int, int, str]]] = defaultdict(Counter)
        self.calendar = organisation_calendar()
        charter = current_charter()
        self.charter_version = charter.version if charter else 0
        self.tables = {
            "users": Table(
                User,
                [
                    "id",
                    "password",
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "is_active",
                    "date_joined",
                    "display_name",
                    "sort_name",
                    "job_title",
                    "department",
                    "site",
                    "manager_id",
                    "phone",
                    "bio",
                    "interests",
                    "offers",
                    "reading",
                    "language",
                    "is_ambassador",
                    "accepted_charter_version",
                    "profile_completeness",
                    "follower_count",
                    "following_count",
                ],
            ),
            "skills": Table(DeclaredSkill, ["id", "person_id", "name", "slug", "position"]),
            "communities": Table(
                Community,
                [
                    "id",
                    "name",
                    "sort_name",
                    "slug",
                    "description",
                    "kind",
                    "visibility",
                    "answer_promise_hours",
                    "member_count",
                    "created_by_id",
                    "created_at",
                ],
            ),
            "memberships": Table(
                Membership, ["id", "community_id", "person_id", "role", "status", "created_at"]
            ),
            "follows": Table(Follow, ["id", "follower_id", "followee_id", "created_at"]),
            "posts": Table(
                Post,
                [
                    "id",
                    "author_id",
                    "kind",
                    "title",
                    "body",
                    "body_html",
                    "created_at",
                    "like_count",
                    "comment_count",
                ],
            ),
            "placements": Table(
                PostCommunity,
                ["id", "post_id", "community_id", "created_at", "pinned_at", "featured_at"],
            ),
            "post_tags": Table(Post.tags.through, ["id", "post_id", "tag_id"]),
            "comments": Table(
                Comment,
                ["id", "post_id", "parent_id", "author_id", "body", "body_html", "created_at"]
                + ["like_count"],
            ),
            "questions": Table(
                Question,
                [
                    "post_id",
                    "asked_at",
                    "promise_hours",
                    "due_at",
                    "route_experts_at",
                    "route_leaders_at",
                    "routed_stage",
                    "first_answer_id",
                    "first_answer_at",
                    "accepted_comment_id",
                    "accepted_by_id",
                    "accepted_at",
                ],
            ),
            "post_likes": Table(PostLike, ["id", "post_id", "person_id", "created_at"]),
            "comment_likes": Table(CommentLike, ["id", "comment_id", "person_id", "created_at"]),
            "ledger": Table(
                PointsEntry,
                [
                    "id",
                    "person_id",
                    "reason",
                    "points",
                    "key",
                    "actor_id",
                    "community_id",
                    "post_id",
                    "comment_id",
                    "created_at",
                ],
            ),
            "reputation": Table(
                ReputationEvent,
                [
                    "id",
                    "person_id",
                    "tag_id",
                    "points",
                    "reason",
                    "post_id",
                    "comment_id",
                    "liker_id",
                    "created_at",
                ],
            ),
            "skill_totals": Table(SkillReputation, ["id", "person_id", "tag_id", "reputation"]),
            "scores": Table(PersonScore, ["person_id", "total"]),
        }
        self.models: list[type[models.Model]] = [t.model for t in self.tables.values()]
        # Next primary key per table: the seed allocates them (one writer at a time).
        self.next_id = {name: _max_pk(t.model) + 1 for name, t in self.tables.items()}
        self.first_pk = {t.name: self.next_id[name] for name, t in self.tables.items()}

    def _ids(self, table: str, count: int) -> range:
        first = self.next_id[table]
        self.next_id[table] = first + count
        return range(first, first + count)

    def _say(self, text: str) -> None:
        if self.progress and self.stream is not None:
            self.stream.write(text + "\n")
            self.stream.flush()

    # --- people ----------------------------------------------------------------------------------

    def build_people(self) -> None:
        plan, rng = self.plan, self.rng
        n = plan.people
        self.person_id = list(self._ids("users", n))
        ranks = list(range(n))
        rng.shuffle(ranks)
        top = max(1, math.ceil(n * 0.1))
        self.lurker = [r >= top and rng.random() < 0.75 for r in ranks]
        self.post_w = [
            0.0 if lurk else (r + 1) ** -1.1 for r, lurk in zip(ranks, self.lurker, strict=True)
        ]
        self.comment_w = [
            (r + 1) ** -0.8 * (0.1 if lurk else 1.0)
            for r, lurk in zip(ranks, self.lurker, strict=True)
        ]
        self.like_w = [(r + 1) ** -0.3 for r in ranks]
        # The viewer (person 0) reads and also writes a little.
        if self.post_w[0] == 0.0:
            self.post_w[0] = (n * 0.5) ** -1.1
            self.lurker[0] = False
        names_fr = corpus.FIRST_NAMES
        names_en = corpus.ENGLISH_FIRST_NAMES
        departments = list(corpus.DEPARTMENTS)
        self.tag_slugs = [normalise_tag(t) for t in corpus.TOPICS]
        topic_order = list(range(len(corpus.TOPICS)))
        rng.shuffle(topic_order)
        self.topic_cum = _cumulative(
            [1.0 / (topic_order.index(i) + 1) for i in range(len(corpus.TOPICS))]
        )
        self.english = []
        self.active = []
        skill_rows: list[tuple[object, ...]] = []
        self.joined = []
        by_department: dict[str, list[int]] = defaultdict(list)
        self.username = []
        password = _password_hash()
        # Users are written once their follower counts are known (build_follows).
        self._user_rows: list[list[object]] = []
        for i in range(n):
            english = rng.random() < 0.2
            first = rng.choice(names_en if english else names_fr)
            last = rng.choice(corpus.LAST_NAMES)
            pid = self.person_id[i]
            username = f"{slugify(first)}.{slugify(last)}.{pid}"
            department = rng.choice(departments)
            site = rng.choice(corpus.SITES)
            active = i == 0 or rng.random() >= 0.02
            joined = self.start - rng.random() * 365 * DAY
            complete = rng.random() < 0.5
            skills: list[str] = []
            if complete or rng.random() < 0.2:
                for t in rng.choices(range(len(corpus.TOPICS)), cum_weights=self.topic_cum, k=4):
                    if corpus.TOPICS[t] not in skills:
                        skills.append(corpus.TOPICS[t])
                skills = skills[: rng.randint(1, 4)]
            interests = rng.sample(corpus.INTERESTS, 2) if rng.random() < 0.4 else []
            values: dict[str, Any] = {
                "job_title": rng.choice(corpus.DEPARTMENTS[department])[
                    0 if first in corpus.FEMININE_FIRST_NAMES else 1
                ],
                "department": department,
                "site": site,
                "bio": (
                    (
                        f"{first} works in “{department}” in {site}."
                        if english
                        else f"{first} travaille au sein de « {department} » à {site}."
                    )
                    if complete
                    else ""
                ),
                "phone": (
                    f"+33 1 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                    f"{rng.randint(10, 99)}"
                    if rng.random() < 0.6
                    else ""
                ),
                "offers": "Je relis volontiers vos présentations." if rng.random() < 0.2 else "",
                "reading": "Les Échos et Hacker News." if rng.random() < 0.2 else "",
                "interests": interests,
            }
            completeness = compute_completeness(User(**values), expertise_count=len(skills))
            colleagues = by_department[department]
            manager = self.person_id[rng.choice(colleagues)] if colleagues else None
            if len(colleagues) < 8 or rng.random() < 0.1:
                colleagues.append(i)
            display = f"{first} {last}"
            language = rng.choices(["", "fr", "en"], weights=[50, 35, 15])[0]
            if english and language == "fr":
                language = "en"
            self.english.append(english or language == "en")
            self.active.append(active)
            self.joined.append(joined)
            self.username.append(username)
            self._user_rows.append(
                [
                    pid,
                    password,
                    username,
                    first,
                    last,
                    f"{username}@exemple.org",
                    active,
                    utc_text(joined),
                    display,
                    fold_name(display)[:150],
                    values["job_title"],
                    department,
                    site,
                    manager,
                    values["phone"],
                    values["bio"],
                    _json(interests),
                    values["offers"],
                    values["reading"],
                    language,
                    rng.random() < 0.005,
                    self.charter_version,
                    completeness,
                ]
            )
            for position, (skill, skill_id) in enumerate(
                zip(skills, self._ids("skills", len(skills)), strict=True)
            ):
                skill_rows.append((skill_id, pid, skill, normalise_tag(skill), position))
        self.skill_rows = skill_rows

    # --- communities and memberships -----------------------------------------------------------

    def build_communities(self) -> None:
        plan, rng = self.plan, self.rng
        n, m = plan.people, plan.communities
        self.community_id = list(self._ids("communities", m))
        order = list(range(m))
        rng.shuffle(order)
        popularity = [0.0] * m
        for r, c in enumerate(order):
            popularity[c] = 1.0 / (r + 1)
        community_cum = _cumulative(popularity)
        self.visibility = []
        self.promise: list[int | None] = []
        kinds = Community.Kind.values
        for c in range(m):
            if order.index(c) == 0:
                visibility = Community.Visibility.OPEN
            else:
                roll = rng.random()
                visibility = (
                    Community.Visibility.OPEN
                    if roll < 0.7
                    else Community.Visibility.PRIVATE
                    if roll < 0.9
                    else Community.Visibility.SECRET
                )
            self.visibility.append(str(visibility))
            self.promise.append(rng.choice([8, 16, 24, 40]) if rng.random() < 0.35 else None)
        # Memberships: each person picks 5 to 40 communities by popularity.
        self.person_comms: list[list[int]] = []
        members: list[list[int]] = [[] for _ in range(m)]
        for i in range(n):
            if i == 0:
                k = min(VIEWER_COMMUNITIES, m)
            else:
                k = min(m, max(5, min(40, int(5 * rng.paretovariate(1.3)))))
            if i == 0 and m <= VIEWER_COMMUNITIES:
                chosen = list(range(m))
            else:
                chosen = _distinct(rng, range(m), community_cum, k, exclude=-1)
            chosen.sort()
            self.person_comms.append(chosen)
            for c in chosen:
                members[c].append(i)
        for c in range(m):
            if not members[c]:
                i = rng.randrange(1, n)
                members[c].append(i)
                self.person_comms[i].append(c)
        self.person_comm_cum = [
            _cumulative([popularity[c] for c in comms]) for comms in self.person_comms
        ]
        self.members = members
        self.comment_cum = [_cumulative([self.comment_w[i] + 1e-6 for i in ms]) for ms in members]
        self.like_cum = [_cumulative([self.like_w[i] for i in ms]) for ms in members]
        # Roles: the most active members own and manage; a few ambassadors.
        self.managers: list[set[int]] = []
        membership_rows: list[tuple[object, ...]] = []
        community_rows: list[tuple[object, ...]] = []
        for c in range(m):
            ms = members[c]
            by_activity = sorted(ms, key=lambda i: (-self.post_w[i], i))
            roles = {by_activity[0]: Membership.Role.OWNER}
            for i in by_activity[1 : 1 + (len(ms) >= 8) + (len(ms) >= 40)]:
                roles[i] = Membership.Role.MANAGER
            for i in by_activity[3 : 3 + (len(ms) >= 20) + (len(ms) >= 100)]:
                roles[i] = Membership.Role.AMBASSADOR
            self.managers.append({i for i, r in roles.items() if r != Membership.Role.AMBASSADOR})
            created = self.start - (400 + rng.random() * 300) * DAY
            for i, mid in zip(ms, self._ids("memberships", len(ms)), strict=True):
                since = max(created, self.joined[i]) + rng.random() * 60 * DAY
                membership_rows.append(
                    (
                        mid,
                        self.community_id[c],
                        self.person_id[i],
                        str(roles.get(i, Membership.Role.MEMBER)),
                        str(Membership.Status.MEMBER),
                        utc_text(min(since, self.now)),
                    )
                )
            # Pending requests (private) and invitations (secret): not counted as members.
            pending = {
                Community.Visibility.PRIVATE: Membership.Status.REQUESTED,
                Community.Visibility.SECRET: Membership.Status.INVITED,
            }.get(Community.Visibility(self.visibility[c]))
            if pending is not None:
                in_it = set(ms)
                outsiders = [
                    i for i in rng.sample(range(n), min(n, 6)) if i not in in_it and self.active[i]
                ][:3]
                for i, mid in zip(outsiders, self._ids("memberships", len(outsiders)), strict=True):
                    membership_rows.append(
                        (
                            mid,
                            self.community_id[c],
                            self.person_id[i],
                            str(Membership.Role.MEMBER),
                            str(pending),
                            utc_text(self.now - rng.random() * 30 * DAY),
                        )
                    )
            topic = corpus.TOPICS[c % len(corpus.TOPICS)]
            prefix = corpus.COMMUNITY_PREFIXES[(c // len(corpus.TOPICS)) % 8]
            name = f"{prefix} {topic}"
            if c >= len(corpus.TOPICS) * 8:
                name = f"{name} {c}"
            community_rows.append(
                (
                    self.community_id[c],
                    name,
                    name.casefold()[:100],
                    f"{slugify(name)[:48]}-{self.community_id[c]}",
                    rng.choice(corpus.SENTENCES_FR).format(topic=topic, site=corpus.SITES[0]),
                    rng.choice(kinds),
                    self.visibility[c],
                    self.promise[c],
                    len(ms),
                    self.person_id[by_activity[0]],
                    utc_text(created),
                )
            )
        self.community_rows = community_rows
        self.membership_rows = membership_rows

    def build_follows(self) -> None:
        rng, n = self.rng, self.plan.people
        cum = _cumulative([self.post_w[i] + 0.01 * self.like_w[i] for i in range(n)])
        followers = [0] * n
        following = [0] * n
        rows: list[tuple[object, ...]] = []
        pool = range(n)
        for i in range(n):
            k = 20 if i == 0 else int(rng.paretovariate(1.2) * 3) - 2
            k = max(0, min(k, 200, n - 1))
            for j in _distinct(rng, pool, cum, k, exclude=i):
                followers[j] += 1
                following[i] += 1
                since = max(self.joined[i], self.joined[j]) + rng.random() * 90 * DAY
                rows.append(
                    (0, self.person_id[i], self.person_id[j], utc_text(min(since, self.now)))
                )
        ids = self._ids("follows", len(rows))
        self.follow_rows = [(pk, *row[1:]) for pk, row in zip(ids, rows, strict=True)]
        self.user_rows = [
            (*row, followers[i], following[i]) for i, row in enumerate(self._user_rows)
        ]

    def write_organisation(self) -> None:
        with self.sink.transaction():
            self.sink.write(self.tables["users"], self.user_rows)
            self.sink.write(self.tables["skills"], self.skill_rows)
            self.sink.write(self.tables["communities"], self.community_rows)
            self.sink.write(self.tables["memberships"], self.membership_rows)
            self.sink.write(self.tables["follows"], self.follow_rows)
            Tag.objects.bulk_create(
                [Tag(name=t, slug=s) for t, s in zip(corpus.TOPICS, self.tag_slugs, strict=True)],
                ignore_conflicts=True,
            )
        tag_ids = dict(Tag.objects.filter(slug__in=self.tag_slugs).values_list("slug", "pk"))
        self.tag_id = [tag_ids[s] for s in self.tag_slugs]
        del self.user_rows, self.skill_rows, self.community_rows, self.membership_rows
        del self.follow_rows, self._user_rows

    # --- content -------------------------------------------------------------------------------

    def write_content(self) -> None:
        plan = self.plan
        self.score = [0] * plan.people
        self.reputation: defaultdict[tuple[int, int], int] = defaultdict(int)
        self.has_posted = [False] * plan.people
        self.long_thread = False
        bar = Progress(plan.posts, "posts", stream=self.stream, enabled=self.progress)
        # A thread generates the next chunks (pure Python, no database) while this one writes:
        # the database's work (index updates, in its own process on PostgreSQL) overlaps the
        # generation. The order of generation, hence the data, is the same as without it.
        ready: queue.Queue[tuple[int, Batches] | BaseException | None] = queue.Queue(maxsize=2)
        stop = threading.Event()

        def hand(item: tuple[int, Batches] | BaseException | None) -> bool:
            """Queues an item unless the writing thread has stopped; False if it has."""
            while not stop.is_set():
                try:
                    ready.put(item, timeout=0.5)
                    return True
                except queue.Full:
                    continue
            return False

        def produce() -> None:
            try:
                for first in range(0, plan.posts, plan.chunk):
                    last = min(first + plan.chunk, plan.posts)
                    start = time.perf_counter()
                    batches = self._chunk(first, last)
                    self.generation_seconds += time.perf_counter() - start
                    if not hand((last - first, batches)):
                        return
            except BaseException as exc:  # handed over to the writing thread, which raises it
                hand(exc)
                return
            hand(None)

        self.generation_seconds = 0.0
        producer = threading.Thread(target=produce, name="seed-generator", daemon=True)
        producer.start()
        try:
            while (item := ready.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                count, batches = item
                with self.sink.transaction():
                    for table, rows in batches:
                        self.sink.write(table, rows)
                bar.advance(count)
        finally:
            stop.set()
            producer.join()
            bar.close()
        self.sink.seconds[GENERATION] += self.generation_seconds

    def _share(self, total: int, first: int, last: int) -> int:
        posts = self.plan.posts
        return total * last // posts - total * first // posts

    def _grant(
        self,
        rows: list[tuple[object, ...]],
        person: int,
        reason: str,
        key: str,
        t: float,
        at: str,
        *,
        actor: int | None = None,
        community: int | None = None,
        post: int | None = None,
        comment: int | None = None,
    ) -> None:
        """One grant as `rucher.recognition.points.points_grant` records it: nothing for
        oneself, the pair cap (same liker, same person, same day) and the daily cap per person
        and reason (the grant crossing it is partial). Grants are visited chunk by chunk, not
        in strict time order: the caps hold, though which grant of a day was capped may differ
        from what live traffic would have done."""
        reason = str(reason)  # a TextChoices member hashes by its name, not by its value
        rule = self.rules.get(reason)
        if rule is None or actor == person:
            return
        day = datetime.fromtimestamp(t, self.zone).toordinal()
        pair_cap = self.pair_caps[reason]
        if actor is not None and pair_cap is not None:
            pairs = self.pairs[day]
            if pairs[(actor, person, reason)] >= pair_cap:
                return
            pairs[(actor, person, reason)] += 1
        points = rule.points
        if rule.daily_cap:
            earned = self.earned[day]
            points = min(points, rule.daily_cap - earned[(person, reason)])
            if points <= 0:
                return
            earned[(person, reason)] += points
        rows.append(
            (
                0,
                self.person_id[person],
                reason,
                points,
                key,
                None if actor is None else self.person_id[actor],
                community,
                post,
                comment,
                at,
            )
        )
        self.score[person] += points

    def _forget_days_before(self, t: float) -> None:
        """Caps of days long past can no longer be reached (comments and likes come within days
        of their post, and posts come in time order): drop them, memory stays flat."""
        day = datetime.fromtimestamp(t, self.zone).toordinal() - 60
        for book in (self.earned, self.pairs):
            for old in [d for d in book if d < day]:
                del book[old]

    def _reputation(
        self,
        rows: list[tuple[object, ...]],
        person: int,
        tags: list[int],
        points: int,
        reason: str,
        post: int,
        comment: int | None,
        liker: int | None,
        at: str,
    ) -> None:
        for t in tags:
            tag_id = self.tag_id[t]
            rows.append(
                (
                    0,
                    self.person_id[person],
                    tag_id,
                    points,
                    str(reason),
                    post,
                    comment,
                    None if liker is None else self.person_id[liker],
                    at,
                )
            )
            self.reputation[(person, tag_id)] += points

    def _text(self, english: bool, sentences: int, topic: str) -> list[str]:
        rng = self.rng
        source = corpus.SENTENCES_EN if english else corpus.SENTENCES_FR
        paragraphs = []
        left = sentences
        while left > 0:
            take = min(left, rng.randint(1, 3))
            paragraphs.append(
                " ".join(
                    rng.choice(source).format(topic=topic, site=rng.choice(corpus.SITES))
                    for _ in range(take)
                )
            )
            left -= take
        return paragraphs

    def _chunk(self, first: int, last: int) -> Batches:  # noqa: C901 (one pass, in write order)
        plan, rng = self.plan, self.rng
        size = last - first
        span = self.now - self.start - 3600
        post_ids = self._ids("posts", size)
        self._forget_days_before(self.start + span * first / max(plan.posts, 1))
        authors = rng.choices(range(plan.people), cum_weights=self._author_cum(), k=size)
        kinds, kind_w = zip(*KIND_WEIGHTS, strict=True)
        post_kinds = rng.choices(kinds, weights=kind_w, k=size)
        posts: list[dict[str, Any]] = []
        placements: list[tuple[object, ...]] = []
        post_tags: list[tuple[object, ...]] = []
        ledger: list[tuple[object, ...]] = []
        reputation: list[tuple[object, ...]] = []
        engagement: list[float] = []
        for k in range(size):
            g = first + k
            author = authors[k]
            comms = self.person_comms[author]
            c = comms[
                bisect_left(
                    self.person_comm_cum[author], rng.random() * self.person_comm_cum[author][-1]
                )
            ]
            chosen = [c]
            if len(comms) > 1 and rng.random() < 0.08:
                other = rng.choice(comms)
                if other != c:
                    chosen.append(other)
            kind = post_kinds[k]
            if kind == PostKind.ANNOUNCEMENT and not all(
                author in self.managers[x] for x in chosen
            ):
                kind = PostKind.POST
            t = self.start + span * (g + rng.random()) / max(plan.posts, 1)
            tags: list[int] = []
            for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 2, 3))):
                tag = bisect_left(self.topic_cum, rng.random() * self.topic_cum[-1])
                if tag not in tags:
                    tags.append(tag)
            topic = corpus.TOPICS[tags[0]] if tags else rng.choice(corpus.TOPICS)
            english = self.english[author] != (rng.random() < 0.1)
            title = ""
            if kind != PostKind.POST or rng.random() < 0.2:
                titles = corpus.TITLES_EN if english else corpus.TITLES_FR
                title = rng.choice(titles).format(topic=topic, site=rng.choice(corpus.SITES))
            long = kind in (PostKind.ARTICLE, PostKind.ANNOUNCEMENT)
            paragraphs = self._text(
                english, rng.randint(4, 9) if long else rng.randint(1, 4), topic
            )
            at = utc_text(t)
            pid = post_ids[k]
            posts.append(
                {
                    "id": pid,
                    "author": author,
                    "kind": str(kind),
                    "title": title,
                    "paragraphs": paragraphs,
                    "t": t,
                    "at": at,
                    "communities": chosen,
                    "tags": tags,
                    "likes": 0,
                    "comments": [],
                }
            )
            recent = self.now - t < 30 * DAY
            for x in chosen:
                featured = utc_text(t + 3600) if recent and rng.random() < 0.01 else None
                pinned = utc_text(t + 600) if recent and rng.random() < 0.002 else None
                placements.append((0, pid, self.community_id[x], at, pinned, featured))
            for tag in tags:
                post_tags.append((0, pid, self.tag_id[tag]))
            community_id = self.community_id[c]
            # Announcements earn nothing (POST_REASONS), not even a first contribution.
            reason = POST_REASONS.get(kind)
            if reason is not None:
                self._grant(
                    ledger, author, reason, f"post:{pid}", t, at, community=community_id, post=pid
                )
            if not self.has_posted[author]:
                self.has_posted[author] = True
                if reason is not None:
                    self._grant(
                        ledger,
                        author,
                        PointsReason.FIRST_CONTRIBUTION,
                        f"first:{pid}",
                        t,
                        at,
                        community=community_id,
                        post=pid,
                    )
            engagement.append(rng.lognormvariate(0.0, 1.0) * KIND_ENGAGEMENT[kind])

        # Comments: spread over the chunk's posts by engagement.
        comment_counts = [0] * size
        for k in rng.choices(
            range(size), weights=engagement, k=self._share(plan.comment_total, first, last)
        ):
            comment_counts[k] += 1
        if not self.long_thread:
            top = max(range(size), key=comment_counts.__getitem__, default=None)
            if top is not None and comment_counts[top] >= LONG_THREAD:
                self.long_thread = True
            elif top is not None and last == plan.posts and sum(comment_counts) >= LONG_THREAD:
                # The last chunk: make one thread long enough, keeping the total.
                need = LONG_THREAD - comment_counts[top]
                for k in itertools.cycle(range(size)):
                    if need == 0:
                        break
                    if k != top and comment_counts[k] > 0:
                        comment_counts[k] -= 1
                        comment_counts[top] += 1
                        need -= 1
                self.long_thread = True
        comments: list[dict[str, Any]] = []
        for k, post in enumerate(posts):
            count = comment_counts[k]
            if not count:
                continue
            c = post["communities"][0]
            pool = self.members[c]
            writers = rng.choices(pool, cum_weights=self.comment_cum[c], k=count)
            times = sorted(
                min(post["t"] + rng.expovariate(1 / (2 * DAY)), self.now - 1) for _ in range(count)
            )
            is_question = post["kind"] == PostKind.QUESTION
            top_level: list[dict[str, Any]] = []
            for writer, t in zip(writers, times, strict=True):
                parent = None
                if top_level and rng.random() < (0.2 if is_question else 0.3):
                    parent = rng.choice(top_level)
                english = self.english[writer]
                source = corpus.COMMENTS_EN if english else corpus.COMMENTS_FR
                body = rng.choice(source).format(site=rng.choice(corpus.SITES))
                if rng.random() < 0.3:
                    body += " " + rng.choice(source).format(site=rng.choice(corpus.SITES))
                comment = {
                    "post": post,
                    "author": writer,
                    "parent": parent,
                    "t": t,
                    "at": utc_text(t),
                    "body": body,
                    "likes": 0,
                    "answer": is_question and parent is None and writer != post["author"],
                }
                if parent is None:
                    top_level.append(comment)
                post["comments"].append(comment)
                comments.append(comment)
        for comment, cid in zip(comments, self._ids("comments", len(comments)), strict=True):
            comment["id"] = cid

        # Likes on posts (unique, never one's own), by engagement again.
        like_budget = self._share(plan.like_total, first, last)
        post_budget = round(like_budget * POST_LIKE_SHARE)
        like_counts = [0] * size
        for k in rng.choices(range(size), weights=engagement, k=post_budget):
            like_counts[k] += 1
        post_likes: list[tuple[object, ...]] = []
        for k, post in enumerate(posts):
            if not like_counts[k]:
                continue
            c = post["communities"][0]
            likers = _distinct(
                rng, self.members[c], self.like_cum[c], like_counts[k], post["author"]
            )
            community_id = self.community_id[c]
            for liker, like_id in zip(likers, self._ids("post_likes", len(likers)), strict=True):
                t = min(post["t"] + rng.expovariate(1 / DAY), self.now - 1)
                at = utc_text(t)
                post_likes.append((like_id, post["id"], self.person_id[liker], at))
                post["likes"] += 1
                self._grant(
                    ledger,
                    post["author"],
                    PointsReason.LIKE_RECEIVED,
                    f"post_like:{like_id}",
                    t,
                    at,
                    actor=liker,
                    community=community_id,
                    post=post["id"],
                )
                if post["tags"]:
                    self._reputation(
                        reputation,
                        post["author"],
                        post["tags"],
                        REPUTATION_LIKE_POST,
                        ReputationEvent.Reason.LIKE_POST,
                        post["id"],
                        None,
                        liker,
                        at,
                    )

        # Likes on comments: answers draw more.
        comment_likes: list[tuple[object, ...]] = []
        if comments:
            weights = [
                3.0 if c["answer"] else 1.5 if c["parent"] is None else 1.0 for c in comments
            ]
            counts = [0] * len(comments)
            for j in rng.choices(
                range(len(comments)), weights=weights, k=like_budget - post_budget
            ):
                counts[j] += 1
            for j, comment in enumerate(comments):
                if not counts[j]:
                    continue
                post = comment["post"]
                c = post["communities"][0]
                likers = _distinct(
                    rng, self.members[c], self.like_cum[c], counts[j], comment["author"]
                )
                for liker, like_id in zip(
                    likers, self._ids("comment_likes", len(likers)), strict=True
                ):
                    t = min(comment["t"] + rng.expovariate(1 / DAY), self.now - 1)
                    at = utc_text(t)
                    comment_likes.append((like_id, comment["id"], self.person_id[liker], at))
                    comment["likes"] += 1
                    self._grant(
                        ledger,
                        comment["author"],
                        PointsReason.LIKE_RECEIVED,
                        f"comment_like:{like_id}",
                        t,
                        at,
                        actor=liker,
                        community=self.community_id[c],
                        post=post["id"],
                        comment=comment["id"],
                    )
                    if comment["answer"] and post["tags"]:
                        self._reputation(
                            reputation,
                            comment["author"],
                            post["tags"],
                            REPUTATION_LIKE_ANSWER,
                            ReputationEvent.Reason.LIKE_COMMENT,
                            post["id"],
                            comment["id"],
                            liker,
                            at,
                        )

        # Comment ledger rows, and the questions' state.
        questions: list[tuple[object, ...]] = []
        for comment in comments:
            post = comment["post"]
            answer = comment["answer"]
            self._grant(
                ledger,
                comment["author"],
                PointsReason.ANSWER if answer else PointsReason.COMMENT,
                f"{'answer' if answer else 'comment'}:{comment['id']}",
                comment["t"],
                comment["at"],
                community=self.community_id[post["communities"][0]],
                post=post["id"],
                comment=comment["id"],
            )
        for post in posts:
            if post["kind"] == PostKind.QUESTION:
                questions.append(self._question(post, ledger, reputation))

        # In foreign-key order.
        tables = self.tables
        return [
            (
                tables["posts"],
                [
                    (
                        p["id"],
                        self.person_id[p["author"]],
                        p["kind"],
                        p["title"],
                        "\n\n".join(p["paragraphs"]),
                        _html(p["paragraphs"]),
                        p["at"],
                        p["likes"],
                        len(p["comments"]),
                    )
                    for p in posts
                ],
            ),
            (tables["placements"], self._numbered("placements", placements)),
            (tables["post_tags"], self._numbered("post_tags", post_tags)),
            (
                tables["comments"],
                [
                    (
                        c["id"],
                        c["post"]["id"],
                        c["parent"]["id"] if c["parent"] else None,
                        self.person_id[c["author"]],
                        c["body"],
                        _html([c["body"]]),
                        c["at"],
                        c["likes"],
                    )
                    for c in comments
                ],
            ),
            (tables["questions"], questions),
            (tables["post_likes"], post_likes),
            (tables["comment_likes"], comment_likes),
            (tables["ledger"], self._numbered("ledger", ledger)),
            (tables["reputation"], self._numbered("reputation", reputation)),
        ]

    def _author_cum(self) -> list[float]:
        cum = getattr(self, "_author_cum_cache", None)
        if cum is None:
            cum = _cumulative(self.post_w)
            self._author_cum_cache = cum
        return cum

    def _numbered(self, table: str, rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
        ids = self._ids(table, len(rows))
        return [(pk, *row[1:]) for pk, row in zip(ids, rows, strict=True)]

    def _question(
        self,
        post: dict[str, Any],
        ledger: list[tuple[object, ...]],
        reputation: list[tuple[object, ...]],
    ) -> tuple[object, ...]:
        rng = self.rng
        asked = datetime.fromtimestamp(post["t"], UTC)
        promises = [p for c in post["communities"] if (p := self.promise[c])]
        promise = min(promises) if promises else None
        schedule = schedule_for(asked, promise, self.calendar)
        answers = [c for c in post["comments"] if c["answer"]]
        first = answers[0] if answers else None
        accepted = rng.choice(answers) if answers and rng.random() < 0.55 else None
        accepted_t = None
        if accepted is not None:
            accepted_t = min(accepted["t"] + rng.expovariate(1 / DAY), self.now - 1)
            self._grant(
                ledger,
                accepted["author"],
                PointsReason.ANSWER_ACCEPTED,
                f"accepted:{accepted['id']}",
                accepted_t,
                utc_text(accepted_t),
                actor=post["author"],
                community=self.community_id[post["communities"][0]],
                post=post["id"],
                comment=accepted["id"],
            )
            if post["tags"]:
                self._reputation(
                    reputation,
                    accepted["author"],
                    post["tags"],
                    REPUTATION_ACCEPTED,
                    ReputationEvent.Reason.ACCEPTED_ANSWER,
                    post["id"],
                    accepted["id"],
                    None,
                    utc_text(accepted_t),
                )
        # Routing stages already past when the question was answered (or now) count as done.
        until = first["t"] if first else self.now
        stage = 0
        for number, key in ((1, "route_experts_at"), (2, "route_leaders_at")):
            due = schedule[key]
            if due is not None and due.timestamp() <= until:
                stage = number

        def text(value: datetime | None) -> str | None:
            return None if value is None else utc_text(value.timestamp())

        return (
            post["id"],
            post["at"],
            promise,
            text(schedule["due_at"]),
            text(schedule["route_experts_at"]),
            text(schedule["route_leaders_at"]),
            stage,
            first["id"] if first else None,
            first["at"] if first else None,
            accepted["id"] if accepted else None,
            self.person_id[post["author"]] if accepted else None,
            utc_text(accepted_t) if accepted_t is not None else None,
        )

    # --- totals and the end ----------------------------------------------------------------------

    def write_totals(self) -> None:
        with self.sink.transaction():
            self.sink.write(
                self.tables["scores"],
                [(self.person_id[i], total) for i, total in enumerate(self.score)],
            )
            rows = sorted(self.reputation.items())
            ids = self._ids("skill_totals", len(rows))
            self.sink.write(
                self.tables["skill_totals"],
                [
                    (pk, self.person_id[person], tag_id, total)
                    for pk, ((person, tag_id), total) in zip(ids, rows, strict=True)
                ],
            )

    def finish(self) -> None:
        self.sink.verify_foreign_keys(list(self.tables.values()), self.first_pk)
        if connection.vendor == "postgresql":
            start = time.perf_counter()
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), self.models):
                    cursor.execute(sql)
            self.sink.seconds["(sequences moved)"] += time.perf_counter() - start

    def vacuum(self, *extra_tables: str) -> None:
        """PostgreSQL: VACUUM (ANALYZE) the filled tables, as autovacuum would have done on a
        database that grew to this size: fresh statistics for the planner, and the visibility
        map that index-only scans need (without it they read the table too). Inside a
        transaction (tests), ANALYZE only."""
        if connection.vendor != "postgresql":
            return
        start = time.perf_counter()
        quote = connection.ops.quote_name
        names = ", ".join(
            quote(name) for name in [t.name for t in self.tables.values()] + [*extra_tables]
        )
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {names}")
        self.sink.seconds[command] += time.perf_counter() - start


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def seed_organisation(
    plan: SeedPlan,
    *,
    append: bool = False,
    now: datetime | None = None,
    progress: bool = False,
    stream: TextIO | None = None,
) -> SeedReport:
    """Builds the organisation of `plan` (see the module's docstring). Raises SeedRefused on a
    database holding more than the demo organisation, unless `append`."""
    check_database(append=append)
    started = time.perf_counter()
    org = _Organisation(plan, now=now or timezone.now(), progress=progress, stream=stream)
    step = time.perf_counter()
    with org.sink.bulk_mode():
        org.build_people()
        org.build_communities()
        org.build_follows()
        org.write_organisation()
        org._say(f"people, communities and follows: {time.perf_counter() - step:.1f} s")
        org.write_content()
        org.write_totals()
    org.finish()
    # The leaderboards' per-period totals, from the ledger just written (the same rules as the
    # ledger's own writes: rucher.recognition.periods).
    step = time.perf_counter()

    written = period_scores_rebuild(person_ids=org.person_id)
    org.sink.rows["recognition.PeriodScore"] += written
    org.sink.seconds["recognition.PeriodScore"] += time.perf_counter() - step
    # The blog, forum and idea box rows of the articles, discussions and ideas just written
    # (rucher.toolbox keeps one per placement; set-based, a few statements).
    step = time.perf_counter()
    org.sink.rows["toolbox rows"] += tool_rows_backfill()
    org.sink.seconds["toolbox rows"] += time.perf_counter() - step
    org.vacuum(
        PeriodScore._meta.db_table,
        Topic._meta.db_table,
        Idea._meta.db_table,
        Article._meta.db_table,
    )
    report = SeedReport(
        plan=plan,
        vendor=connection.vendor,
        viewer=org.username[0],
        total_seconds=time.perf_counter() - started,
        rows=dict(org.sink.rows),
        seconds=dict(org.sink.seconds),
    )
    audit_record(action=SEED_ACTION, target=report.viewer, data=report.as_data())
    return report
