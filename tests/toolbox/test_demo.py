"""`rucher demo`: every demo community gets articles with covers, forum topics with replies
and ideas in every status with votes, once."""

import io

import pytest
from django.core.management import call_command

from rucher.communities.models import Community
from rucher.content.models import Post
from rucher.toolbox.models import Article, ArticleCover, Idea, IdeaVote, Topic

pytestmark = pytest.mark.django_db


def test_the_demo_fills_every_community_toolbox_once():
    call_command("demo", stdout=io.StringIO())
    counts = (Article.objects.count(), Topic.objects.count(), Idea.objects.count())
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "Demo toolbox: 0 articles, 0 forum topics and 0 ideas created now." in out.getvalue()
    assert (Article.objects.count(), Topic.objects.count(), Idea.objects.count()) == counts
    filled = 0
    for community in Community.objects.all():
        if community.member_count < 3:
            continue
        filled += 1
        articles = Article.objects.filter(community=community)
        assert ArticleCover.objects.filter(post__in=articles.values("post")).exists(), community
        assert Topic.objects.filter(community=community, post__comment_count__gt=0).exists()
        statuses = set(Idea.objects.filter(community=community).values_list("status", flat=True))
        assert {"under_study", "accepted", "done", "declined"} <= statuses | {"new"}, community
    assert filled >= 10
    for idea in Idea.objects.all():
        assert idea.vote_count == IdeaVote.objects.filter(post=idea.post_id).count()
    for topic in Topic.objects.select_related("post"):
        assert topic.post.comment_count == topic.post.comments.count()
    # Every toolbox post has its rows (the demo content's own articles and ideas included).
    for post in Post.objects.filter(kind__in=["article", "idea", "discussion"]):
        rows = {"article": Article, "idea": Idea, "discussion": Topic}[post.kind]
        assert rows.objects.filter(post=post).count() == post.placements.count()
