"""Concurrent likes on PostgreSQL: the ledger and the totals never double count."""

import pytest
from django.db import connection

from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions
from rucher.communities.models import Community
from rucher.content.models import Post
from rucher.core.factories import PersonFactory
from tests.recognition.helpers import assert_ledger_consistent, reputation, run_in_threads

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers: nothing to race"
)
def test_concurrent_likes_count_once_each():
    author = PersonFactory(username="author")
    likers = [PersonFactory(username=f"liker{i}") for i in range(6)]
    community = Community.objects.create(name="Open", slug="open-race")
    from rucher.communities.models import Membership

    Membership.objects.create(community=community, person=author, role="owner")
    post = post_actions.post_publish(
        author=author, communities=[community], title="t", body="b", tags=["python", "go"]
    )

    def like(person):
        return lambda: like_actions.post_like(person=person, post=Post.objects.get(pk=post.pk))

    # Each liker twice at once, and six likers at once.
    errors = run_in_threads([like(p) for p in likers] + [like(p) for p in likers])
    assert errors == []
    assert reputation(author, "python") == 6
    assert reputation(author, "go") == 6
    assert Post.objects.get(pk=post.pk).like_count == 6
    errors = run_in_threads(
        [lambda p=p: like_actions.post_unlike(person=p, post=post) for p in likers[:3]] * 2
    )
    assert errors == []
    assert reputation(author, "python") == 3
    assert_ledger_consistent()
