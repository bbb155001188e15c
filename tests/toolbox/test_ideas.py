"""The idea box: one vote per person (never one's own), statuses set by managers with a public
answer, notifications to the author and the voters, points while accepted."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from rucher.actions import ideas
from rucher.core.testing import run_queued_tasks
from rucher.notifications.models import Notification
from rucher.recognition.models import PointsEntry
from rucher.recognition.points import points_total
from rucher.toolbox import selectors, services
from rucher.toolbox.models import Idea
from tests.toolbox.conftest import publish

pytestmark = pytest.mark.django_db


def test_it_counts_one_vote_per_person(world, open_club):
    author, voter = world.people["member"], world.people["manager"]
    idea = publish(author, open_club, "idea", "Plant trees")
    assert services.idea_vote(person=voter, post=idea).vote_count == 1
    again = services.idea_vote(person=voter, post=idea)
    assert (again.vote_count, again.changed) == (1, False)
    assert services.idea_vote(person=world.people["owner"], post=idea).vote_count == 2
    state = services.idea_unvote(person=voter, post=idea)
    assert (state.voted, state.vote_count) == (False, 1)
    assert Idea.objects.get(post=idea).vote_count == 1


def test_it_refuses_a_vote_for_ones_own_idea_or_a_non_idea(world, open_club):
    author = world.people["member"]
    idea = publish(author, open_club, "idea")
    with pytest.raises(ValidationError) as caught:
        services.idea_vote(person=author, post=idea)
    assert caught.value.code == "own_idea"
    post = publish(author, open_club, "post")
    with pytest.raises(ValidationError) as caught:
        services.idea_vote(person=world.people["manager"], post=post)
    assert caught.value.code == "not_an_idea"
    assert Idea.objects.get(post=idea).vote_count == 0


def test_it_sorts_ideas_by_votes_or_recency_and_filters_by_status(world, open_club):
    author = world.people["member"]
    old = publish(author, open_club, "idea", "Old but loved")
    publish(author, open_club, "idea", "New")
    for person in ("manager", "owner"):
        services.idea_vote(person=world.people[person], post=old)
    by_votes = selectors.ideas_page(author, open_club, sort="votes")
    assert [p.title for p in by_votes.items] == ["Old but loved", "New"]
    recent = selectors.ideas_page(author, open_club, sort="recent")
    assert [p.title for p in recent.items] == ["New", "Old but loved"]
    ideas.idea_status_change(
        actor=world.people["manager"], post=old, status="accepted", answer="Yes!"
    )
    accepted = selectors.ideas_page(author, open_club, status="accepted")
    assert [p.title for p in accepted.items] == ["Old but loved"]
    first = selectors.ideas_page(author, open_club, limit=1)
    second = selectors.ideas_page(author, open_club, cursor=first.next_cursor, limit=1)
    assert [p.title for p in second.items] == ["New"]


def test_a_manager_accepts_an_idea_and_the_author_and_voters_hear_of_it(
    world, open_club, web, django_capture_on_commit_callbacks
):
    author, manager = world.people["member"], world.people["manager"]
    voter = world.people["ambassador"]
    idea = publish(author, open_club, "idea", "Bike racks")
    services.idea_vote(person=voter, post=idea)
    before = points_total(author.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = web(manager).post(
            f"/posts/{idea.pk}/idea-status", {"status": "accepted", "answer": "We **will** do it"}
        )
    assert response.status_code == 302
    run_queued_tasks()
    row = Idea.objects.get(post=idea)
    assert (row.status, row.answered_by) == ("accepted", manager)
    assert "<strong>will</strong>" in row.answer_html
    assert points_total(author.pk) == before + 20
    notified = set(
        Notification.objects.filter(kind="idea_status", post=idea).values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == {"member", "ambassador"}
    page = web(author).get(f"/posts/{idea.pk}/")
    assert "We <strong>will</strong> do it" in page.text
    assert "Accepted" in page.text
    inbox = web(author).get("/notifications/")
    assert "Bike racks" in inbox.text
    # Back to under study: the points go, the voters hear again.
    with django_capture_on_commit_callbacks(execute=True):
        ideas.idea_status_change(actor=manager, post=idea, status="under_study", answer="Wait")
    run_queued_tasks()
    assert points_total(author.pk) == before
    assert Notification.objects.filter(kind="idea_status", post=idea).count() == 4
    # Email follows the preferences: this kind waits for the digest by default (no email now).
    assert not [m for m in mail.outbox if "Bike racks" in m.subject]


def test_accepting_then_done_earns_the_points_once(world, open_club):
    author, manager = world.people["member"], world.people["manager"]
    idea = publish(author, open_club, "idea")
    ideas.idea_status_change(actor=manager, post=idea, status="accepted", answer="Yes")
    ideas.idea_status_change(actor=manager, post=idea, status="done", answer="Done")
    live = PointsEntry.objects.filter(reason="idea_accepted", post_id=idea.pk)
    assert sum(live.values_list("points", flat=True)) == 20


def test_only_managers_set_the_status(world, open_club, web):
    idea = publish(world.people["member"], open_club, "idea")
    with pytest.raises(PermissionDenied):
        ideas.idea_status_change(
            actor=world.people["ambassador"], post=idea, status="done", answer="x"
        )
    response = web(world.people["member"]).post(
        f"/posts/{idea.pk}/idea-status", {"status": "done", "answer": "x"}
    )
    assert response.status_code == 403
    assert web(world.people["removed"]).post(f"/posts/{idea.pk}/idea-status").status_code == 404
    assert Idea.objects.get(post=idea).status == "new"


def test_it_refuses_an_unknown_status_or_no_answer(world, open_club):
    idea = publish(world.people["member"], open_club, "idea")
    with pytest.raises(ValidationError) as caught:
        ideas.idea_status_change(
            actor=world.people["manager"], post=idea, status="maybe", answer="x"
        )
    assert "new, under_study, accepted, done, declined" in str(caught.value)
    with pytest.raises(ValidationError):
        ideas.idea_status_change(
            actor=world.people["manager"], post=idea, status="done", answer="  "
        )
    assert Idea.objects.get(post=idea).status == "new"


def test_web_voting_works_without_javascript(world, open_club, web):
    idea = publish(world.people["member"], open_club, "idea", "Vote me")
    client = web(world.people["manager"])
    response = client.post(f"/posts/{idea.pk}/vote", {"vote": "1"})
    assert response.status_code == 302
    assert Idea.objects.get(post=idea).vote_count == 1
    page = client.get(f"/c/{open_club.slug}/ideas/")
    assert 'aria-pressed="true"' in page.text
    client.post(f"/posts/{idea.pk}/vote", {"vote": "0"})
    assert Idea.objects.get(post=idea).vote_count == 0
    assert web(world.people["removed"]).post(f"/posts/{idea.pk}/vote").status_code == 404


def test_the_ideas_page_has_a_query_budget(world, open_club, web, django_assert_max_num_queries):
    member = world.people["member"]
    for n in range(12):
        idea = publish(member, open_club, "idea", f"Idea {n}")
        services.idea_vote(person=world.people["manager"], post=idea)
    client = web(member)
    client.get(f"/c/{open_club.slug}/ideas/")
    with django_assert_max_num_queries(14) as few:
        assert client.get(f"/c/{open_club.slug}/ideas/?sort=recent").status_code == 200
    publish(member, open_club, "idea", "One more")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/c/{open_club.slug}/ideas/?sort=recent")
