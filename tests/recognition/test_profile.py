"""The web profile shows earned skills ranked, apart from declared expertise."""

import pytest

from rucher.accounts import services as accounts
from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions

pytestmark = pytest.mark.django_db


def test_the_profile_shows_earned_skills_ranked(world, client_for):
    people = world.people
    for tags, likers in ((["rust"], ["manager"]), (["django"], ["manager", "owner"])):
        post = post_actions.post_publish(
            author=people["member"],
            communities=[world.communities["open"]],
            title="t",
            body="b",
            tags=tags,
        )
        for liker in likers:
            like_actions.post_like(person=people[liker], post=post)
    accounts.profile_update(person=people["member"], changes={"expertise": ["Cobol"]})
    body = client_for(people["outsider"]).get("/people/member/").content.decode()
    earned = body[body.index("Earned skills") : body.index("Declared expertise")]
    assert earned.index("django") < earned.index("rust")
    assert "Cobol" not in earned
