"""The web profile shows earned skills ranked, apart from declared expertise."""

import pytest

from rucher.accounts import services as accounts
from rucher.content import services as content

pytestmark = pytest.mark.django_db


def test_the_profile_shows_earned_skills_ranked(world, client_for):
    people = world.people
    for tags, likers in ((["rust"], ["manager"]), (["django"], ["manager", "owner"])):
        post = content.post_create(
            author=people["member"],
            communities=[world.communities["open"]],
            title="t",
            body="b",
            tags=tags,
        )
        for liker in likers:
            content.post_like(person=people[liker], post=post)
    accounts.profile_update(person=people["member"], changes={"expertise": ["Cobol"]})
    body = client_for(people["outsider"]).get("/people/member/").content.decode()
    earned = body[body.index("Earned skills") : body.index("Declared expertise")]
    assert earned.index("django") < earned.index("rust")
    assert "Cobol" not in earned
