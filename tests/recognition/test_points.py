"""The points ledger (F-POINTS): what earns points, each anti-gaming rule, withdrawals, and the
ledger/total consistency (`rucher points_check`)."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import translation

from rucher.actions import comments as comment_actions
from rucher.actions import likes as like_actions
from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.content.models import Comment, Post
from rucher.moderation import services as moderation
from rucher.qa import services as qa
from rucher.recognition import points
from rucher.recognition.models import PersonScore, PointsEntry, PointsValue
from rucher.recognition.periods import period_scores_check

pytestmark = pytest.mark.django_db

R = PointsEntry.Reason


# --- helpers (imported by the other points tests) ----------------------------------------------


def total(person) -> int:
    return PersonScore.objects.filter(person=person).values_list("total", flat=True).first() or 0


def ledger_sum(person) -> int:
    return PointsEntry.objects.filter(person=person).aggregate(s=Sum("points"))["s"] or 0


def live(person, reason=None) -> list[tuple[str, int]]:
    qs = points.live_grants(PointsEntry.objects.filter(person=person))
    if reason:
        qs = qs.filter(reason=reason)
    return list(qs.order_by("id").values_list("reason", "points"))


def assert_consistent() -> None:
    assert points.points_check() == []
    assert period_scores_check() == []


def publish(author, community, *, kind="post", body="Hello", **kwargs) -> Post:
    return post_actions.post_publish(
        author=author, communities=[community], kind=kind, body=body, **kwargs
    )


@pytest.fixture
def people(world):
    return world.people


@pytest.fixture
def open_club(world):
    return world.communities["open"]


# --- what earns points -------------------------------------------------------------------------


def test_a_first_post_earns_its_points_and_the_first_contribution_once(people, open_club):
    member = people["member"]
    publish(member, open_club)
    assert live(member) == [(R.POST, 5), (R.FIRST_CONTRIBUTION, 10)]
    publish(member, open_club, kind="question", title="Why?", body="Tell me")
    assert live(member) == [(R.POST, 5), (R.FIRST_CONTRIBUTION, 10), (R.QUESTION, 5)]
    assert total(member) == 20
    assert_consistent()


def test_announcements_and_thanks_posts_earn_their_author_nothing(people, open_club):
    publish(people["owner"], open_club, kind="announcement", body="Official")
    assert live(people["owner"]) == []
    with pytest.raises(ValidationError) as exc:
        publish(people["member"], open_club, kind="kudos", body="Thanks")
    assert "kind" in exc.value.message_dict
    assert not Post.objects.filter(kind="kudos").exists()


def test_comments_and_answers(people, open_club):
    asker, answerer = people["member"], people["manager"]
    post = publish(asker, open_club)
    question = publish(asker, open_club, kind="question", title="Q", body="?")
    comment_actions.comment_publish(author=answerer, post=post, body="A comment")
    answer = comment_actions.comment_publish(author=answerer, post=question, body="An answer")
    comment_actions.comment_publish(author=answerer, post=question, body="A reply", parent=answer)
    comment_actions.comment_publish(author=asker, post=question, body="The asker's own comment")
    assert live(answerer) == [(R.COMMENT, 2), (R.ANSWER, 10), (R.COMMENT, 2)]
    assert live(asker, R.COMMENT) == [(R.COMMENT, 2)]
    assert PointsEntry.objects.get(key=f"answer:{answer.pk}").community_id == open_club.pk
    assert_consistent()


def test_likes_are_earned_withdrawn_when_removed_and_earned_again(people, open_club):
    author, liker = people["member"], people["manager"]
    post = publish(author, open_club)
    comment = comment_actions.comment_publish(author=author, post=post, body="Me again")
    base = total(author)
    like_actions.post_like(person=liker, post=post)
    like_actions.post_like(person=liker, post=post)  # liking twice changes nothing
    like_actions.comment_like(person=liker, comment=comment)
    assert total(author) == base + 4
    like_actions.post_unlike(person=liker, post=post)
    assert total(author) == base + 2
    like_actions.comment_unlike(person=liker, comment=comment)
    assert total(author) == base
    like_actions.post_like(person=liker, post=post)
    assert total(author) == base + 2
    keys = list(
        PointsEntry.objects.filter(person=author, reason=R.LIKE_RECEIVED)
        .order_by("id")
        .values_list("key", "points")
    )
    # like → unlike → like: two likes (two keys), one withdrawn.
    assert [k for k, p in keys if p > 0][0] != [k for k, p in keys if p > 0][-1]
    assert_consistent()


def test_no_points_for_a_self_like_or_self_caused_grant(people, open_club):
    author = people["member"]
    post = publish(author, open_club)
    base = total(author)
    with pytest.raises(ValidationError):
        like_actions.post_like(person=author, post=post)
    # Even if a like slipped through another path, the ledger refuses to pay oneself.
    assert points.points_on_post_like(post=post, liker_id=author.pk, liked=True) == 0
    assert (
        points.points_grant(
            person_id=author.pk, reason=R.LIKE_RECEIVED, key="x:1", actor_id=author.pk
        )
        is None
    )
    assert total(author) == base


def test_likes_between_the_same_two_people_stop_paying_after_the_pair_cap(
    people, open_club, settings
):
    author, liker, other = people["member"], people["manager"], people["owner"]
    posts = [publish(author, open_club, body=f"Post {i}") for i in range(5)]
    base = total(author)
    for post in posts:
        like_actions.post_like(person=liker, post=post)
    assert total(author) == base + 3 * 2  # the 4th and 5th like of the day give nothing
    like_actions.post_like(person=other, post=posts[0])  # another colleague still counts
    assert total(author) == base + 4 * 2
    settings.RUCHER_POINTS_PAIR_DAILY_CAP = 1
    like_actions.post_like(person=people["ambassador"], post=posts[0])
    like_actions.post_like(person=people["ambassador"], post=posts[1])
    assert total(author) == base + 5 * 2
    assert_consistent()


def test_the_daily_cap_grants_partially_then_nothing_until_the_next_day(people):
    person = people["member"]
    PointsValue.objects.create(reason=R.COMMENT, points=4, daily_cap=10)
    now = datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("UTC"))
    granted = [
        points.points_grant(person_id=person.pk, reason=R.COMMENT, key=f"c:{i}", now=now)
        for i in range(4)
    ]
    assert [e.points if e else None for e in granted] == [4, 4, 2, None]
    assert total(person) == 10
    tomorrow = points.points_grant(
        person_id=person.pk, reason=R.COMMENT, key="c:9", now=now + timedelta(days=1)
    )
    assert tomorrow is not None and tomorrow.points == 4
    # Another reason has its own cap.
    assert points.points_grant(person_id=person.pk, reason=R.POST, key="p:1", now=now)
    assert_consistent()


def test_the_day_is_the_organisations_day(people, settings):
    settings.TIME_ZONE = "Europe/Paris"
    person = people["member"]
    PointsValue.objects.create(reason=R.COMMENT, points=5, daily_cap=5)
    paris = ZoneInfo("Europe/Paris")
    late = datetime(2026, 3, 10, 23, 30, tzinfo=paris)  # 22:30 UTC
    assert points.points_grant(person_id=person.pk, reason=R.COMMENT, key="a", now=late)
    # 23:50 in Paris is still the same day (though 22:50 UTC): capped.
    assert not points.points_grant(
        person_id=person.pk, reason=R.COMMENT, key="b", now=late + timedelta(minutes=20)
    )
    # 00:10 in Paris is a new day (though still 23:10 UTC on the 10th).
    assert points.points_grant(
        person_id=person.pk, reason=R.COMMENT, key="c", now=late + timedelta(minutes=40)
    )


def test_a_key_pays_once_until_withdrawn(people):
    person = people["member"]
    first = points.points_grant(person_id=person.pk, reason=R.POST, key="post:999")
    assert first is not None
    assert points.points_grant(person_id=person.pk, reason=R.POST, key="post:999") is None
    assert points.points_reverse(where=Q(key="post:999")) == 1
    assert points.points_reverse(where=Q(key="post:999")) == 0
    assert points.points_grant(person_id=person.pk, reason=R.POST, key="post:999") is not None
    assert total(person) == 5
    assert_consistent()


# --- withdrawals ---------------------------------------------------------------------------------


def test_deleting_a_post_withdraws_everything_it_earned(people, open_club):
    author, other = people["member"], people["manager"]
    publish(author, open_club, body="An earlier post")
    question = publish(author, open_club, kind="question", title="Q", body="?")
    answer = comment_actions.comment_publish(author=other, post=question, body="Answer")
    like_actions.post_like(person=other, post=question)
    like_actions.comment_like(person=author, comment=answer)
    qa.answer_accept(actor=author, post=question, comment_id=answer.pk)
    assert total(author) == 5 + 10 + 5 + 2
    assert total(other) == 10 + 2 + 15
    post_actions.post_remove(actor=author, post=question)
    assert total(author) == 15
    assert total(other) == 0
    assert_consistent()
    # The withdrawals stay in the ledger (append-only), their object links gone.
    assert PointsEntry.objects.filter(person=other, points__lt=0).count() == 3


def test_deleting_a_comment_withdraws_its_points_and_its_replies(people, open_club):
    author, other = people["member"], people["manager"]
    post = publish(author, open_club)
    comment = comment_actions.comment_publish(author=other, post=post, body="Top")
    comment_actions.comment_publish(author=author, post=post, body="Reply", parent=comment)
    like_actions.comment_like(person=author, comment=comment)
    before_author = total(author)
    comment_actions.comment_remove(actor=other, comment=comment)
    assert total(other) == 0
    assert total(author) == before_author - 2  # the reply went with its comment
    assert_consistent()


def test_accepting_another_answer_moves_the_accepted_points(people, open_club):
    asker, first, second = people["member"], people["manager"], people["ambassador"]
    question = publish(asker, open_club, kind="question", title="Q", body="?")
    a1 = comment_actions.comment_publish(author=first, post=question, body="One")
    a2 = comment_actions.comment_publish(author=second, post=question, body="Two")
    qa.answer_accept(actor=asker, post=question, comment_id=a1.pk)
    assert live(first, R.ANSWER_ACCEPTED) == [(R.ANSWER_ACCEPTED, 15)]
    qa.answer_accept(actor=asker, post=question, comment_id=a2.pk)  # un-accepts the first
    assert live(first, R.ANSWER_ACCEPTED) == []
    assert live(second, R.ANSWER_ACCEPTED) == [(R.ANSWER_ACCEPTED, 15)]
    qa.answer_accept(actor=asker, post=question, comment_id=a1.pk)
    assert live(first, R.ANSWER_ACCEPTED) == [(R.ANSWER_ACCEPTED, 15)]
    assert live(second, R.ANSWER_ACCEPTED) == []
    assert_consistent()


def test_a_manager_accepting_their_own_answer_earns_no_acceptance(people, open_club):
    asker, manager = people["member"], people["owner"]
    question = publish(asker, open_club, kind="question", title="Q", body="?")
    answer = comment_actions.comment_publish(author=manager, post=question, body="Mine")
    qa.answer_accept(actor=manager, post=question, comment_id=answer.pk)
    assert live(manager, R.ANSWER_ACCEPTED) == []


def test_hiding_a_post_withdraws_its_authors_points_and_restoring_grants_again(people, open_club):
    author, liker, moderator = people["member"], people["ambassador"], people["manager"]
    post = publish(author, open_club)
    comment = comment_actions.comment_publish(author=liker, post=post, body="Nice")
    like_actions.post_like(person=liker, post=post)
    assert total(author) == 5 + 10 + 2
    moderation.post_hide(actor=moderator, post=post)
    assert total(author) == 0
    assert total(liker) == 2  # the commenter keeps the comment's points
    # Nothing is earned on hidden content.
    assert (
        points.points_on_post_like(
            post=Post.objects.get(pk=post.pk), liker_id=people["owner"].pk, liked=True
        )
        == 0
    )
    moderation.post_restore(actor=moderator, post=post)
    assert total(author) == 17
    moderation.post_restore(actor=moderator, post=post)  # restoring twice grants nothing more
    assert total(author) == 17
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert_consistent()


def test_hiding_a_comment_withdraws_its_points_and_restoring_grants_again(people, open_club):
    asker, answerer, moderator = people["member"], people["ambassador"], people["manager"]
    question = publish(asker, open_club, kind="question", title="Q", body="?")
    answer = comment_actions.comment_publish(author=answerer, post=question, body="Answer")
    like_actions.comment_like(person=asker, comment=answer)
    qa.answer_accept(actor=asker, post=question, comment_id=answer.pk)
    assert total(answerer) == 10 + 2 + 15
    moderation.comment_hide(actor=moderator, comment=answer)
    assert total(answerer) == 0
    moderation.comment_restore(actor=moderator, comment=answer)
    assert total(answerer) == 27
    assert_consistent()


def test_a_restored_accepted_answer_is_credited_to_whoever_accepted_it(people, open_club):
    """Acceptance belongs to qa: moderation (above it) tells the ledger who accepted."""
    asker, answerer, moderator = people["member"], people["ambassador"], people["manager"]
    question = publish(asker, open_club, kind="question", title="Q", body="?")
    answer = comment_actions.comment_publish(author=answerer, post=question, body="Answer")
    qa.answer_accept(actor=asker, post=question, comment_id=answer.pk)
    moderation.comment_hide(actor=moderator, comment=answer)
    moderation.comment_restore(actor=moderator, comment=answer)
    live = points.live_grants(PointsEntry.objects.filter(reason=R.ANSWER_ACCEPTED))
    assert [(e.person_id, e.actor_id) for e in live] == [(answerer.pk, asker.pk)]
    assert_consistent()


def test_nothing_is_earned_in_a_community_one_was_removed_from(world, people):
    member, manager, liker = people["member"], people["manager"], people["ambassador"]
    private, open_club = world.communities["private"], world.communities["open"]
    post = publish(member, private, body="In private")
    both = post_actions.post_publish(
        author=member, communities=[private, open_club], body="Cross-posted"
    )
    like_actions.post_like(person=liker, post=post)
    earned_elsewhere = publish(member, open_club, body="Elsewhere")
    assert total(member) > 0
    membership_actions.membership_remove(actor=manager, community=private, person=member)
    # Everything earned through the private community is gone; the open one's stays.
    assert live(member) == [(R.POST, 5)]
    assert PointsEntry.objects.filter(person=member, post=earned_elsewhere, points__gt=0).exists()
    # A later like on their post in that community earns nothing…
    like_actions.post_like(person=manager, post=post)
    assert live(member) == [(R.POST, 5)]
    # …but the cross-posted one earns through the community they still belong to.
    like_actions.post_like(person=manager, post=both)
    entry = PointsEntry.objects.get(person=member, post=both, reason=R.LIKE_RECEIVED)
    assert entry.community_id == open_club.pk
    assert_consistent()


# --- configuration -------------------------------------------------------------------------------


def test_administrators_values_apply_at_once(people, open_club):
    PointsValue.objects.create(reason=R.POST, points=7, daily_cap=0)
    PointsValue.objects.create(reason=R.FIRST_CONTRIBUTION, points=0, daily_cap=0)
    publish(people["member"], open_club)
    assert live(people["member"]) == [(R.POST, 7)]  # a value of 0 records nothing
    assert points.points_value(R.COMMENT) == points.DEFAULT_VALUES[R.COMMENT]
    assert set(points.points_rules()) == set(R.values)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("points", -1, "cannot be negative"),
        ("points", 1001, "At most 1000 points"),
        ("daily_cap", -5, "cannot be negative"),
        ("daily_cap", 10**6, "0 means no cap"),
    ],
)
def test_negative_or_absurd_values_are_refused_with_a_clear_message(field, value, message):
    row = PointsValue(reason=R.POST, points=5, daily_cap=0)
    setattr(row, field, value)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        row.full_clean()
    assert message in " ".join(exc.value.message_dict[field])


def test_the_database_refuses_absurd_values_too():
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsValue.objects.create(reason=R.POST, points=5000)


def test_the_admin_form_shows_the_error(admin_client):
    response = admin_client.post(
        "/admin/recognition/pointsvalue/add/",
        {"reason": "post", "points": "5000", "daily_cap": "0"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "At most 1000 points" in response.content.decode()
    assert not PointsValue.objects.exists()
    response = admin_client.post(
        "/admin/recognition/pointsvalue/add/",
        {"reason": "post", "points": "8", "daily_cap": "40"},
    )
    assert response.status_code == 302
    assert points.points_rule(R.POST) == points.Rule(points=8, daily_cap=40)


def test_the_admin_ledger_is_read_only_and_scores_only_take_exclusions(
    admin_client, people, open_club
):
    publish(people["member"], open_club)
    entry = PointsEntry.objects.first()
    assert admin_client.get("/admin/recognition/pointsentry/").status_code == 200
    assert admin_client.get("/admin/recognition/pointsentry/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/recognition/pointsentry/{entry.pk}/delete/").status_code == 403
    )
    score = PersonScore.objects.get(person=people["member"])
    response = admin_client.post(
        f"/admin/recognition/personscore/{score.pk}/change/",
        {"excluded": "on", "total": "99999"},
    )
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.excluded and score.total == 15


# --- consistency -------------------------------------------------------------------------------


def test_points_check_detects_a_tampered_total_and_fix_repairs_it(people, open_club):
    publish(people["member"], open_club)
    publish(people["manager"], open_club)
    assert_consistent()
    PersonScore.objects.filter(person=people["member"]).update(total=999)
    PointsEntry.objects.create(person=people["owner"], reason=R.POST, points=5, key="x")
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("points_check", stdout=out)
    assert exc.value.returncode == 1
    assert "member: score 999, ledger 15" in out.getvalue()
    assert "owner: score none, ledger 5" in out.getvalue()
    out = io.StringIO()
    call_command("points_check", "--fix", stdout=out)
    assert "Rebuilt 2 score(s)" in out.getvalue()
    assert total(people["member"]) == 15 and total(people["owner"]) == 5
    out = io.StringIO()
    call_command("points_check", stdout=out)
    assert "Every score matches" in out.getvalue()


def test_the_ledger_and_totals_stay_equal_through_a_busy_day(world, people, open_club):
    member, manager, ambassador = people["member"], people["manager"], people["ambassador"]
    question = publish(member, open_club, kind="question", title="Q", body="?")
    post = publish(manager, open_club)
    answers = [
        comment_actions.comment_publish(author=p, post=question, body="A")
        for p in (manager, ambassador)
    ]
    for liker in (manager, ambassador):
        like_actions.post_like(person=liker, post=question)
    like_actions.post_like(person=member, post=post)
    like_actions.comment_like(person=member, comment=answers[0])
    qa.answer_accept(actor=member, post=question, comment_id=answers[0].pk)
    like_actions.post_unlike(person=ambassador, post=question)
    moderation.post_hide(actor=people["owner"], post=post)
    qa.answer_accept(actor=member, post=question, comment_id=answers[1].pk)
    moderation.post_restore(actor=people["owner"], post=post)
    comment_actions.comment_remove(actor=ambassador, comment=answers[1])
    membership_actions.membership_remove(actor=people["owner"], community=open_club, person=manager)
    assert_consistent()
    for person in (member, manager, ambassador):
        assert total(person) == ledger_sum(person)
    assert total(manager) == 0
    assert total(member) == 5 + 10 + 2  # question, first contribution, one like kept
    assert total(ambassador) == 0
