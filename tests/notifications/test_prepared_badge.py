"""The unread badge and the session's person are compiled once per process (rucher.core.prepared):
the same answers as the ORM's queries, for every position around every community, and nothing
kept between calls but the SQL (leaving, removal and hiding apply at the very next count)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rucher.accounts.backends import LocalPasswordBackend, person_of_session
from rucher.communities import services as community_services
from rucher.communities.models import Membership
from rucher.content.models import Post
from rucher.core.memo import request_memo
from rucher.core.prepared import prepared_clear, prepared_rows
from rucher.notifications.models import Notification
from rucher.notifications.selectors import UNREAD_CAP, unread_count, visible_notifications
from tests.communities.personas import POSITIONS
from tests.notifications.posts import make_post

pytestmark = pytest.mark.django_db


def _orm_count(person):
    return visible_notifications(person).filter(read_at__isnull=True).count()


def _notify_everyone_about_everything(world):
    people = [p for name, p in world.people.items() if name != "anonymous"]
    owner = world.people["owner"]
    rows = []
    for visibility, community in world.communities.items():
        shown = make_post(owner, [community], title=f"{visibility} shown")
        hidden = make_post(owner, [community], title=f"{visibility} hidden", hidden=True)
        for person in people:
            for post in (shown, hidden):
                rows.append(
                    Notification(recipient=person, kind="like", key=f"p{post.pk}", post=post)
                )
            rows.append(
                Notification(
                    recipient=person,
                    kind="join_decision",
                    key=f"c{community.pk}",
                    community=community,
                    data={"approved": True},
                )
            )
    Notification.objects.bulk_create(rows)


@pytest.mark.parametrize("position", [p for p in POSITIONS if p != "anonymous"])
def test_the_prepared_badge_counts_what_the_orm_counts(world, position):
    _notify_everyone_about_everything(world)
    person = world.people[position]
    expected = _orm_count(person)
    assert unread_count(person) == expected
    prepared_clear()  # compiled afresh, same answer
    assert unread_count(person) == expected


def test_people_of_the_same_shape_share_the_sql_but_never_the_answer(world):
    _notify_everyone_about_everything(world)
    # member and ambassador: members of all three, same shape of scope, different ids.
    counts = {name: unread_count(world.people[name]) for name in ("member", "ambassador")}
    assert counts == {name: _orm_count(world.people[name]) for name in counts}
    Notification.objects.filter(recipient=world.people["member"]).update(read_at=timezone.now())
    assert unread_count(world.people["member"]) == 0
    assert unread_count(world.people["ambassador"]) == counts["ambassador"] > 0


def test_leaving_or_being_removed_applies_at_the_next_count(world):
    _notify_everyone_about_everything(world)
    member, secret = world.people["member"], world.communities["secret"]
    before = unread_count(member)
    community_services.community_leave(person=member, community=secret)
    assert unread_count(member) == _orm_count(member) < before
    open_club = world.communities["open"]
    owner = world.people["owner"]
    ambassador = world.people["ambassador"]
    before = unread_count(ambassador)
    community_services.membership_remove(actor=owner, community=open_club, person=ambassador)
    assert unread_count(ambassador) == _orm_count(ambassador) < before
    # Inside one request too: the write clears the request's memo of memberships.
    with request_memo():
        before = unread_count(ambassador)
        community_services.community_leave(
            person=ambassador, community=world.communities["private"]
        )
        assert unread_count(ambassador) == _orm_count(ambassador) < before


def test_hiding_a_post_applies_at_the_next_count(world):
    member = world.people["member"]
    post = make_post(world.people["owner"], [world.communities["open"]], title="Soon hidden")
    Notification.objects.create(recipient=member, kind="like", key="h", post=post)
    assert unread_count(member) == 1
    Post.objects.filter(pk=post.pk).update(hidden_at=post.created_at)
    assert unread_count(member) == 0


def test_the_badge_stops_at_the_cap(world):
    member = world.people["member"]
    Notification.objects.bulk_create(
        Notification(recipient=member, kind="mention", key=f"k{i}") for i in range(UNREAD_CAP + 5)
    )
    assert unread_count(member) == UNREAD_CAP


def test_the_session_person_is_the_orms(world):
    member = world.people["member"]
    found = person_of_session(member.pk)
    assert found is not None and not found._state.adding and found._state.db == "default"
    for field in type(member)._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(
            type(member).objects.get(pk=member.pk), field.attname
        )
    assert person_of_session(10**12) is None
    with CaptureQueriesContext(connection) as ctx:
        person_of_session(member.pk)
    assert len(ctx.captured_queries) == 1


def test_an_inactive_person_has_no_session(world):
    member = world.people["member"]
    type(member).objects.filter(pk=member.pk).update(is_active=False)
    assert LocalPasswordBackend().get_user(member.pk) is None


def test_a_builder_that_ignores_a_value_is_refused():
    with pytest.raises(ValueError, match="every value"):
        prepared_rows(
            "test_ignores_a_value",
            lambda values: Membership.objects.filter(person=values["person"]).values_list("pk"),
            {"person": 1, "unused": (1, 2)},
        )
