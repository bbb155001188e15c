"""`rucher seed`: a tiny organisation on the test database must be consistent (every
denormalised counter equal to its rows), skewed (90/9/1), reproducible, and refused on a
database holding more than the demo organisation."""

import io
from collections import Counter
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from rucher.accounts.models import Follow, User
from rucher.accounts.services import compute_completeness
from rucher.communities.models import Community, Membership
from rucher.content.models import Comment, CommentLike, Post, PostCommunity, PostLike
from rucher.core.factories import PersonFactory
from rucher.core.models import AuditEvent
from rucher.qa.models import Question
from rucher.recognition.models import PersonScore, PointsEntry, PointsReason, SkillReputation
from rucher.recognition.points import pair_daily_cap, points_rules
from rucher.recognition.services import skill_reputation_rebuild
from rucher.seed.organisation import (
    LONG_THREAD,
    SEED_ACTION,
    SeedPlan,
    SeedRefused,
    seed_organisation,
)
from rucher.seed.writer import Sink, Table

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
# Five days of content: busy enough for the points' daily caps to bite.
TINY = SeedPlan(
    people=150, communities=8, posts=300, comments=900, likes=1500, seed=7, chunk=120, days=5
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    return seed_organisation(TINY, now=NOW)


def _mismatches(queryset, counter: str, expression) -> int:
    return queryset.annotate(real=expression).exclude(**{counter: F("real")}).count()


def test_counters_match_the_rows(seeded):
    assert Post.objects.count() == TINY.posts
    assert Comment.objects.count() == TINY.comments
    likes = PostLike.objects.count() + CommentLike.objects.count()
    # Likes are capped by the size of small communities (unique, never one's own).
    assert 0.9 * TINY.likes <= likes <= TINY.likes
    assert _mismatches(Post.objects, "like_count", Count("likes", distinct=True)) == 0
    assert _mismatches(Post.objects, "comment_count", Count("comments", distinct=True)) == 0
    assert _mismatches(Comment.objects, "like_count", Count("likes", distinct=True)) == 0
    members = Count("memberships", filter=Q(memberships__status=Membership.Status.MEMBER))
    assert _mismatches(Community.objects, "member_count", members) == 0
    assert _mismatches(User.objects, "follower_count", Count("follower_links")) == 0
    assert _mismatches(User.objects, "following_count", Count("following_links")) == 0
    totals = dict(
        PointsEntry.objects.values("person").annotate(t=Sum("points")).values_list("person", "t")
    )
    scores = dict(PersonScore.objects.values_list("person_id", "total"))
    assert scores == {pk: totals.get(pk, 0) for pk in User.objects.values_list("pk", flat=True)}
    assert sum(scores.values()) > 0
    # Earned skills: the recognition app's own repair finds nothing to repair.
    assert SkillReputation.objects.exists()
    assert skill_reputation_rebuild() == 0
    for person in User.objects.prefetch_related("declared_skills"):
        expected = compute_completeness(person, expertise_count=len(person.declared_skills.all()))
        assert person.profile_completeness == expected


def test_the_points_ledger_follows_the_points_rules(seeded):
    out = io.StringIO()
    call_command("points_check", stdout=out)
    assert "matches" in out.getvalue()
    rules = points_rules()
    zone = timezone.get_default_timezone()
    per_day: Counter[tuple[int, str, object]] = Counter()
    pairs: Counter[tuple[int, int, object]] = Counter()
    keys = Counter()
    entries = PointsEntry.objects.values_list(
        "person_id", "reason", "points", "key", "actor_id", "created_at"
    )
    for person, reason, points, key, actor, at in entries:
        day = timezone.localtime(at, zone).date()
        per_day[(person, reason, day)] += points
        assert 0 < points <= rules[reason].points
        assert actor != person
        keys[(person, key)] += 1
        if reason == PointsReason.LIKE_RECEIVED:
            pairs[(actor, person, day)] += 1
    capped = 0
    for (_person, reason, _day), total in per_day.items():
        assert not rules[reason].daily_cap or total <= rules[reason].daily_cap
        capped += total == rules[reason].daily_cap
    assert capped > 0
    assert max(pairs.values()) <= pair_daily_cap(PointsReason.LIKE_RECEIVED)
    assert max(keys.values()) == 1
    reasons = {reason for _p, reason, _d in per_day}
    assert reasons >= {"post", "question", "comment", "answer", "like_received"}
    assert "first_contribution" in reasons and "answer_accepted" in reasons
    # Announcements earn nothing.
    assert not PointsEntry.objects.filter(key__startswith="post:", post__kind="announcement")


def test_likes_are_unique_and_never_ones_own(seeded):
    assert not PostLike.objects.filter(person=F("post__author")).exists()
    assert not CommentLike.objects.filter(person=F("comment__author")).exists()
    assert not Follow.objects.filter(follower=F("followee")).exists()
    # Unique constraints hold by construction (the database would have refused otherwise).
    assert PostLike.objects.values("post", "person").distinct().count() == PostLike.objects.count()


def test_content_follows_the_products_rules(seeded):
    # Every post is in at least one community, and its author is a member of each.
    assert not Post.objects.filter(placements__isnull=True).exists()
    not_member = PostCommunity.objects.exclude(
        community__memberships__person=F("post__author"),
    )
    assert not not_member.exists()
    # Replies are one level deep, on the same post.
    assert not Comment.objects.filter(parent__parent__isnull=False).exists()
    assert not Comment.objects.exclude(parent__isnull=True).exclude(parent__post=F("post")).exists()
    # Questions: the first answer is the earliest top-level comment by someone else.
    questions = Question.objects.select_related("post", "first_answer", "accepted_comment")
    assert questions.count() == Post.objects.filter(kind="question").count() > 0
    answered = accepted = 0
    for question in questions:
        answers = Comment.objects.filter(post=question.post, parent__isnull=True).exclude(
            author=question.post.author_id
        )
        first = answers.order_by("created_at", "id").first()
        assert question.first_answer_id == (first.pk if first else None)
        assert question.asked_at == question.post.created_at
        if first is not None:
            answered += 1
            assert question.first_answer_at == first.created_at
        if question.accepted_comment_id is not None:
            accepted += 1
            assert answers.filter(pk=question.accepted_comment_id).exists()
            assert question.accepted_by_id == question.post.author_id
    assert answered > 0 and 0 < accepted < answered
    # The bench's long thread.
    assert Post.objects.filter(comment_count__gte=LONG_THREAD).exists()


def test_activity_is_skewed_90_9_1(seeded):
    authored = Counter(Post.objects.values_list("author_id", flat=True))
    people = TINY.people
    top = sorted(authored.values(), reverse=True)
    top_share = sum(top[: max(1, round(people * 0.01))]) / TINY.posts
    assert top_share >= 0.2, top_share
    # Most people only read: more than half never posted.
    assert len(authored) < people / 2


def test_home_viewer_is_a_member_of_many_communities(seeded):
    viewer = User.objects.get(username=seeded.viewer)
    assert viewer.is_active
    count = Membership.objects.filter(person=viewer, status=Membership.Status.MEMBER).count()
    assert count == min(20, TINY.communities)


def _signature(people: list[int]) -> list[tuple[object, ...]]:
    """The content of one slice, without its primary keys."""
    posts = (
        Post.objects.filter(author__in=people)
        .order_by("id")
        .values_list("author__display_name", "kind", "title", "body", "like_count", "comment_count")
    )
    return [
        *posts,
        *User.objects.filter(pk__in=people)
        .order_by("id")
        .values_list("display_name", "department", "follower_count", "score__total"),
    ]


def test_same_seed_same_organisation_and_append_adds_a_slice():
    small = SeedPlan(people=40, communities=5, posts=120, seed=3, chunk=50)
    seed_organisation(small, now=NOW)
    first = list(User.objects.order_by("id").values_list("pk", flat=True))
    seed_organisation(small, now=NOW, append=True)
    second = list(User.objects.exclude(pk__in=first).order_by("id").values_list("pk", flat=True))
    assert len(second) == 40 and Post.objects.count() == 240
    assert _signature(first) == _signature(second)
    seed_organisation(SeedPlan(people=40, communities=5, posts=120, seed=4), now=NOW, append=True)
    third = User.objects.exclude(pk__in=first + second).values_list("pk", flat=True)
    assert _signature(first) != _signature(list(third))
    assert AuditEvent.objects.filter(action=SEED_ACTION).count() == 3


def test_refuses_a_database_with_more_than_the_demo():
    # A demo account alone is fine.
    PersonFactory(username="admin")
    seed_organisation(SeedPlan(people=10, communities=2, posts=10), now=NOW)
    with pytest.raises(SeedRefused):
        seed_organisation(SeedPlan(people=10, communities=2, posts=10), now=NOW)
    assert User.objects.count() == 11


def test_refuses_real_people_and_the_command_says_why():
    PersonFactory(username="someone")
    with pytest.raises(CommandError, match="--append"):
        call_command("seed", "--people", "10", "--posts", "5", stdout=io.StringIO())
    assert Post.objects.count() == 0
    out = io.StringIO()
    call_command(
        "seed", "--people", "10", "--communities", "2", "--posts", "20", "--append",
        "--no-progress", stdout=out,
    )  # fmt: skip
    assert "Seeded" in out.getvalue() and "content.Post " in out.getvalue()
    assert Post.objects.count() == 20


def test_bulk_path_is_copy_on_postgresql():
    sink = Sink(connection)
    statement = sink._statement(Table(PostLike, ["id", "post_id", "person_id", "created_at"]))
    if connection.vendor == "postgresql":
        assert statement.startswith("COPY ")
    else:
        assert statement.startswith("INSERT INTO ")


def test_plan_rejects_nonsense():
    with pytest.raises(ValueError):
        SeedPlan(people=1)
    with pytest.raises(CommandError):
        call_command("seed", "--people", "1", stdout=io.StringIO())
