"""Services: posts, cross-posting, edits, comments, likes, counters, notifications."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation

from rucher.actions import comments as comment_actions
from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions
from rucher.content import access
from rucher.content import attachments as uploads
from rucher.content.models import (
    MAX_BODY_LENGTH,
    Attachment,
    Comment,
    Post,
    PostCommunity,
    PostRevision,
    Tag,
)
from rucher.core.models import AuditEvent
from rucher.core.testing import run_queued_tasks
from rucher.notifications import fanout
from rucher.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    return world.people


@pytest.fixture
def communities(world):
    return world.communities


def create(people_, communities_, **kwargs):
    data = {
        "author": people_["member"],
        "communities": [communities_["open"]],
        "body": "Hello",
    }
    data.update(kwargs)
    return post_actions.post_publish(**data)


def errors_of(exc_info):
    return exc_info.value.message_dict


def test_it_creates_a_post_with_markdown_tags_and_mentions(people, communities):
    post = create(
        people,
        communities,
        title="Lean",
        body="**Bold** talk with @manager and @nobody about #Python and #lean",
        tags=["python", "Kaizen"],
    )
    assert "<strong>Bold</strong>" in post.body_html
    assert 'href="/people/manager/"' in post.body_html
    assert "/people/nobody/" not in post.body_html
    assert 'href="/tags/python/"' in post.body_html
    assert sorted(post.tags.values_list("slug", flat=True)) == ["kaizen", "lean", "python"]
    assert Tag.objects.filter(slug="python").count() == 1
    placement = PostCommunity.objects.get(post=post)
    assert placement.created_at == post.created_at


def test_python_and_python_are_one_tag(people, communities):
    create(people, communities, tags=["Python"])
    create(people, communities, tags=["python", "#PYTHON"])
    assert Tag.objects.filter(slug="python").count() == 1


def test_bare_links_become_links_without_stray_tags_or_mentions(people, communities):
    post = create(
        people,
        communities,
        body="Compte rendu : https://wiki.example.org/@manager/page#alpha et #beta @manager",
    )
    assert (
        '<a href="https://wiki.example.org/@manager/page#alpha" rel="noopener nofollow">'
        in post.body_html
    )
    # The #fragment and @name inside the link are part of the URL, not a tag or a mention.
    assert list(post.tags.values_list("slug", flat=True)) == ["beta"]
    assert post.body_html.count('href="/people/manager/"') == 1


def test_tags_in_code_are_not_tags(people, communities):
    post = create(people, communities, body="`#define` and\n\n    #include <x>\n")
    assert post.tags.count() == 0


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("body", {"body": ""}),
        ("body", {"body": "   "}),
        ("body", {"body": "x" * (MAX_BODY_LENGTH + 1)}),
        ("body", {"body": "nul\x00byte"}),
        ("title", {"title": "t" * 201}),
        ("title", {"title": "bell\x07"}),
        ("kind", {"kind": "poem"}),
        ("communities", {"communities": []}),
        ("tags", {"tags": ["x" * 51]}),
        ("tags", {"tags": [f"t{i}" for i in range(11)]}),
        ("attachments", {"attachment_ids": [999999]}),
    ],
)
def test_it_rejects_bad_input_naming_the_field(people, communities, field, kwargs):
    with pytest.raises(ValidationError) as exc_info:
        create(people, communities, **kwargs)
    assert field in errors_of(exc_info)
    assert Post.objects.count() == 0


def test_content_services_join_the_actions_transaction_without_savepoints(people, communities):
    """content.post_create, post_like and comment_like run in their action's transaction with
    no savepoint of their own; their refusals (raised outside that block) spoil nothing: the
    caller's transaction goes on."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rucher.content import services as content

    with transaction.atomic():
        with pytest.raises(ValidationError):
            content.post_create(
                author=people["outsider"], communities=[communities["open"]], body="x"
            )
        with CaptureQueriesContext(connection) as ctx:
            post = content.post_create(
                author=people["member"], communities=[communities["open"]], body="Hi #a"
            )
            content.post_like(person=people["owner"], post=post)
            content.post_like(person=people["owner"], post=post)
        with pytest.raises(ValidationError):
            content.post_like(person=people["member"], post=post)
        assert Post.objects.filter(pk=post.pk, like_count=1).exists()
    assert not [q for q in ctx.captured_queries if "SAVEPOINT" in q["sql"].upper()]


def test_the_body_limit_is_inclusive(people, communities):
    assert create(people, communities, body="x" * MAX_BODY_LENGTH).pk


def test_posting_requires_membership(people, communities):
    for position in ("outsider", "requester", "leaver"):
        with pytest.raises(ValidationError) as exc_info:
            create(people, communities, author=people[position])
        assert "communities" in errors_of(exc_info)
    assert Post.objects.count() == 0


def test_one_unknown_community_rejects_the_whole_cross_post(people, communities):
    with pytest.raises(ValidationError) as exc_info:
        access.communities_for_posting(people["member"], ["open-club", "nope"])
    assert "nope" in errors_of(exc_info)["communities"][0]
    # A secret community the author cannot see is unknown too.
    with pytest.raises(ValidationError):
        access.communities_for_posting(people["outsider"], [communities["secret"].slug])
    # And one community where the author is not a member rejects the whole post.
    with pytest.raises(ValidationError):
        create(
            people,
            communities,
            author=people["requester"],
            communities=[communities["open"], communities["private"]],
        )
    assert Post.objects.count() == 0
    assert PostCommunity.objects.count() == 0


def test_announcements_and_must_read_are_for_managers_of_every_community(people, communities):
    both = [communities["open"], communities["private"]]
    with pytest.raises(ValidationError) as exc_info:
        create(people, communities, kind="announcement")
    assert "kind" in errors_of(exc_info)
    with pytest.raises(ValidationError) as exc_info:
        create(people, communities, must_read=True)
    assert "must_read" in errors_of(exc_info)
    post = create(
        people,
        communities,
        author=people["manager"],
        communities=both,
        must_read=True,
        kind="announcement",
    )
    assert post.must_read and post.communities.count() == 2


def test_script_payloads_are_inert(people, communities):
    post = create(
        people,
        communities,
        title="<script>alert(1)</script>",
        body=(
            "<script>alert(1)</script> [x](javascript:alert(1)) "
            '<img src=x onerror=alert(1)> <svg onload="alert(1)"></svg> '
            "![i](data:image/svg+xml;base64,PHN2Zz4=)"
        ),
    )
    html = post.body_html
    assert "<script" not in html and "<svg" not in html and "<img src=x" not in html
    assert "&lt;svg" in html  # shown as text, never as markup
    assert 'href="javascript' not in html and 'src="data' not in html
    assert post.title == "<script>alert(1)</script>"  # stored as typed, escaped on output


def test_links_get_noopener_nofollow(people, communities):
    post = create(people, communities, body="[site](https://example.org)")
    assert 'rel="noopener nofollow"' in post.body_html


def test_edit_keeps_the_previous_version(people, communities):
    post = create(people, communities, title="v1", body="first text")
    post_actions.post_edit(editor=people["member"], post=post, title="v2", body="second #text")
    post.refresh_from_db()
    assert post.edited_at is not None
    assert "second" in post.body_html
    revision = PostRevision.objects.get(post=post)
    assert (revision.title, revision.body) == ("v1", "first text")
    assert list(post.tags.values_list("slug", flat=True)) == ["text"]
    with pytest.raises(PermissionDenied):
        post_actions.post_edit(editor=people["manager"], post=post, body="not mine")


def test_delete_by_author_moderator_and_admin(people, communities):
    post = create(people, communities)
    with pytest.raises(PermissionDenied):
        post_actions.post_remove(actor=people["ambassador"], post=post)
    post_actions.post_remove(actor=people["member"], post=post)
    assert not AuditEvent.objects.filter(action="post.delete").exists()
    for actor in ("manager", "administrator"):
        post = create(people, communities)
        comment_actions.comment_publish(author=people["owner"], post=post, body="c")
        post_actions.post_remove(actor=people[actor], post=post)
        assert not Post.objects.filter(pk=post.pk).exists()
        assert not Comment.objects.filter(post_id=post.pk).exists()
    assert AuditEvent.objects.filter(action="post.delete").count() == 2


def test_comments_have_one_level_of_replies_and_exact_counters(people, communities):
    post = create(people, communities)
    top = comment_actions.comment_publish(author=people["owner"], post=post, body="top")
    reply = comment_actions.comment_publish(
        author=people["manager"], post=post, body="re", parent=top
    )
    with translation.override("en"), pytest.raises(ValidationError) as exc_info:
        comment_actions.comment_publish(author=people["owner"], post=post, body="x", parent=reply)
    assert errors_of(exc_info)["parent"] == ["You can only reply to a top-level comment."]
    other = create(people, communities)
    with pytest.raises(ValidationError) as exc_info:
        comment_actions.comment_publish(author=people["owner"], post=other, body="x", parent=top)
    assert "parent" in errors_of(exc_info)
    with pytest.raises(ValidationError) as exc_info:
        comment_actions.comment_publish(author=people["owner"], post=post, body="")
    assert "body" in errors_of(exc_info)
    comment_actions.comment_publish(author=people["owner"], post=post, body="second")
    post.refresh_from_db()
    assert post.comment_count == 3
    comment_actions.comment_remove(actor=people["owner"], comment=top)  # with its reply
    post.refresh_from_db()
    assert post.comment_count == 1 == Comment.objects.filter(post=post).count()


def test_comment_edit_and_delete_rights(people, communities):
    post = create(people, communities)
    comment = comment_actions.comment_publish(author=people["owner"], post=post, body="mine")
    with pytest.raises(PermissionDenied):
        comment_actions.comment_edit(editor=people["ambassador"], comment=comment, body="x")
    comment_actions.comment_edit(editor=people["owner"], comment=comment, body="**edited**")
    comment.refresh_from_db()
    assert "<strong>edited</strong>" in comment.body_html and comment.edited_at
    comment_actions.comment_edit(editor=people["manager"], comment=comment, body="moderated")
    with pytest.raises(PermissionDenied):
        comment_actions.comment_remove(actor=people["ambassador"], comment=comment)
    comment_actions.comment_remove(actor=people["manager"], comment=comment)
    assert AuditEvent.objects.filter(action="comment.delete").count() == 1


def test_likes_are_idempotent_exact_and_never_on_own_content(people, communities):
    post = create(people, communities)
    assert like_actions.post_like(person=people["owner"], post=post).like_count == 1
    assert like_actions.post_like(person=people["owner"], post=post).like_count == 1
    assert like_actions.post_like(person=people["manager"], post=post).like_count == 2
    with pytest.raises(ValidationError) as exc_info:
        like_actions.post_like(person=people["member"], post=post)
    assert exc_info.value.code == "own_content"
    assert like_actions.post_unlike(person=people["owner"], post=post).like_count == 1
    assert like_actions.post_unlike(person=people["owner"], post=post).like_count == 1
    comment = comment_actions.comment_publish(author=people["owner"], post=post, body="c")
    assert like_actions.comment_like(person=people["member"], comment=comment).like_count == 1
    assert like_actions.comment_like(person=people["member"], comment=comment).like_count == 1
    with pytest.raises(ValidationError):
        like_actions.comment_like(person=people["owner"], comment=comment)
    assert like_actions.comment_unlike(person=people["member"], comment=comment).like_count == 0


RECOGNITION_KINDS = ["first_contribution", "badge"]


def _notifications():
    # First contributions to welcome and badges are tested in tests/recognition/.
    return sorted(
        Notification.objects.exclude(kind__in=RECOGNITION_KINDS).values_list(
            "recipient__username", "kind", "key"
        )
    )


# Jobs run like a worker's, which may close the connection: on PostgreSQL that needs real
# transactions rather than the test's wrapping one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_notifications_fan_out_once_to_readers_only(people, communities):
    with transaction.atomic():
        post = create(
            people,
            communities,
            communities=[communities["private"]],
            body="Hi @manager @outsider @leaver @owner",
        )
    run_queued_tasks()
    assert _notifications() == [
        ("manager", "mention", f"mention:post:{post.pk}"),
        ("owner", "mention", f"mention:post:{post.pk}"),
    ]
    with transaction.atomic():
        top = comment_actions.comment_publish(
            author=people["owner"], post=post, body="ok @ambassador"
        )
        reply = comment_actions.comment_publish(
            author=people["manager"], post=post, body="re", parent=top
        )
        like_actions.post_like(person=people["owner"], post=post)
        like_actions.comment_like(person=people["member"], comment=top)
    run_queued_tasks()
    found = set(_notifications())
    assert ("ambassador", "mention", f"mention:comment:{top.pk}") in found
    assert ("member", "comment", f"comment:{top.pk}") in found
    assert ("owner", "reply", f"reply:{reply.pk}") in found
    assert ("member", "comment", f"comment:{reply.pk}") in found
    assert ("member", "like", f"like:post:{post.pk}:{people['owner'].pk}") in found
    assert ("owner", "like", f"like:comment:{top.pk}:{people['member'].pk}") in found
    count = Notification.objects.count()
    # Running the jobs again creates nothing twice.
    fanout.post_notify_mentions(post_id=post.pk)
    fanout.comment_notify(comment_id=top.pk)
    fanout.comment_notify(comment_id=reply.pk)
    fanout.post_notify_like(post_id=post.pk, liker_id=people["owner"].pk)
    assert Notification.objects.count() == count


# Jobs run like a worker's, which may close the connection: on PostgreSQL that needs real
# transactions rather than the test's wrapping one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_like_undone_before_the_job_notifies_nobody(people, communities):
    post = create(people, communities)
    with transaction.atomic():
        like_actions.post_like(person=people["owner"], post=post)
        like_actions.post_unlike(person=people["owner"], post=post)
    run_queued_tasks()
    assert Notification.objects.exclude(kind__in=RECOGNITION_KINDS).count() == 0


def test_attachments_are_attached_once(people, communities):
    from tests.content.conftest import png_bytes, upload

    attachment = uploads.attachment_upload(
        uploader=people["member"], file=upload("a.png", png_bytes())
    )
    post = create(people, communities, attachment_ids=[attachment.pk])
    assert Attachment.objects.get(pk=attachment.pk).post_id == post.pk
    with pytest.raises(ValidationError) as exc_info:
        create(people, communities, attachment_ids=[attachment.pk])
    assert "attachments" in errors_of(exc_info)
    other = uploads.attachment_upload(uploader=people["owner"], file=upload("b.png", png_bytes()))
    with pytest.raises(ValidationError):
        create(people, communities, attachment_ids=[other.pk])
