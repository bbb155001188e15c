"""Posts and comments written below the actions (watch feeds, imports) are searchable at once
(content.services' unattended listeners, registered by the search app)."""

import pytest
from django.utils import timezone

from rucher.content import services as content
from tests.search.test_selectors import found

pytestmark = pytest.mark.django_db


def test_a_watch_feed_post_and_an_imported_comment_are_found(world):
    reader = world.people["member"]
    post = content.post_create_unattended(
        author=None,
        communities=[world.communities["open"]],
        kind="post",
        title="Veille cybersécurité",
        body="Nouvelle faille zéro-day corrigée",
    )
    assert ("post", post.pk) in found(reader, "faille")
    comment = content.comment_create_unattended(
        author=world.people["owner"], post=post, body="Correctif déployé partout"
    )
    assert ("comment", comment.pk) in found(reader, "correctif")


def test_bulk_imported_posts_and_comments_are_found_only_by_readers(world):
    now = timezone.now()
    (post,) = content.posts_import_bulk(
        items=[
            content.ImportedPost(
                author_id=world.people["owner"].pk,
                community_id=world.communities["secret"].pk,
                body="Archive importée de Yammer: budget confidentiel",
                created_at=now,
            )
        ]
    )
    (comment,) = content.comments_import_bulk(
        items=[
            content.ImportedComment(
                author_id=world.people["member"].pk,
                post_id=post.pk,
                parent_id=None,
                body="Réponse importée sur le budget",
                created_at=now,
            )
        ]
    )
    member, outsider = world.people["member"], world.people["outsider"]
    assert {("post", post.pk), ("comment", comment.pk)} <= set(found(member, "budget"))
    assert found(outsider, "budget") == []
