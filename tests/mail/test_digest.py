"""Digests (F-DIGEST): what goes into one person's digest, and when a period is due.

Everything is built with `digest_build_for` at a fixed moment; posts are made with the ORM at
chosen times so that the windows are exact.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from rucher.accounts.models import DeclaredSkill, User
from rucher.actions import posts as post_actions
from rucher.communities.models import Community, Membership
from rucher.communities.services import community_leave
from rucher.content.models import Post, PostCommunity, Tag
from rucher.core.factories import PersonFactory
from rucher.mail import digests
from rucher.mail.digests import digest_build_for, due_period_start, period_due_at
from rucher.mail.models import DigestRun, EmailPreference, OutboxMessage
from rucher.notifications.models import Notification
from rucher.qa.models import Question
from rucher.recognition.models import SkillReputation, WeeklyTop

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")
# A Monday, 07:30 in Paris: both digests are due.
NOW = datetime(2026, 5, 11, 7, 30, tzinfo=PARIS)
HOUR = timedelta(hours=1)


def community(name: str, visibility: str = "open") -> Community:
    return Community.objects.create(
        name=name, slug=name.lower().replace(" ", "-"), visibility=visibility
    )


def join(person: User, *communities: Community, role: str = "member") -> None:
    for c in communities:
        Membership.objects.create(community=c, person=person, role=role)
        Community.objects.filter(pk=c.pk).update(member_count=F("member_count") + 1)


def post(
    author: User | None,
    communities: list[Community],
    *,
    title: str = "",
    body: str = "Some text",
    at: datetime = NOW - HOUR,
    likes: int = 0,
    kind: str = Post.Kind.POST,
    hidden: bool = False,
    tags: tuple[str, ...] = (),
) -> Post:
    p = Post.objects.create(
        author=author, kind=kind, title=title, body=body, body_html=f"<p>{escape(body)}</p>"
    )
    Post.objects.filter(pk=p.pk).update(
        created_at=at, like_count=likes, hidden_at=NOW - HOUR if hidden else None
    )
    p.refresh_from_db()
    PostCommunity.objects.bulk_create(
        [PostCommunity(post=p, community=c, created_at=at) for c in communities]
    )
    for slug in tags:
        tag, _ = Tag.objects.get_or_create(slug=slug, defaults={"name": slug})
        p.tags.add(tag)
    return p


def question(
    author: User, communities: list[Community], *, tags: tuple[str, ...], at=NOW - HOUR, **kw
) -> Post:
    p = post(author, communities, kind=Post.Kind.QUESTION, tags=tags, at=at, **kw)
    Question.objects.create(post=p, asked_at=at, due_at=at + timedelta(hours=8))
    return p


def notify(recipient: User, kind: str, *, post_: Post | None = None, at=NOW - HOUR, **kw):
    n = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        key=f"{kind}:{Notification.objects.count()}",
        post=post_,
        **kw,
    )
    Notification.objects.filter(pk=n.pk).update(created_at=at)
    n.refresh_from_db()
    return n


def prefer(person: User, **changes: str) -> None:
    for kind, delivery in changes.items():
        EmailPreference.objects.update_or_create(
            person=person, kind=kind, defaults={"delivery": delivery}
        )


def ids(items) -> list[int]:
    return [item.post_id for item in items]


@dataclass
class Cast:
    reader: User
    author: User
    garden: Community  # open, reader and author are members
    secret: Community  # secret, reader and author are members
    hidden_club: Community  # secret, only the author is a member
    lobby: Community  # open, only the author is a member


@pytest.fixture
def cast(db) -> Cast:
    reader = PersonFactory(username="reader", display_name="Rita Reader", language="en")
    author = PersonFactory(username="author", display_name="Arno Author")
    garden = community("Garden")
    secret = community("Cellar", "secret")
    hidden_club = community("Hidden club", "secret")
    lobby = community("Lobby")
    join(reader, garden, secret)
    join(author, garden, secret, hidden_club, lobby)
    return Cast(reader, author, garden, secret, hidden_club, lobby)


# --- content of one's communities ---------------------------------------------------------------


def test_most_liked_and_newest_posts_of_the_readers_communities(cast):
    liked = post(cast.author, [cast.garden], title="Loved", likes=5)
    liked_less = post(cast.author, [cast.secret], title="Liked", likes=2)
    fresh = post(cast.author, [cast.garden], title="Fresh", at=NOW - 2 * HOUR)
    fresher = post(cast.author, [cast.secret], title="Fresher", at=NOW - HOUR)
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert ids(digest.liked) == [liked.pk, liked_less.pk]
    assert ids(digest.newest) == [fresher.pk, fresh.pk]
    assert digest.liked[0].community == "Garden"
    assert digest.liked[0].author == "Arno Author"
    assert digest.liked[0].url == f"http://127.0.0.1:8000/posts/{liked.pk}/"
    assert digest.has_news


def test_posts_of_communities_one_is_not_in_never_appear(cast):
    post(cast.author, [cast.hidden_club], title="Secret plan", likes=9)
    post(cast.author, [cast.lobby], title="Open but not mine", likes=9)
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert digest.liked == [] and digest.newest == []
    assert not digest.has_news


def test_a_cross_post_shows_under_the_readers_community_only(cast):
    both = post(cast.author, [cast.hidden_club, cast.garden], title="Both", likes=1)
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert ids(digest.liked) == [both.pk]
    assert digest.liked[0].community == "Garden"


def test_a_member_who_left_stops_getting_that_communitys_content_at_once(cast):
    post(cast.author, [cast.secret], title="Cellar news")
    assert len(digest_build_for(cast.reader, "weekly", NOW).newest) == 1
    community_leave(person=cast.reader, community=cast.secret)
    assert digest_build_for(cast.reader, "weekly", NOW).newest == []


def test_a_removed_member_gets_nothing_more(cast):
    post(cast.author, [cast.secret], title="Cellar news")
    Membership.objects.filter(person=cast.reader, community=cast.secret).update(
        status=Membership.Status.REMOVED
    )
    assert digest_build_for(cast.reader, "weekly", NOW).newest == []


def test_own_hidden_and_out_of_window_posts_are_left_out(cast):
    post(cast.reader, [cast.garden], title="Mine", likes=3)
    post(cast.author, [cast.garden], title="Hidden", likes=3, hidden=True)
    post(cast.author, [cast.garden], title="Too old", at=NOW - timedelta(days=8))
    post(cast.author, [cast.garden], title="Future", at=NOW + HOUR)
    kept = post(cast.author, [cast.garden], title="Kept")
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert ids(digest.liked) == []
    assert ids(digest.newest) == [kept.pk]


def test_the_window_starts_at_the_last_digest_of_the_period(cast):
    last = NOW - timedelta(days=3)
    DigestRun.objects.create(
        person=cast.reader,
        period="weekly",
        period_start=date(2026, 5, 4),
        since=last - timedelta(days=7),
        until=last,
    )
    post(cast.author, [cast.garden], title="Before", at=last - HOUR)
    after = post(cast.author, [cast.garden], title="After", at=last + HOUR)
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert digest.since == last
    assert ids(digest.newest) == [after.pk]
    # The daily digest has its own window (one day: no daily digest yet).
    prefer(cast.reader, digest="daily")
    assert digest_build_for(cast.reader, "daily", NOW).since == NOW - timedelta(days=1)


def test_a_deleted_post_is_gone(cast):

    gone = post(cast.author, [cast.garden], title="Oops", likes=4)
    assert ids(digest_build_for(cast.reader, "weekly", NOW).liked) == [gone.pk]
    post_actions.post_remove(actor=cast.author, post=gone)
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert digest.liked == [] and digest.newest == []


def test_a_long_gap_looks_back_one_period_only(cast):
    DigestRun.objects.create(
        person=cast.reader,
        period="weekly",
        period_start=date(2026, 1, 5),
        since=datetime(2025, 12, 29, tzinfo=UTC),
        until=datetime(2026, 1, 5, tzinfo=UTC),
    )
    assert digest_build_for(cast.reader, "weekly", NOW).since == NOW - timedelta(days=7)


def test_few_posts_each_and_excerpts_are_plain_text(cast):
    for i in range(12):
        post(
            cast.author,
            [cast.garden],
            title=f"Post {i}",
            body=f"**Bold** <b>{i}</b> & more",
            likes=i,
            at=NOW - (i + 1) * HOUR,
        )
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert len(digest.liked) == digests.LIKED_LIMIT
    assert len(digest.newest) == digests.NEWEST_LIMIT
    assert not set(ids(digest.liked)) & set(ids(digest.newest))
    # The stored HTML is turned back into plain text (the email templates escape it again).
    assert digest.liked[0].excerpt == "**Bold** <b>11</b> & more"


def test_an_untitled_post_uses_its_text_as_title(cast):
    post(cast.author, [cast.garden], body="Short text only")
    item = digest_build_for(cast.reader, "weekly", NOW).newest[0]
    assert item.title == "Short text only"
    assert item.excerpt == ""


# --- questions in one's skills ------------------------------------------------------------------


def test_unanswered_questions_in_declared_and_earned_skills(cast):
    DeclaredSkill.objects.create(person=cast.reader, name="Python", slug="python")
    q_declared = question(cast.author, [cast.lobby], tags=("python",), title="Py?")
    q_earned = question(cast.author, [cast.garden], tags=("rust",), title="Rust?")
    rust = Tag.objects.get(slug="rust")
    SkillReputation.objects.create(person=cast.reader, tag=rust, reputation=3)
    golang = Tag.objects.create(slug="go", name="go")
    SkillReputation.objects.create(person=cast.reader, tag=golang, reputation=0)
    question(cast.author, [cast.garden], tags=("go",), title="Go? (no reputation in go)")
    question(cast.author, [cast.garden], tags=("cobol",), title="Cobol?")
    answered = question(cast.author, [cast.garden], tags=("python",), title="Answered")
    Question.objects.filter(post=answered).update(first_answer_at=NOW - HOUR)
    question(cast.reader, [cast.garden], tags=("python",), title="My own")
    question(cast.author, [cast.hidden_club], tags=("python",), title="Secret question")
    question(cast.author, [cast.lobby], tags=("python",), title="Old", at=NOW - timedelta(days=9))
    question(cast.author, [cast.lobby], tags=("python",), title="Hidden", hidden=True)
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert sorted(ids(digest.questions)) == sorted([q_declared.pk, q_earned.pk])
    by_id = {q.post_id: q for q in digest.questions}
    # A question in an open community the reader is not in is readable: it is shown, with
    # the community it can be read through.
    assert by_id[q_declared.pk].community == "Lobby"
    assert by_id[q_declared.pk].tags == ["python"]
    # A question listed as a question is not repeated among the newest posts.
    assert q_earned.pk not in ids(digest.newest)


def test_a_person_removed_from_an_open_community_gets_none_of_its_questions(cast):
    # Removal is a ban: the open community's content is no longer readable by that person
    # (the web and the notification emails hide it; the digest follows the same rule).
    DeclaredSkill.objects.create(person=cast.reader, name="Python", slug="python")
    Membership.objects.create(
        community=cast.lobby, person=cast.reader, status=Membership.Status.REMOVED
    )
    question(cast.author, [cast.lobby], tags=("python",), title="Lobby question")
    both = question(cast.author, [cast.lobby, cast.garden], tags=("python",), title="Both")
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert ids(digest.questions) == [both.pk]
    # Shown under the community it is still readable through.
    assert digest.questions[0].community == "Garden"


def test_no_skills_no_questions(cast):
    question(cast.author, [cast.garden], tags=("python",))
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert digest.questions == []


def test_administrators_see_questions_of_any_community(cast):
    admin = PersonFactory(username="boss", is_staff=True)
    DeclaredSkill.objects.create(person=admin, name="Python", slug="python")
    q = question(cast.author, [cast.hidden_club], tags=("python",))
    assert ids(digest_build_for(admin, "weekly", NOW).questions) == [q.pk]


# --- the week's top 3 ---------------------------------------------------------------------------


def _freeze(week: date, people: list[User], at: datetime) -> None:
    for rank, person in enumerate(people, start=1):
        WeeklyTop.objects.create(
            week_start=week, person=person, rank=rank, points=100 - rank, frozen_at=at
        )


def test_the_top3_frozen_since_the_last_digest_is_included(cast):
    third = PersonFactory(display_name="Zoé Third")
    _freeze(date(2026, 4, 27), [cast.reader, cast.author, third], NOW - timedelta(days=8))
    _freeze(date(2026, 5, 4), [cast.author, third, cast.reader], NOW - 7 * HOUR)
    post(cast.author, [cast.garden], title="News")
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert [e.name for e in digest.top3] == ["Arno Author", "Zoé Third", "Rita Reader"]
    assert digest.top3_week == date(2026, 5, 4)
    assert digest.top3[0].url.endswith("/people/author/")
    # Daily: on the day after freezing only.
    prefer(cast.reader, digest="daily")
    assert len(digest_build_for(cast.reader, "daily", NOW).top3) == 3
    assert digest_build_for(cast.reader, "daily", NOW + timedelta(days=1)).top3 == []


def test_people_who_left_are_not_shown_in_the_top3(cast):
    gone = PersonFactory(display_name="Gone", is_active=False)
    _freeze(date(2026, 5, 4), [gone, cast.author], NOW - HOUR)
    assert [e.name for e in digest_build_for(cast.reader, "weekly", NOW).top3] == ["Arno Author"]


def test_a_top3_frozen_after_the_digest_moment_waits(cast):
    _freeze(date(2026, 5, 4), [cast.author], NOW + HOUR)
    assert digest_build_for(cast.reader, "weekly", NOW).top3 == []


def test_the_top3_alone_is_no_news(cast):
    _freeze(date(2026, 5, 4), [cast.author], NOW - HOUR)
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert len(digest.top3) == 1
    assert not digest.has_news


# --- pending notifications ----------------------------------------------------------------------


def test_notifications_of_digest_kinds_go_into_the_matching_digest(cast):
    liked = post(cast.reader, [cast.garden], title="My post")
    like = notify(cast.reader, "like", post_=liked, actor=cast.author)  # weekly by default
    notify(cast.reader, "mention", post_=liked, actor=cast.author)  # immediate by default
    weekly = digest_build_for(cast.reader, "weekly", NOW)
    assert [n.notification_id for n in weekly.notices] == [like.pk]
    assert weekly.notices[0].message == "Arno Author liked your post “My post”"
    assert weekly.notices[0].url == f"http://127.0.0.1:8000/posts/{liked.pk}/"
    assert weekly.has_news
    assert digest_build_for(cast.reader, "daily", NOW).notices == []
    prefer(cast.reader, like="daily")
    assert digest_build_for(cast.reader, "weekly", NOW).notices == []
    daily = digest_build_for(cast.reader, "daily", NOW)
    assert [n.notification_id for n in daily.notices] == [like.pk]
    # Only notices in the daily digest: the content of communities stays weekly.
    assert not daily.with_content


def test_read_emailed_old_and_invisible_notifications_are_left_out(cast):
    mine = post(cast.reader, [cast.garden], title="Mine")
    read = notify(cast.reader, "like", post_=mine, actor=cast.author)
    read.read_at = NOW
    read.save()
    emailed = notify(cast.reader, "like", post_=mine, actor=cast.author)
    OutboxMessage.objects.create(
        key="x", recipient=cast.reader, to_address="r@example.org", kind="like",
        notification=emailed, subject="s", body_text="t", message_id="<m>",
    )  # fmt: skip
    notify(cast.reader, "like", post_=mine, at=NOW - timedelta(days=8))
    secret_post = post(cast.author, [cast.hidden_club], title="Not for me")
    notify(cast.reader, "like", post_=secret_post)
    hidden_post = post(cast.author, [cast.garden], title="Hidden", hidden=True)
    notify(cast.reader, "like", post_=hidden_post)
    notify(cast.reader, "join_decision", community=cast.hidden_club)
    kept = notify(cast.reader, "like", post_=mine)
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert [n.notification_id for n in digest.notices] == [kept.pk]


def test_notifications_about_a_left_community_vanish(cast):
    cellar_post = post(cast.reader, [cast.secret], title="Cellar")
    notify(cast.reader, "like", post_=cellar_post, actor=cast.author)
    assert len(digest_build_for(cast.reader, "weekly", NOW).notices) == 1
    community_leave(person=cast.reader, community=cast.secret)
    assert digest_build_for(cast.reader, "weekly", NOW).notices == []


def test_notifications_about_a_post_of_an_open_community_one_was_removed_from_vanish(cast):
    lobby_post = post(cast.author, [cast.lobby], title="Lobby")
    notify(cast.reader, "mention", post_=lobby_post, actor=cast.author)
    prefer(cast.reader, mention="weekly")
    assert len(digest_build_for(cast.reader, "weekly", NOW).notices) == 1
    Membership.objects.create(
        community=cast.lobby, person=cast.reader, status=Membership.Status.REMOVED
    )
    assert digest_build_for(cast.reader, "weekly", NOW).notices == []


def test_many_notifications_are_counted_beyond_the_limit(cast):
    for _ in range(digests.NOTICES_LIMIT + 3):
        notify(cast.reader, "weekly_top")
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert len(digest.notices) == digests.NOTICES_LIMIT
    assert digest.more_notices == 3


# --- preferences --------------------------------------------------------------------------------


def test_daily_weekly_and_never(cast):
    post(cast.author, [cast.garden], title="News")
    # Default: weekly.
    assert digest_build_for(cast.reader, "weekly", NOW).with_content
    assert not digest_build_for(cast.reader, "daily", NOW).has_news
    prefer(cast.reader, digest="daily")
    assert digest_build_for(cast.reader, "daily", NOW).has_news
    assert not digest_build_for(cast.reader, "weekly", NOW).has_news
    # Never stops every digest, notifications included.
    prefer(cast.reader, digest="never", like="daily")
    notify(cast.reader, "like", post_=post(cast.reader, [cast.garden]))
    for period in ("daily", "weekly"):
        digest = digest_build_for(cast.reader, period, NOW)
        assert not digest.has_news and digest.notices == []


def test_unknown_period_is_refused(cast):
    with pytest.raises(ValueError):
        digest_build_for(cast.reader, "monthly", NOW)


# --- the schedule -------------------------------------------------------------------------------


def at_utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_nothing_is_due_before_the_local_hour():
    # 06:59 and 07:00 in Paris in May (UTC+2).
    assert due_period_start("daily", datetime(2026, 5, 12, 6, 59, tzinfo=PARIS)) is None
    assert due_period_start("daily", datetime(2026, 5, 12, 7, 0, tzinfo=PARIS)) == date(2026, 5, 12)
    assert due_period_start("daily", datetime(2026, 5, 12, 23, 59, tzinfo=PARIS)) == date(
        2026, 5, 12
    )


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Spring forward (Sunday 29 March 2026, 02:00 → 03:00): 07:00 local is 05:00 UTC.
        (at_utc(2026, 3, 29, 4, 59), None),
        (at_utc(2026, 3, 29, 5, 0), date(2026, 3, 29)),
        # The day before, 07:00 local was 06:00 UTC.
        (at_utc(2026, 3, 28, 5, 30), None),
        (at_utc(2026, 3, 28, 6, 0), date(2026, 3, 28)),
        # Fall back (Sunday 25 October 2026): 07:00 local is 06:00 UTC again.
        (at_utc(2026, 10, 25, 5, 59), None),
        (at_utc(2026, 10, 25, 6, 0), date(2026, 10, 25)),
        # Just after local midnight the local date is already the next day: not yet due.
        (at_utc(2026, 3, 28, 23, 30), None),
    ],
)
def test_the_local_hour_holds_across_daylight_saving_changes(moment, expected):
    assert due_period_start("daily", moment) == expected


def test_a_daylight_saving_gap_hour_still_falls_due(settings):
    # 02:00 does not exist in Paris on 29 March 2026: the digest goes when 02:00 has passed.
    settings.RUCHER_DIGEST_HOUR = 2
    assert due_period_start("daily", at_utc(2026, 3, 29, 0, 30)) is None
    assert due_period_start("daily", at_utc(2026, 3, 29, 1, 0)) == date(2026, 3, 29)


def test_the_weekly_digest_is_due_from_its_weekday_and_hour(settings):
    monday = date(2026, 5, 11)
    assert due_period_start("weekly", datetime(2026, 5, 11, 6, 0, tzinfo=PARIS)) is None
    assert due_period_start("weekly", datetime(2026, 5, 11, 7, 0, tzinfo=PARIS)) == monday
    # Later in the week it is still this week's (a worker that was down catches up).
    assert due_period_start("weekly", datetime(2026, 5, 17, 23, 0, tzinfo=PARIS)) == monday
    settings.RUCHER_DIGEST_WEEKDAY = 5  # Friday
    settings.RUCHER_DIGEST_HOUR = 16
    assert due_period_start("weekly", datetime(2026, 5, 14, 17, 0, tzinfo=PARIS)) is None
    assert due_period_start("weekly", datetime(2026, 5, 15, 15, 59, tzinfo=PARIS)) is None
    assert due_period_start("weekly", datetime(2026, 5, 15, 16, 0, tzinfo=PARIS)) == monday
    assert period_due_at("weekly", monday) == datetime(2026, 5, 15, 16, 0, tzinfo=PARIS)


def test_bad_schedule_settings_are_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.RUCHER_DIGEST_HOUR = 24
    with pytest.raises(ImproperlyConfigured):
        due_period_start("daily", NOW)
    settings.RUCHER_DIGEST_HOUR = 7
    settings.RUCHER_DIGEST_WEEKDAY = 0
    with pytest.raises(ImproperlyConfigured):
        due_period_start("weekly", NOW)


# --- cost ---------------------------------------------------------------------------------------


def _queries(person: User) -> int:
    with CaptureQueriesContext(connection) as ctx:
        digest_build_for(person, "weekly", NOW)
    return len(ctx.captured_queries)


def test_one_digest_costs_the_same_queries_whatever_the_posts_and_communities(cast):
    DeclaredSkill.objects.create(person=cast.reader, name="Python", slug="python")
    question(cast.author, [cast.garden], tags=("python",))
    notify(cast.reader, "badge")
    notify(cast.reader, "like", post_=post(cast.reader, [cast.garden]))
    post(cast.author, [cast.garden], likes=1)
    _freeze(date(2026, 5, 4), [cast.author], NOW - HOUR)
    small = _queries(cast.reader)
    more = [community(f"More {i}", "private") for i in range(6)]
    join(cast.reader, *more)
    join(cast.author, *more)
    for i in range(40):
        p = post(cast.author, [more[i % 6], cast.garden], likes=i % 4, at=NOW - i * HOUR / 4)
        notify(cast.reader, "like", post_=p)
        question(cast.author, [more[i % 6]], tags=("python",), at=NOW - i * HOUR / 3)
    big = _queries(cast.reader)
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert len(digest.newest) == digests.NEWEST_LIMIT
    assert len(digest.questions) == digests.QUESTIONS_LIMIT
    assert len(digest.notices) == digests.NOTICES_LIMIT
    assert big == small
    # 13, the week's accepted ideas (rucher.toolbox) and upcoming events (rucher.agenda): one
    # query a batch each.
    assert small <= 15
