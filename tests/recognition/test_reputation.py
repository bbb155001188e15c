"""F-SKILLS-EARNED: reputation gained from likes and accepted answers, and exactly reversed."""

import pytest
from django.core.exceptions import ValidationError

from rucher.actions import comments as comment_actions
from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions
from rucher.content.models import Post
from rucher.recognition import selectors, services
from rucher.recognition.models import ReputationEvent
from tests.recognition.helpers import assert_ledger_consistent, reputation

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_club(world):
    return world.communities["open"]


def _post(world, author="member", *, tags=("Python", "django"), kind="post", body="Hello"):
    return post_actions.post_publish(
        author=world.people[author],
        communities=[world.communities["open"]],
        kind=kind,
        title="A title",
        body=body,
        tags=list(tags),
    )


def test_it_gives_one_point_per_tag_for_a_liked_post(world):
    post = _post(world)
    like_actions.post_like(person=world.people["manager"], post=post)
    like_actions.post_like(person=world.people["ambassador"], post=post)
    member = world.people["member"]
    assert reputation(member, "python") == 2
    assert reputation(member, "django") == 2
    assert ReputationEvent.objects.count() == 4
    assert_ledger_consistent()


def test_it_counts_a_like_once_even_when_repeated(world):
    post = _post(world)
    like_actions.post_like(person=world.people["manager"], post=post)
    like_actions.post_like(person=world.people["manager"], post=post)
    services.reputation_on_post_like(post=post, liker=world.people["manager"], liked=True)
    assert reputation(world.people["member"], "python") == 1
    assert_ledger_consistent()


def test_it_reverses_exactly_on_unlike(world):
    post = _post(world)
    like_actions.post_like(person=world.people["manager"], post=post)
    like_actions.post_like(person=world.people["owner"], post=post)
    like_actions.post_unlike(person=world.people["manager"], post=post)
    like_actions.post_unlike(person=world.people["manager"], post=post)
    assert reputation(world.people["member"], "python") == 1
    like_actions.post_unlike(person=world.people["owner"], post=post)
    assert reputation(world.people["member"], "python") == 0
    assert selectors.earned_skills(world.people["member"], world.people["member"]) == []
    assert ReputationEvent.objects.count() == 0
    assert_ledger_consistent()


def test_self_likes_earn_nothing(world):
    post = _post(world)
    with pytest.raises(ValidationError):
        like_actions.post_like(person=world.people["member"], post=post)
    assert (
        services.reputation_on_post_like(post=post, liker=world.people["member"], liked=True) == 0
    )
    assert reputation(world.people["member"], "python") == 0


def test_it_gives_nothing_for_untagged_content(world):
    post = _post(world, tags=())
    like_actions.post_like(person=world.people["manager"], post=post)
    assert ReputationEvent.objects.count() == 0
    assert selectors.earned_skills(world.people["member"], world.people["member"]) == []


def test_tag_case_variants_are_one_tag(world):
    first = _post(world, tags=("Python",))
    second = _post(world, tags=("  PYTHON ", "#python"))
    like_actions.post_like(person=world.people["manager"], post=first)
    like_actions.post_like(person=world.people["manager"], post=second)
    skills = selectors.earned_skills(world.people["member"], world.people["member"])
    assert [(s.slug, s.reputation) for s in skills] == [("python", 2)]


def _question_with_answer(world):
    question = _post(world, "owner", tags=("Python",), kind="question", body="How?")
    answer = comment_actions.comment_publish(
        author=world.people["member"], post=question, body="So."
    )
    return question, answer


def test_a_liked_answer_gives_two_points(world):
    _question, answer = _question_with_answer(world)
    like_actions.comment_like(person=world.people["manager"], comment=answer)
    assert reputation(world.people["member"], "python") == 2
    like_actions.comment_unlike(person=world.people["manager"], comment=answer)
    assert reputation(world.people["member"], "python") == 0
    assert_ledger_consistent()


def test_a_liked_comment_that_is_not_an_answer_gives_nothing(world):
    post = _post(world, "owner", tags=("Python",))
    comment = comment_actions.comment_publish(author=world.people["member"], post=post, body="Nice")
    question, answer = _question_with_answer(world)
    reply = comment_actions.comment_publish(
        author=world.people["ambassador"], post=question, body="+1", parent=answer
    )
    like_actions.comment_like(person=world.people["manager"], comment=comment)
    like_actions.comment_like(person=world.people["manager"], comment=reply)
    assert ReputationEvent.objects.count() == 0


def test_an_accepted_answer_gives_five_points_and_unaccepting_takes_them_back(world):
    question, answer = _question_with_answer(world)
    assert services.reputation_on_accept(question_post=question, comment=answer, accepted=True) == 1
    assert services.reputation_on_accept(question_post=question, comment=answer, accepted=True) == 0
    assert reputation(world.people["member"], "python") == 5
    like_actions.comment_like(person=world.people["manager"], comment=answer)
    assert reputation(world.people["member"], "python") == 7
    services.reputation_on_accept(question_post=question, comment=answer, accepted=False)
    assert reputation(world.people["member"], "python") == 2
    assert_ledger_consistent()


def test_accepting_ones_own_answer_or_another_questions_answer_gives_nothing(world):
    question, _answer = _question_with_answer(world)
    own = comment_actions.comment_publish(
        author=world.people["owner"], post=question, body="Found it"
    )
    other_question = _post(world, "owner", tags=("Go",), kind="question")
    answer_elsewhere = comment_actions.comment_publish(
        author=world.people["member"], post=other_question, body="Go!"
    )
    assert services.reputation_on_accept(question_post=question, comment=own, accepted=True) == 0
    assert (
        services.reputation_on_accept(
            question_post=question, comment=answer_elsewhere, accepted=True
        )
        == 0
    )
    assert ReputationEvent.objects.count() == 0


def test_deleting_the_post_takes_back_everything_it_earned(world):
    question, answer = _question_with_answer(world)
    like_actions.post_like(person=world.people["manager"], post=question)
    like_actions.comment_like(person=world.people["manager"], comment=answer)
    services.reputation_on_accept(question_post=question, comment=answer, accepted=True)
    assert reputation(world.people["owner"], "python") == 1
    assert reputation(world.people["member"], "python") == 7
    post_actions.post_remove(actor=world.people["owner"], post=question)
    assert reputation(world.people["owner"], "python") == 0
    assert reputation(world.people["member"], "python") == 0
    assert ReputationEvent.objects.count() == 0
    assert_ledger_consistent()


def test_deleting_the_answer_takes_back_its_reputation_only(world):
    question, answer = _question_with_answer(world)
    like_actions.post_like(person=world.people["manager"], post=question)
    like_actions.comment_like(person=world.people["manager"], comment=answer)
    services.reputation_on_accept(question_post=question, comment=answer, accepted=True)
    comment_actions.comment_remove(actor=world.people["member"], comment=answer)
    assert reputation(world.people["member"], "python") == 0
    assert reputation(world.people["owner"], "python") == 1
    assert_ledger_consistent()


def test_ledger_and_totals_agree_after_a_mixed_history(world):
    people = world.people
    posts = [_post(world, tags=("a", "b")), _post(world, "owner", tags=("b", "c"))]
    question, answer = _question_with_answer(world)
    for liker in ("manager", "ambassador"):
        for post in posts:
            if post.author_id != people[liker].pk:
                like_actions.post_like(person=people[liker], post=post)
        like_actions.comment_like(person=people[liker], comment=answer)
    services.reputation_on_accept(question_post=question, comment=answer, accepted=True)
    like_actions.post_unlike(person=people["ambassador"], post=posts[0])
    like_actions.comment_unlike(person=people["manager"], comment=answer)
    assert_ledger_consistent()
    assert reputation(people["member"], "a") == 1
    assert reputation(people["member"], "python") == 2 + 5


def test_rebuild_repairs_totals_after_a_deletion_that_bypassed_the_services(world):
    post = _post(world)
    like_actions.post_like(person=world.people["manager"], post=post)
    Post.objects.filter(pk=post.pk).delete()  # e.g. from the Django admin
    assert reputation(world.people["member"], "python") == 1
    assert services.skill_reputation_rebuild() == 2
    assert reputation(world.people["member"], "python") == 0
    assert_ledger_consistent()


def test_selectors_rank_people_and_skills(world):
    people = world.people
    a = _post(world, tags=("python",))
    b = _post(world, "ambassador", tags=("python", "go"))
    like_actions.post_like(person=people["manager"], post=a)
    like_actions.post_like(person=people["owner"], post=a)
    like_actions.post_like(person=people["manager"], post=b)
    assert selectors.top_skill_slugs(people["ambassador"]) == ["go", "python"]
    assert selectors.experts_for_tags(["Python"]) == [
        (people["member"].pk, 2),
        (people["ambassador"].pk, 1),
    ]
    assert selectors.experts_for_tags(["python", "go"], exclude_ids=[people["member"].pk]) == [
        (people["ambassador"].pk, 2)
    ]
    assert selectors.experts_for_tags([]) == []


def test_a_like_on_the_askers_own_comment_earns_no_answer_points(db):
    from rucher.content.models import Comment, Post, PostKind, is_answer
    from rucher.core.factories import PersonFactory

    asker = PersonFactory()
    question = Post(author=asker, kind=PostKind.QUESTION, body="?")
    own = Comment(post=question, author=asker, body="precision")
    other = Comment(post=question, author=PersonFactory(), body="answer")
    assert not is_answer(own, question)
    assert is_answer(other, question)


def test_an_edit_that_removes_a_tag_withdraws_what_it_earned(world):
    member = world.people["member"]
    post = _post(world, tags=("django",), body="Talk about #alpha")
    like_actions.post_like(person=world.people["manager"], post=post)
    assert (reputation(member, "alpha"), reputation(member, "django")) == (1, 1)
    post_actions.post_edit(editor=member, post=post, body="Talk about #beta")
    # The old text's tag goes, the tag given in the field stays, the new hashtag comes.
    assert sorted(post.tags.values_list("slug", flat=True)) == ["beta", "django"]
    assert (reputation(member, "alpha"), reputation(member, "django")) == (0, 1)
    assert reputation(member, "beta") == 0  # earned only by likes that come after
    assert_ledger_consistent()
    like_actions.post_like(person=world.people["owner"], post=post)
    assert (reputation(member, "beta"), reputation(member, "django")) == (1, 2)
    assert_ledger_consistent()


def test_an_edit_keeps_a_tag_the_new_text_still_names(world):
    member = world.people["member"]
    post = _post(world, tags=(), body="#alpha and #gamma")
    like_actions.post_like(person=world.people["manager"], post=post)
    post_actions.post_edit(editor=member, post=post, body="Only #gamma now")
    assert list(post.tags.values_list("slug", flat=True)) == ["gamma"]
    assert (reputation(member, "alpha"), reputation(member, "gamma")) == (0, 1)
    assert_ledger_consistent()
