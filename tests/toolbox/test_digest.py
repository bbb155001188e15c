"""The idea box in the weekly digest: "ideas accepted this week" in the reader's communities."""

import pytest

from rucher.mail.digests import digest_build_for
from rucher.toolbox.models import Idea
from tests.mail.test_digest import HOUR, NOW, cast, post  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _idea(author, community, title, *, status="accepted", at=NOW - HOUR):
    p = post(author, [community], title=title, kind="idea")
    Idea.objects.create(
        post=p,
        community=community,
        created_at=at,
        status=status,
        answer_html="<p>We do it</p>",
        status_changed_at=at,
    )
    return p


def test_the_weekly_digest_lists_the_ideas_accepted_in_my_communities(cast):  # noqa: F811
    accepted = _idea(cast.author, cast.garden, "Shared bikes")
    _idea(cast.author, cast.garden, "Still new", status="new")
    _idea(cast.author, cast.hidden_club, "Not mine")  # a community the reader cannot read
    _idea(cast.author, cast.lobby, "Not my community")
    _idea(cast.author, cast.garden, "Last month", at=NOW - 40 * 24 * HOUR)
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert [i.post_id for i in digest.ideas] == [accepted.pk]
    assert digest.ideas[0].answer == "We do it"
    assert digest.has_news
    assert digest_build_for(cast.reader, "daily", NOW).ideas == []
