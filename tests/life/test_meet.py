"""Meet a colleague: never someone one has interacted with when others remain, another
department and site first; and "propose a coffee" (accept/decline, notifications)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rucher.accounts.models import Follow
from rucher.content.models import Comment, CommentLike, Post, PostLike
from rucher.core.factories import PersonFactory
from rucher.life.meet import interacted_ids, meet_colleague
from rucher.life.models import CoffeeProposal
from rucher.notifications.models import Notification

pytestmark = pytest.mark.django_db
TRIES = 30


def _suggestions(viewer):
    return {getattr(meet_colleague(viewer), "username", None) for _ in range(TRIES)}


def _post(author):
    return Post.objects.create(author=author, body="x", body_html="<p>x</p>")


@pytest.mark.parametrize(
    "interaction",
    [
        "i_follow",
        "follows_me",
        "i_commented",
        "commented_mine",
        "i_replied",
        "replied_to_me",
        "i_liked_post",
        "liked_my_post",
        "i_liked_comment",
        "liked_my_comment",
    ],
)
def test_it_avoids_people_one_has_interacted_with(member, interaction):
    known = PersonFactory(username="known", profile_completeness=100)
    PersonFactory(username="fresh", profile_completeness=100)
    me = member
    if interaction == "i_follow":
        Follow.objects.create(follower=me, followee=known)
    elif interaction == "follows_me":
        Follow.objects.create(follower=known, followee=me)
    elif interaction == "i_commented":
        Comment.objects.create(post=_post(known), author=me, body="a", body_html="a")
    elif interaction == "commented_mine":
        Comment.objects.create(post=_post(me), author=known, body="a", body_html="a")
    elif interaction in ("i_replied", "replied_to_me"):
        post = _post(PersonFactory())
        asker, replier = (known, me) if interaction == "i_replied" else (me, known)
        top = Comment.objects.create(post=post, author=asker, body="a", body_html="a")
        Comment.objects.create(post=post, author=replier, parent=top, body="b", body_html="b")
    elif interaction == "i_liked_post":
        PostLike.objects.create(post=_post(known), person=me)
    elif interaction == "liked_my_post":
        PostLike.objects.create(post=_post(me), person=known)
    elif interaction == "i_liked_comment":
        # On the post of someone never suggested: only the like on the comment links them.
        comment = Comment.objects.create(
            post=_post(PersonFactory(meet_opt_out=True)), author=known, body="a", body_html="a"
        )
        CommentLike.objects.create(comment=comment, person=me)
    elif interaction == "liked_my_comment":
        comment = Comment.objects.create(
            post=_post(PersonFactory(meet_opt_out=True)), author=me, body="a", body_html="a"
        )
        CommentLike.objects.create(comment=comment, person=known)
    assert known.pk in interacted_ids(me)
    assert _suggestions(me) == {"fresh"}


def test_someone_who_knows_everyone_still_meets_a_colleague(member):
    known = PersonFactory(username="known")
    Follow.objects.create(follower=member, followee=known)
    assert _suggestions(member) == {"known"}


def test_it_prefers_another_department_and_site(member):
    # bob: Finance, Lyon
    PersonFactory(username="same_both", department="Finance", site="Lyon", profile_completeness=100)
    PersonFactory(username="same_site", department="RH", site="Lyon", profile_completeness=100)
    elsewhere = PersonFactory(
        username="elsewhere", department="RH", site="Paris", profile_completeness=100
    )
    assert _suggestions(member) == {"elsewhere"}
    elsewhere.delete()
    assert _suggestions(member) == {"same_site"}


def test_the_home_page_offers_to_propose_a_coffee(client, member, colleague):
    client.force_login(member)
    html = client.get("/").content.decode()
    assert "/people/carol/coffee" in html


def _soon():
    return (timezone.now() + timedelta(days=2)).replace(microsecond=0)


def test_a_coffee_is_proposed_accepted_and_both_are_notified(
    api_for, member, colleague, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = api_for(member).call(
            "post",
            "/people/carol/coffee",
            {"suggested_at": _soon().isoformat(), "message": "Un café à la cafétéria ?"},
        )
    assert r.status_code == 201, r.json()
    coffee = r.json()
    assert coffee["status"] == "pending"
    assert Notification.objects.filter(recipient=colleague, kind="coffee").count() == 1
    received = api_for(colleague).call("get", "/me/coffees").json()["items"]
    assert [c["id"] for c in received] == [coffee["id"]]
    assert (
        api_for(member).call("get", "/me/coffees?sent=true").json()["items"][0]["id"]
        == coffee["id"]
    )
    # The proposer cannot answer their own proposal; an outsider does not see it.
    assert (
        api_for(member)
        .call("post", f"/coffees/{coffee['id']}/answer", {"accept": True})
        .status_code
        == 403
    )
    outsider = PersonFactory()
    assert (
        api_for(outsider)
        .call("post", f"/coffees/{coffee['id']}/answer", {"accept": True})
        .status_code
        == 404
    )
    with django_capture_on_commit_callbacks(execute=True):
        r = api_for(colleague).call("post", f"/coffees/{coffee['id']}/answer", {"accept": True})
    assert r.status_code == 200
    assert r.json()["status"] == "accepted"
    notification = Notification.objects.get(recipient=member, kind="coffee_answer")
    assert notification.data["accepted"] is True
    # Answered once only.
    r = api_for(colleague).call("post", f"/coffees/{coffee['id']}/answer", {"accept": False})
    assert r.status_code == 400


def test_a_coffee_can_be_declined(member, colleague):
    from rucher.life import services

    proposal = services.coffee_propose(proposer=member, colleague=colleague, suggested_at=_soon())
    services.coffee_answer(actor=colleague, proposal=proposal, accept=False)
    proposal.refresh_from_db()
    assert proposal.status == "declined"


@pytest.mark.parametrize(
    ("who", "when", "status", "field"),
    [
        ("carol", "past", 400, "suggested_at"),
        ("bob", "soon", 400, "colleague"),
        ("nobody", "soon", 404, None),
        ("dave", "soon", 404, None),
        ("carol", "garbage", 422, "suggested_at"),
    ],
)
def test_bad_coffee_proposals_are_refused(api, colleague, departed, who, when, status, field):
    moment = {
        "past": (timezone.now() - timedelta(hours=1)).isoformat(),
        "soon": _soon().isoformat(),
        "garbage": "tomorrow-ish",
    }[when]
    r = api.call("post", f"/people/{who}/coffee", {"suggested_at": moment})
    assert r.status_code == status, r.json()
    if field:
        assert field in r.json()["fields"]
    assert not CoffeeProposal.objects.exists()


def test_a_second_pending_proposal_to_the_same_colleague_is_refused(api, member, colleague):
    assert (
        api.call("post", "/people/carol/coffee", {"suggested_at": _soon().isoformat()}).status_code
        == 201
    )
    r = api.call("post", "/people/carol/coffee", {"suggested_at": _soon().isoformat()})
    assert r.status_code == 400
    assert CoffeeProposal.objects.count() == 1
