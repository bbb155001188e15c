"""F-BADGES: each rule awards its badge once, announces it once, and shows it on the profile with
the date and why; re-running a check awards nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from rucher.actions import comments as comment_actions
from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.content.models import Comment, CommentLike, Post, PostKind, PostLike, Tag
from rucher.core.factories import PersonFactory
from rucher.core.testing import run_queued_tasks
from rucher.notifications.messages import notification_message, notification_url
from rucher.notifications.models import Notification
from rucher.qa import services as qa
from rucher.recognition.badges import BADGES, badges_check, has_streak, person_badges
from rucher.recognition.models import BadgeAward, Kudos, SkillReputation
from tests.recognition.ranking_helpers import local

pytestmark = pytest.mark.django_db


def codes(awards):
    return sorted(a.badge if not a.tag_id else f"{a.badge}:{a.tag.slug}" for a in awards)


def badge_notes(person):
    return list(
        Notification.objects.filter(recipient=person, kind=Notification.Kind.BADGE)
        .order_by("key")
        .values_list("key", flat=True)
    )


@pytest.fixture
def club(world):
    return world.communities["open"]


@pytest.fixture
def member(world):
    return world.people["member"]


def _post(person, community, **kwargs):
    kwargs.setdefault("body", "Hello")
    return post_actions.post_publish(author=person, communities=[community], **kwargs)


def test_a_first_post_is_awarded_once_and_notified_once(club, member):
    assert badges_check(person_id=member.pk) == []
    _post(member, club)
    assert codes(badges_check(person_id=member.pk)) == ["first_post"]
    assert badge_notes(member) == ["badge:first_post"]
    # Checked again (a retry, another event): nothing new, no second notification.
    _post(member, club, body="Again")
    assert badges_check(person_id=member.pk) == []
    assert BadgeAward.objects.filter(person=member).count() == 1
    assert badge_notes(member) == ["badge:first_post"]


def test_a_question_earns_the_question_badge_not_the_post_badge(club, member):
    _post(member, club, kind=PostKind.QUESTION, title="How?")
    assert codes(badges_check(person_id=member.pk)) == ["first_question"]


def test_a_hidden_post_earns_nothing(club, member):
    post = _post(member, club)
    Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now())
    assert badges_check(person_id=member.pk) == []


def test_an_answer_counts_but_a_comment_on_ones_own_question_does_not(world, club, member):
    asker = world.people["ambassador"]
    mine = _post(member, club, kind=PostKind.QUESTION, title="Mine?")
    comment_actions.comment_publish(author=member, post=mine, body="Any news?")
    assert "first_answer" not in codes(badges_check(person_id=member.pk))
    theirs = _post(asker, club, kind=PostKind.QUESTION, title="Theirs?")
    answer = comment_actions.comment_publish(author=member, post=theirs, body="Like this.")
    # A reply under someone's comment is not an answer either.
    comment_actions.comment_publish(
        author=world.people["manager"], post=theirs, body="+1", parent=answer
    )
    assert codes(badges_check(person_id=member.pk)) == ["first_answer"]
    assert codes(badges_check(person_id=world.people["manager"].pk)) == []


def test_an_accepted_answer_earns_its_badge(world, club, member):
    asker = world.people["ambassador"]
    question = _post(asker, club, kind=PostKind.QUESTION, title="Why?")
    answer = comment_actions.comment_publish(author=member, post=question, body="Because.")
    assert "first_accepted_answer" not in codes(badges_check(person_id=member.pk))
    qa.answer_accept(actor=asker, post=question, comment_id=answer.pk)
    assert codes(badges_check(person_id=member.pk)) == ["first_accepted_answer"]


def test_ten_likes_from_others_earn_a_badge_and_self_likes_do_not_count(world, club, member):
    post = _post(member, club)
    others = PersonFactory.create_batch(9)
    PostLike.objects.bulk_create([PostLike(post=post, person=p) for p in others])
    PostLike.objects.create(post=post, person=member)  # a self-like (refused by the service)
    assert codes(badges_check(person_id=member.pk)) == ["first_post"]
    # The tenth like comes on an answer: likes on posts and comments add up.
    question = _post(world.people["manager"], club, kind=PostKind.QUESTION, title="Q")
    answer = Comment.objects.create(post=question, author=member, body="A")
    CommentLike.objects.create(comment=answer, person=PersonFactory())
    assert "likes_10" in codes(badges_check(person_id=member.pk))
    assert "badge:likes_10" in badge_notes(member)
    assert "likes_100" not in codes(BadgeAward.objects.filter(person=member))


def test_a_hundred_likes_earn_the_second_badge_once(club, member):
    post = _post(member, club)
    likers = PersonFactory.create_batch(100)
    PostLike.objects.bulk_create([PostLike(post=post, person=p) for p in likers])
    found = codes(badges_check(person_id=member.pk))
    assert {"likes_10", "likes_100"} <= set(found)
    assert badges_check(person_id=member.pk) == []
    assert badge_notes(member).count("badge:likes_100") == 1


def _contribute_on(person, community, *moments):
    for moment in moments:
        post = _post(person, community, body=f"At {moment}")
        Post.objects.filter(pk=post.pk).update(created_at=moment)


def test_seven_consecutive_days_make_a_streak(club, member):
    monday = local(2026, 3, 2, 9)
    _contribute_on(member, club, *[monday + timedelta(days=i) for i in range(6)])
    now = monday + timedelta(days=6, hours=3)
    assert "streak_7" not in codes(badges_check(person_id=member.pk, now=now))
    # A comment on the seventh day completes the streak.
    comment = comment_actions.comment_publish(
        author=member, post=Post.objects.first(), body="Day 7"
    )
    Comment.objects.filter(pk=comment.pk).update(created_at=monday + timedelta(days=6))
    assert "streak_7" in codes(badges_check(person_id=member.pk, now=now))


def test_a_gap_breaks_the_streak(club, member):
    monday = local(2026, 3, 2, 9)
    days = [0, 1, 2, 4, 5, 6, 7]  # Thursday is missing
    _contribute_on(member, club, *[monday + timedelta(days=i) for i in days])
    assert "streak_7" not in codes(
        badges_check(person_id=member.pk, now=monday + timedelta(days=7, hours=1))
    )


def test_streak_days_are_counted_in_the_organisation_time_zone(club, member):
    # Sunday 23:30 in Paris is 22:30 UTC: it belongs to Sunday, and Monday 00:30 to Monday.
    sunday = local(2026, 3, 8, 23, 30)
    monday = local(2026, 3, 9, 0, 30)
    moments = [sunday - timedelta(days=i) for i in range(5, -1, -1)] + [monday]
    _contribute_on(member, club, *moments)
    assert "streak_7" in codes(badges_check(person_id=member.pk, now=monday + timedelta(hours=1)))


def test_two_posts_around_midnight_utc_are_one_day_in_paris(club, member):
    # 00:30 and 23:30 Paris on the same Tuesday are two different UTC days (22:30 the day
    # before, 21:30): five such days plus one are only six local days, not a streak.
    moments = []
    for i in range(6):
        day = local(2026, 3, 3 + i, 0, 30)
        moments += [day, day + timedelta(hours=23)]
    _contribute_on(member, club, *moments)
    now = local(2026, 3, 9, 0, 0)
    assert "streak_7" not in codes(badges_check(person_id=member.pk, now=now))


def test_has_streak_needs_consecutive_days():
    from datetime import date

    start = date(2026, 1, 1)
    assert has_streak([start + timedelta(days=i) for i in range(7)])
    assert not has_streak([start + timedelta(days=i) for i in range(6)])
    assert not has_streak([start + timedelta(days=i) for i in (0, 1, 2, 3, 4, 5, 7)])
    assert has_streak([start + timedelta(days=i) for i in (0, 2, 3, 4, 5, 6, 7, 8)])


def test_becoming_ambassador_awards_the_badge_through_the_job(
    world, club, django_capture_on_commit_callbacks
):
    newcomer = PersonFactory(username="newcomer")
    with django_capture_on_commit_callbacks(execute=True):
        membership_actions.membership_set_role(
            actor=world.people["owner"], community=club, person=newcomer, role="member"
        )
    run_queued_tasks()
    assert not BadgeAward.objects.filter(person=newcomer).exists()
    with django_capture_on_commit_callbacks(execute=True):
        membership_actions.membership_set_role(
            actor=world.people["owner"], community=club, person=newcomer, role="ambassador"
        )
    run_queued_tasks()
    assert codes(BadgeAward.objects.filter(person=newcomer)) == ["ambassador"]
    assert badge_notes(newcomer) == ["badge:ambassador"]


def test_the_ambassador_badge_does_not_name_the_secret_community(world):
    ambassador = world.people["ambassador"]  # ambassador of the open, private and secret clubs
    badges_check(person_id=ambassador.pk)
    (badge,) = person_badges(ambassador, ambassador)
    assert badge.code == "ambassador"
    for text in (badge.name, badge.why):
        assert world.communities["secret"].name not in text
    assert BadgeAward.objects.get(person=ambassador).data == {}


def test_helpful_in_a_tag_is_one_badge_per_tag(member):
    python = Tag.objects.create(name="Python", slug="python")
    django = Tag.objects.create(name="Django", slug="django")
    SkillReputation.objects.create(person=member, tag=python, reputation=10)
    SkillReputation.objects.create(person=member, tag=django, reputation=9)
    assert codes(badges_check(person_id=member.pk)) == ["helpful:python"]
    SkillReputation.objects.filter(tag=django).update(reputation=12)
    SkillReputation.objects.filter(tag=python).update(reputation=30)
    assert codes(badges_check(person_id=member.pk)) == ["helpful:django"]
    assert sorted(badge_notes(member)) == sorted(
        [f"badge:helpful:{django.pk}", f"badge:helpful:{python.pk}"]
    )
    with translation.override("en"):
        names = sorted(b.name for b in person_badges(member, member))
    assert names == ["Helpful in Django", "Helpful in Python"]


def test_a_first_thanks_received_earns_a_badge(world, club, member):
    giver = world.people["ambassador"]
    post = Post.objects.create(author=giver, kind=PostKind.KUDOS, body="Thanks Bob!")
    Kudos.objects.create(post=post, giver=giver, receiver=member, community=club)
    assert codes(badges_check(person_id=member.pk)) == ["first_thanks"]
    assert codes(badges_check(person_id=giver.pk)) == ["ambassador"]


def test_a_departed_person_gets_nothing(club, member):
    _post(member, club)
    member.is_active = False
    member.save()
    assert badges_check(person_id=member.pk) == []


def test_a_badge_awarded_meanwhile_is_not_awarded_or_notified_twice(club, member, monkeypatch):
    _post(member, club)
    BadgeAward.objects.create(person=member, badge="first_post")
    # A concurrent check that read the held badges before the other one wrote its award.
    original = BadgeAward.objects.filter

    def stale(*args, **kwargs):
        qs = original(*args, **kwargs)
        return qs.none() if kwargs.keys() == {"person"} else qs

    monkeypatch.setattr(BadgeAward.objects, "filter", stale)
    assert badges_check(person_id=member.pk) == []
    monkeypatch.undo()
    assert BadgeAward.objects.filter(person=member).count() == 1
    assert badge_notes(member) == []


def test_the_notification_names_the_badge_and_links_to_the_profile(club, member):
    _post(member, club)
    badges_check(person_id=member.pk)
    note = Notification.objects.get(recipient=member, kind=Notification.Kind.BADGE)
    with translation.override("en"):
        assert notification_message(note) == "You earned the badge “First post”"
    assert notification_url(note) == f"/people/{member.username}/"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_badge_has_a_name_and_a_reason(language):
    with translation.override(language):
        for badge in BADGES.values():
            assert badge.label("X") and badge.reason("X")
            if badge.per_tag:
                assert "X" in badge.label("X") and "X" in badge.reason("X")


def test_the_profile_shows_the_badges_with_date_and_why(client_for, club, member, world):
    _post(member, club)
    badges_check(person_id=member.pk, now=local(2026, 3, 4, 10))
    body = client_for(world.people["outsider"]).get(f"/people/{member.username}/").content
    text = body.decode()
    assert "First post" in text
    assert "Published a first post." in text
    assert 'datetime="2026-03-04T' in text


def test_a_person_holding_every_badge_costs_three_queries(member, django_assert_num_queries):
    BadgeAward.objects.bulk_create(
        [BadgeAward(person=member, badge=code) for code, b in BADGES.items() if not b.per_tag]
    )
    # The person, the badges held, and the tags where they might be helpful.
    with django_assert_num_queries(3):
        assert badges_check(person_id=member.pk) == []
