"""The rows of content: posts (with cross-posting), edits, comments, likes. Only content's own
rows: the effects in the apps above (question state, points, reputation, notifications) are
composed by rucher.actions, which every entry point calls. Uploads: rucher.content.attachments.

Limits (documented for users and API clients): a post's text is at most MAX_BODY_LENGTH
(20,000) characters, its title 200, a comment 10,000; at most 10 tags of 50 characters each
(explicit tags and #hashtags together) and 10 attachments of RUCHER_ATTACHMENT_MAX_BYTES each
(10 MB unless configured).
"""

import contextlib
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.communities import access as community_access
from rucher.communities.models import Community, Membership
from rucher.content import access
from rucher.content.attachments import MAX_ATTACHMENTS
from rucher.content.mentions import MAX_TAG_LENGTH, Rendered, find_hashtags, render_rich_text
from rucher.content.models import (
    MAX_BODY_LENGTH,
    MAX_COMMENT_LENGTH,
    MAX_TITLE_LENGTH,
    Attachment,
    Comment,
    CommentLike,
    Post,
    PostCommunity,
    PostKind,
    PostLike,
    PostRevision,
    Tag,
)
from rucher.core.audit import audit_record
from rucher.core.text import check_clean_text, check_single_line, normalise_tag, tag_spelling

MAX_TAGS = 10
MAX_COMMUNITIES = access.MAX_COMMUNITIES_PER_POST


# --- validation helpers -------------------------------------------------------------------


def _check_text(
    errors: dict[str, list[str]], field: str, value: object, *, max_length: int, required: bool
) -> str:
    if not isinstance(value, str):
        errors[field] = [_("Must be text.")]
        return ""
    value = value.strip()
    try:  # a title is one line (rucher.core.text.check_single_line), bodies keep their lines
        (check_single_line if field == "title" else check_clean_text)(value, max_length=max_length)
    except ValidationError as exc:
        errors[field] = list(exc.messages)
        return ""
    if required and not value:
        errors[field] = [_("This field is required.")]
    return value


def _clean_tags(
    errors: dict[str, list[str]],
    tags: Iterable[str],
    hashtags: Sequence[str],
    spellings: dict[str, str],
) -> list[str]:
    """The tags' slugs, in order; `spellings` gets the first spelling of each tag typed in the
    field (the text's #hashtags bring theirs from rendering)."""
    slugs: list[str] = []
    for raw in tags:
        if not isinstance(raw, str):
            errors["tags"] = [_("Each tag must be text.")]
            return []
        try:
            check_single_line(raw)
        except ValidationError as exc:
            errors["tags"] = list(exc.messages)
            return []
        slug = normalise_tag(raw)
        if not slug:
            continue
        if len(slug) > MAX_TAG_LENGTH:
            errors["tags"] = [
                _("A tag has at most %(max)d characters: “%(tag)s” is too long.")
                % {"max": MAX_TAG_LENGTH, "tag": slug[:60]}
            ]
            return []
        if slug not in slugs:
            slugs.append(slug)
            spellings.setdefault(slug, tag_spelling(raw))
    for slug in hashtags:
        if slug not in slugs:
            slugs.append(slug)
    if len(slugs) > MAX_TAGS:
        errors["tags"] = [
            _("At most %(max)d tags, counting the #tags in the text (there are %(count)d).")
            % {"max": MAX_TAGS, "count": len(slugs)}
        ]
        return []
    return slugs


def parse_tags(text: str) -> list[str]:
    """Tags typed in a form: separated by commas or spaces, with or without '#'."""
    return [part for part in text.replace(",", " ").split() if part.strip("#")]


def _tags_for(slugs: list[str], spellings: dict[str, str]) -> list[Tag]:
    """The tags of these slugs; a new tag is named as it was first typed (`#Qualité`), an
    existing one keeps its name whatever the spelling now."""
    if not slugs:
        return []
    Tag.objects.bulk_create(
        [Tag(name=(spellings.get(slug) or slug)[:50], slug=slug) for slug in slugs],
        ignore_conflicts=True,
    )
    return list(Tag.objects.filter(slug__in=slugs))


def _is_member(person: User, community: Community) -> bool:
    return Membership.objects.filter(
        community=community, person=person.pk, status=Membership.Status.MEMBER
    ).exists()


def _attachments_for(
    errors: dict[str, list[str]], uploader: User, attachment_ids: Sequence[int]
) -> list[Attachment]:
    ids = []
    for value in attachment_ids:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
            errors["attachments"] = [_("Give the ids of files you uploaded.")]
            return []
        if value not in ids:
            ids.append(value)
    if not ids:
        return []
    if len(ids) > MAX_ATTACHMENTS:
        errors["attachments"] = [_("At most %(max)d files.") % {"max": MAX_ATTACHMENTS}]
        return []
    found = list(
        Attachment.objects.select_for_update().filter(
            pk__in=ids, uploader=uploader.pk, post__isnull=True, comment__isnull=True
        )
    )
    if len(found) != len(ids):
        errors["attachments"] = [_("Unknown file, or already attached elsewhere: upload it again.")]
        return []
    return found


# --- posts ---------------------------------------------------------------------------------


def _errors_raised_after[**P, T](work: Callable[P, T | ValidationError]) -> Callable[P, T]:
    """Runs `work` in the caller's transaction (the action's) without a savepoint of its own (two
    statements less per write); `work` returns its validation errors instead of raising them,
    and they are raised once out of the block, so they never spoil that transaction (nothing
    was written when there are any)."""

    @functools.wraps(work)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        with transaction.atomic(savepoint=False):
            outcome = work(*args, **kwargs)
        if isinstance(outcome, ValidationError):
            raise outcome
        return outcome

    return run


@_errors_raised_after
def post_create(
    *,
    author: User,
    communities: Sequence[Community],
    kind: str = PostKind.POST,
    title: str = "",
    body: str,
    tags: Iterable[str] = (),
    attachment_ids: Sequence[int] = (),
    must_read: bool = False,
    allow_kudos: bool = False,
) -> Post | ValidationError:
    """Publishes a post in one or more communities (the author is a member of each; announcements
    and must-read posts only by managers of every chosen community). Nothing is created unless
    everything is valid. Posts of kind "kudos" come only from rucher.recognition.kudos (which
    passes allow_kudos=True): a thanks needs its Kudos row."""
    errors: dict[str, list[str]] = {}
    clean_title = _check_text(errors, "title", title, max_length=MAX_TITLE_LENGTH, required=False)
    clean_body = _check_text(errors, "body", body, max_length=MAX_BODY_LENGTH, required=True)
    if (
        kind not in PostKind.values
        or (kind == PostKind.KUDOS and not allow_kudos)
        or kind == PostKind.WATCH
    ):
        errors["kind"] = [
            _("Choose one of: %(choices)s.")
            % {
                "choices": ", ".join(
                    k for k in PostKind.values if k not in (PostKind.KUDOS, PostKind.WATCH)
                )
            }
        ]
    unique: dict[int, Community] = {c.pk: c for c in communities}
    if not unique:
        errors["communities"] = [_("Choose at least one community.")]
    for community in unique.values():
        community_access.refresh_viewer_membership(author, community)
        if not community_access.is_member(author, community):
            errors.setdefault("communities", []).append(
                _("Join “%(name)s” before posting in it.") % {"name": community.name}
            )
    if (
        "communities" not in errors
        and (must_read or kind == PostKind.ANNOUNCEMENT)
        and not all(community_access.can_manage(author, c) for c in unique.values())
    ):
        errors["must_read" if must_read else "kind"] = [
            _("Only managers of every chosen community publish announcements and must-reads.")
        ]
    rendered = render_rich_text(clean_body) if "body" not in errors else Rendered(html="")
    spellings = dict(rendered.spellings)
    slugs = _clean_tags(errors, tags, rendered.hashtags, spellings)
    attachments = _attachments_for(errors, author, attachment_ids)
    if errors:
        return ValidationError(errors)
    post = Post.objects.create(
        author=author,
        kind=kind,
        title=clean_title,
        body=clean_body,
        body_html=rendered.html,
        must_read=bool(must_read),
    )
    PostCommunity.objects.bulk_create(
        [
            PostCommunity(post=post, community=community, created_at=post.created_at)
            for community in unique.values()
        ]
    )
    tag_rows = _tags_for(slugs, spellings)
    if tag_rows:
        # A new post has no tags yet: add() inserts them without set()'s read of the current ones.
        post.tags.add(*tag_rows)
    if attachments:
        Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(post=post)
        for attachment in attachments:
            attachment.post = post
    # What the post now has, kept on it as prefetch_related would (tags by slug, attachments by
    # id, as the selectors read them): the caller's answer reads them without a query.
    _remember_related(post, "tags", sorted(tag_rows, key=lambda tag: tag.slug))
    _remember_related(post, "attachments", sorted(attachments, key=lambda a: a.pk))
    return post


def _remember_related(post: Post, name: str, rows: list[Tag] | list[Attachment]) -> None:
    queryset = getattr(post, name).all()  # lazy: no query
    queryset._result_cache = rows
    queryset._prefetch_done = True
    post.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


# Posts and comments written without rucher.actions (watch feeds, imports) reach the apps above
# content through these listeners, registered in their AppConfig.ready() (search indexes them),
# in the same transaction as the rows.
unattended_post_listeners: list[Callable[[Sequence[Post]], None]] = []
unattended_comment_listeners: list[Callable[[Sequence[Comment]], None]] = []


def _unattended_written(*, posts: Sequence[Post] = (), comments: Sequence[Comment] = ()) -> None:
    for post_listener in unattended_post_listeners if posts else ():
        post_listener(posts)
    for comment_listener in unattended_comment_listeners if comments else ():
        comment_listener(comments)


@transaction.atomic
def post_create_unattended(
    *,
    author: User | None,
    communities: Sequence[Community],
    kind: str,
    title: str,
    body: str,
    body_html: str | None = None,
    created_at: datetime | None = None,
    attachment_ids: Sequence[int] = (),
) -> Post:
    """A post brought in from outside (watch feeds, imports), not typed by its author now: no
    membership check and no effect (no points, no notification: callers call none). The text
    is cut to the limits rather than refused; `body_html`, when given, must already be
    sanitised (rucher.core.markdown), else the text is rendered like a typed post's."""
    body = body[:MAX_BODY_LENGTH] or "-"
    post = Post.objects.create(
        author=author,
        kind=kind,
        title=" ".join(title.split())[:MAX_TITLE_LENGTH],
        body=body,
        body_html=body_html if body_html is not None else render_rich_text(body).html,
    )
    if created_at is not None:  # auto_now_add ignores a given value on create
        Post.objects.filter(pk=post.pk).update(created_at=created_at)
        post.created_at = created_at
    PostCommunity.objects.bulk_create(
        [
            PostCommunity(post=post, community=community, created_at=post.created_at)
            for community in {c.pk: c for c in communities}.values()
        ]
    )
    if attachment_ids:
        Attachment.objects.filter(
            pk__in=attachment_ids, post__isnull=True, comment__isnull=True
        ).update(post=post)
    _unattended_written(posts=[post])
    return post


@dataclass(frozen=True)
class ImportedPost:
    author_id: int | None
    community_id: int
    body: str
    created_at: datetime
    attachment_ids: Sequence[int] = ()


@dataclass(frozen=True)
class ImportedComment:
    author_id: int | None
    post_id: int
    parent_id: int | None  # a top-level comment of the same post, or None
    body: str
    created_at: datetime
    attachment_ids: Sequence[int] = ()


def _set_created_at(
    model: type[Post] | type[Comment], rows: Sequence[tuple[int, datetime]]
) -> None:
    """auto_now_add overrides given times on insert: one UPDATE … CASE puts them back."""
    if rows:
        model.objects.filter(pk__in=[pk for pk, _at in rows]).update(
            created_at=Case(*[When(pk=pk, then=Value(at)) for pk, at in rows])
        )


@transaction.atomic
def posts_import_bulk(*, items: Sequence[ImportedPost]) -> list[Post]:
    """Many imported posts at once (rucher.imports): like post_create_unattended, in a few
    queries whatever the number of posts; returned in the order given, with their ids."""
    posts = Post.objects.bulk_create(
        [
            Post(
                author_id=item.author_id,
                kind=PostKind.POST,
                body=item.body[:MAX_BODY_LENGTH] or "-",
                body_html=render_rich_text(item.body[:MAX_BODY_LENGTH] or "-").html,
            )
            for item in items
        ]
    )
    _set_created_at(
        Post, [(post.pk, item.created_at) for post, item in zip(posts, items, strict=True)]
    )
    PostCommunity.objects.bulk_create(
        [
            PostCommunity(
                post_id=post.pk, community_id=item.community_id, created_at=item.created_at
            )
            for post, item in zip(posts, items, strict=True)
        ]
    )
    for post, item in zip(posts, items, strict=True):
        post.created_at = item.created_at
        if item.attachment_ids:
            Attachment.objects.filter(
                pk__in=item.attachment_ids, post__isnull=True, comment__isnull=True
            ).update(post=post)
    _unattended_written(posts=posts)
    return posts


@transaction.atomic
def comments_import_bulk(*, items: Sequence[ImportedComment]) -> list[Comment]:
    """Many imported comments at once; each post's comment count goes up by its new comments."""
    comments = Comment.objects.bulk_create(
        [
            Comment(
                post_id=item.post_id,
                parent_id=item.parent_id,
                author_id=item.author_id,
                body=item.body[:MAX_COMMENT_LENGTH] or "-",
                body_html=render_rich_text(item.body[:MAX_COMMENT_LENGTH] or "-").html,
            )
            for item in items
        ]
    )
    _set_created_at(
        Comment, [(c.pk, item.created_at) for c, item in zip(comments, items, strict=True)]
    )
    added: dict[int, int] = {}
    for comment, item in zip(comments, items, strict=True):
        comment.created_at = item.created_at
        added[item.post_id] = added.get(item.post_id, 0) + 1
        if item.attachment_ids:
            Attachment.objects.filter(
                pk__in=item.attachment_ids, post__isnull=True, comment__isnull=True
            ).update(comment=comment)
    if added:
        Post.objects.filter(pk__in=list(added)).update(
            comment_count=F("comment_count")
            + Case(*[When(pk=pk, then=Value(n)) for pk, n in added.items()], default=Value(0))
        )
    _unattended_written(comments=comments)
    return comments


@transaction.atomic
def comment_create_unattended(
    *,
    author: User | None,
    post: Post,
    body: str,
    parent: Comment | None = None,
    created_at: datetime | None = None,
    attachment_ids: Sequence[int] = (),
) -> Comment:
    """A comment brought in from outside (imports): like post_create_unattended, no check
    beyond the thread's shape and no effect; the post's comment count stays right."""
    body = body[:MAX_COMMENT_LENGTH] or "-"
    if parent is not None and parent.parent_id is not None:  # one level of replies only
        parent = Comment(pk=parent.parent_id)
    comment = Comment.objects.create(
        post=post,
        parent=parent,
        author=author,
        body=body,
        body_html=render_rich_text(body).html,
    )
    if created_at is not None:  # auto_now_add ignores a given value on create
        Comment.objects.filter(pk=comment.pk).update(created_at=created_at)
        comment.created_at = created_at
    Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    if attachment_ids:
        Attachment.objects.filter(
            pk__in=attachment_ids, post__isnull=True, comment__isnull=True
        ).update(comment=comment)
    _unattended_written(comments=[comment])
    return comment


@transaction.atomic
def post_update(
    *,
    editor: User,
    post: Post,
    title: str | None = None,
    body: str | None = None,
    tags: Iterable[str] | None = None,
) -> Post:
    """The author edits; the previous title and text are kept as a revision."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.author_id != editor.pk:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    new_title = post.title
    new_body = post.body
    if title is not None:
        new_title = _check_text(errors, "title", title, max_length=MAX_TITLE_LENGTH, required=False)
    if body is not None:
        new_body = _check_text(errors, "body", body, max_length=MAX_BODY_LENGTH, required=True)
    rendered = render_rich_text(new_body) if "body" not in errors else Rendered(html="")
    spellings = dict(rendered.spellings)
    if tags is None:
        # The tags the old text's #hashtags gave go with that text; the others (given in the
        # tags field) stay. `#alpha` edited to `#beta` leaves only beta.
        old_hashtags = set(find_hashtags(post.body))
        kept = [
            slug
            for slug in post.tags.values_list("slug", flat=True)
            if slug not in old_hashtags or slug in rendered.hashtags
        ]
        slugs = _clean_tags(errors, kept, rendered.hashtags, spellings)
    else:
        slugs = _clean_tags(errors, tags, rendered.hashtags, spellings)
    if errors:
        raise ValidationError(errors)
    changed = new_title != post.title or new_body != post.body
    if changed:
        PostRevision.objects.create(post=post, editor=editor, title=post.title, body=post.body)
        post.title = new_title
        post.body = new_body
        post.body_html = rendered.html
        post.edited_at = timezone.now()
        post.save(update_fields=["title", "body", "body_html", "edited_at"])
    post.tags.set(_tags_for(slugs, spellings))
    return post


@transaction.atomic
def post_delete(*, actor: User, post: Post) -> None:
    """The author, a manager of one of its communities or an administrator deletes a post (with
    its comments, likes and files); a deletion by someone else is audited."""
    is_author = post.author_id == actor.pk
    if not is_author and not access.can_moderate_post(actor, post):
        raise PermissionDenied
    if not is_author:
        audit_record(
            action="post.delete",
            actor=actor,
            target=f"post:{post.pk}",
            data={"author": post.author.username if post.author else None, "title": post.title},
        )
    files = [
        a.file.name
        for a in Attachment.objects.filter(Q(post=post) | Q(comment__post=post))
        if a.file.name
    ]
    post.delete()
    _delete_files_on_commit(files)


def _delete_files_on_commit(names: list[str]) -> None:
    if not names:
        return

    def remove() -> None:
        from django.core.files.storage import default_storage

        for name in names:
            with contextlib.suppress(OSError):
                default_storage.delete(name)

    transaction.on_commit(remove)


# --- comments ------------------------------------------------------------------------------


@transaction.atomic
def comment_create(
    *,
    author: User,
    post: Post,
    body: str,
    parent: Comment | None = None,
    attachment_ids: Sequence[int] = (),
) -> Comment:
    """Comments on a post the author may read, or replies to a top-level comment."""
    errors: dict[str, list[str]] = {}
    clean_body = _check_text(errors, "body", body, max_length=MAX_COMMENT_LENGTH, required=True)
    if parent is not None:
        if parent.post_id != post.pk:
            errors["parent"] = [_("This comment belongs to another post.")]
        elif parent.parent_id is not None:
            errors["parent"] = [_("You can only reply to a top-level comment.")]
        elif parent.is_hidden:
            errors["parent"] = [_("This comment is no longer available.")]
    attachments = _attachments_for(errors, author, attachment_ids)
    rendered = render_rich_text(clean_body) if "body" not in errors else Rendered(html="")
    if errors:
        raise ValidationError(errors)
    comment = Comment.objects.create(
        post=post, parent=parent, author=author, body=clean_body, body_html=rendered.html
    )
    Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    if attachments:
        Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(comment=comment)
    return comment


def can_moderate_comment(actor: User, comment: Comment) -> bool:
    return access.can_moderate_post(actor, comment.post)


@transaction.atomic
def comment_update(*, editor: User, comment: Comment, body: str) -> Comment:
    comment = Comment.objects.select_for_update().select_related("post").get(pk=comment.pk)
    if comment.author_id != editor.pk and not can_moderate_comment(editor, comment):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    clean_body = _check_text(errors, "body", body, max_length=MAX_COMMENT_LENGTH, required=True)
    if errors:
        raise ValidationError(errors)
    if clean_body != comment.body:
        rendered = render_rich_text(clean_body)
        comment.body = clean_body
        comment.body_html = rendered.html
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "body_html", "edited_at"])
        if comment.author_id != editor.pk:
            audit_record(action="comment.edit", actor=editor, target=f"comment:{comment.pk}")
    return comment


@transaction.atomic
def comment_delete(*, actor: User, comment: Comment) -> None:
    """Deletes a comment and its replies; the post's counter goes down by all of them."""
    comment = Comment.objects.select_related("post").get(pk=comment.pk)
    is_author = comment.author_id == actor.pk
    if not is_author and not can_moderate_comment(actor, comment):
        raise PermissionDenied
    removed = 1 + Comment.objects.filter(parent=comment).count()
    files = [
        a.file.name
        for a in Attachment.objects.filter(Q(comment=comment) | Q(comment__parent=comment))
        if a.file.name
    ]
    if not is_author:
        audit_record(
            action="comment.delete",
            actor=actor,
            target=f"comment:{comment.pk}",
            data={"post": comment.post_id},
        )
    comment.delete()
    Post.objects.filter(pk=comment.post_id, comment_count__gte=removed).update(
        comment_count=F("comment_count") - removed
    )
    _delete_files_on_commit(files)


# --- likes ---------------------------------------------------------------------------------


@dataclass
class LikeState:
    liked: bool
    like_count: int
    # Whether this call created or removed the like (repeating a like changes nothing): the
    # points, reputation and notification of rucher.actions.likes follow only a change.
    changed: bool = False


def _like_insert(
    model: type[PostLike] | type[CommentLike], target: str, target_id: int, person_id: int
) -> bool:
    """Inserts the like unless it exists; True when this call created it. One statement
    (INSERT … ON CONFLICT DO NOTHING RETURNING, PostgreSQL and SQLite alike) where catching the
    unique constraint's IntegrityError needed a savepoint around the INSERT (three statements).
    Two concurrent likes of the same person: the second waits for the first and inserts
    nothing, as before."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(f"{name}_id" if name != "created_at" else name)
        for name in (target, "person", "created_at")
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES (%s, %s, %s) "  # noqa: S608 (names from the model)
            f"ON CONFLICT DO NOTHING RETURNING {quote(str(meta.pk.column))}",
            [target_id, person_id, now],
        )
        return cursor.fetchone() is not None


def _like_count(model: type[Post] | type[Comment], pk: int, *, added: bool) -> int:
    """The like counter after a like: raised by one and read back in the same statement
    (UPDATE … RETURNING) when the like is new, only read when it was there already."""
    if not added:
        return model.objects.filter(pk=pk).values_list("like_count", flat=True).get()
    meta = model._meta
    quote = connection.ops.quote_name
    table, column, key = quote(meta.db_table), quote("like_count"), quote(str(meta.pk.column))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = {column} + 1 WHERE {key} = %s RETURNING {column}",  # noqa: S608 (names from the model)
            [pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise model.DoesNotExist
    return int(row[0])


def _own_content() -> ValidationError:
    return ValidationError(_("You cannot like your own contribution."), code="own_content")


def post_like(*, person: User, post: Post) -> LikeState:
    """Likes once (liking again changes nothing); never one's own post."""
    if post.author_id == person.pk:
        raise _own_content()
    # The check above raises before the transaction: the caller's transaction (the action's)
    # is joined without a savepoint of its own, nothing here is rolled back alone.
    with transaction.atomic(savepoint=False):
        created = _like_insert(PostLike, "post", post.pk, person.pk)
        count = _like_count(Post, post.pk, added=created)
    return LikeState(liked=True, like_count=count, changed=created)


@transaction.atomic
def post_unlike(*, person: User, post: Post) -> LikeState:
    deleted, _detail = PostLike.objects.filter(post=post, person=person).delete()
    if deleted:
        Post.objects.filter(pk=post.pk, like_count__gt=0).update(like_count=F("like_count") - 1)
    count = Post.objects.filter(pk=post.pk).values_list("like_count", flat=True).get()
    return LikeState(liked=False, like_count=count, changed=bool(deleted))


def comment_like(*, person: User, comment: Comment) -> LikeState:
    if comment.author_id == person.pk:
        raise _own_content()
    with transaction.atomic(savepoint=False):
        created = _like_insert(CommentLike, "comment", comment.pk, person.pk)
        count = _like_count(Comment, comment.pk, added=created)
    return LikeState(liked=True, like_count=count, changed=created)


@transaction.atomic
def comment_unlike(*, person: User, comment: Comment) -> LikeState:
    deleted, _detail = CommentLike.objects.filter(comment=comment, person=person).delete()
    if deleted:
        Comment.objects.filter(pk=comment.pk, like_count__gt=0).update(
            like_count=F("like_count") - 1
        )
    count = Comment.objects.filter(pk=comment.pk).values_list("like_count", flat=True).get()
    return LikeState(liked=False, like_count=count, changed=bool(deleted))
