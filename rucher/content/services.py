"""Every write about content: posts (with cross-posting), edits, comments, likes, attachments,
and the notifications they cause (fanned out by background tasks, see tasks.py).

Limits (documented for users and API clients): a post's text is at most MAX_BODY_LENGTH
(20,000) characters, its title 200, a comment 10,000; at most 10 tags of 50 characters each
(explicit tags and #hashtags together) and 10 attachments of RUCHER_ATTACHMENT_MAX_BYTES each
(10 MB unless configured).
"""

import contextlib
import io
import os
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.communities import access as community_access
from rucher.communities.models import Community, Membership
from rucher.content import access
from rucher.content.mentions import MAX_TAG_LENGTH, Rendered, find_mentions, render_rich_text
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
from rucher.core.text import check_clean_text, check_single_line, normalise_tag, without_hidden

MAX_TAGS = 10
MAX_ATTACHMENTS = 10
MAX_COMMUNITIES = 20
DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENT_NAME = 200


class TooLarge(ValidationError):
    """An upload over the size limit (the API answers 413)."""


def attachment_max_bytes() -> int:
    return int(getattr(settings, "RUCHER_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES))


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
    errors: dict[str, list[str]], tags: Iterable[str], hashtags: Sequence[str]
) -> list[str]:
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


def _tags_for(slugs: list[str]) -> list[Tag]:
    if not slugs:
        return []
    Tag.objects.bulk_create([Tag(name=slug, slug=slug) for slug in slugs], ignore_conflicts=True)
    return list(Tag.objects.filter(slug__in=slugs))


def _is_member(person: User, community: Community) -> bool:
    return Membership.objects.filter(
        community=community, person=person.pk, status=Membership.Status.MEMBER
    ).exists()


def communities_for_posting(author: User, slugs: Sequence[str]) -> list[Community]:
    """Resolves the slugs of a cross-post; any unknown (or unseeable) slug rejects the post."""
    errors: list[str] = []
    wanted: list[str] = []
    for slug in slugs:
        if not isinstance(slug, str) or not slug.strip():
            continue
        if slug.strip() not in wanted:
            wanted.append(slug.strip())
    if len(wanted) > MAX_COMMUNITIES:
        raise ValidationError(
            {"communities": [_("At most %(max)d communities.") % {"max": MAX_COMMUNITIES}]}
        )
    found: list[Community] = []
    for slug in wanted:
        try:
            found.append(community_access.access_community(author, slug))
        except Exception:  # Http404: unknown and unseeable are the same answer
            errors.append(_("Unknown community: “%(slug)s”.") % {"slug": slug[:60]})
    if errors:
        raise ValidationError({"communities": errors})
    return found


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


@transaction.atomic
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
) -> Post:
    """Publishes a post in one or more communities (the author is a member of each; announcements
    and must-read posts only by managers of every chosen community). Nothing is created unless
    everything is valid. Posts of kind "kudos" come only from rucher.recognition.kudos (which
    passes allow_kudos=True): a thanks needs its Kudos row."""
    errors: dict[str, list[str]] = {}
    clean_title = _check_text(errors, "title", title, max_length=MAX_TITLE_LENGTH, required=False)
    clean_body = _check_text(errors, "body", body, max_length=MAX_BODY_LENGTH, required=True)
    if kind not in PostKind.values or (kind == PostKind.KUDOS and not allow_kudos):
        errors["kind"] = [
            _("Choose one of: %(choices)s.")
            % {"choices": ", ".join(k for k in PostKind.values if k != PostKind.KUDOS)}
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
    slugs = _clean_tags(errors, tags, rendered.hashtags)
    attachments = _attachments_for(errors, author, attachment_ids)
    if errors:
        raise ValidationError(errors)
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
    post.tags.set(_tags_for(slugs))
    if attachments:
        Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(post=post)
    if rendered.mentions:
        _enqueue("notify_post_mentions", post.pk)
    if kind == PostKind.ANNOUNCEMENT or post.must_read:
        from rucher.content.announcements import announcement_published

        announcement_published(post_id=post.pk)
    from rucher.recognition.points import points_on_post_created
    from rucher.recognition.services import first_contribution_published

    first_contribution_published(post=post)
    points_on_post_created(post=post)
    if kind == PostKind.QUESTION:
        from rucher.qa.services import question_open

        question_open(post=post, communities=list(unique.values()))
    return post


def _enqueue(name: str, *args: int) -> None:
    from rucher.content import tasks

    job = getattr(tasks, name)
    transaction.on_commit(lambda: job.enqueue(*args))


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
    if tags is None:
        kept = [slug for slug in post.tags.values_list("slug", flat=True)]
        slugs = _clean_tags(errors, kept, rendered.hashtags)
    else:
        slugs = _clean_tags(errors, tags, rendered.hashtags)
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
    post.tags.set(_tags_for(slugs))
    if changed and rendered.mentions:
        # Keys are per post: only people newly mentioned get a notification.
        _enqueue("notify_post_mentions", post.pk)
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
    from rucher.recognition.services import reputation_on_post_delete

    reputation_on_post_delete(post=post)
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
    if post.kind == PostKind.QUESTION:
        from rucher.qa.services import answer_recorded

        answer_recorded(comment=comment, post=post)
    from rucher.recognition.points import points_on_comment_created

    points_on_comment_created(comment=comment, post=post)
    _enqueue("notify_comment_created", comment.pk)
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
        if rendered.mentions:
            _enqueue("notify_comment_created", comment.pk)
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
    from rucher.recognition.services import reputation_on_comment_delete

    reputation_on_comment_delete(comment=comment)
    comment.delete()
    Post.objects.filter(pk=comment.post_id, comment_count__gte=removed).update(
        comment_count=F("comment_count") - removed
    )
    if comment.post.kind == PostKind.QUESTION:
        from rucher.qa.services import answer_removed

        answer_removed(post_id=comment.post_id)
    _delete_files_on_commit(files)


# --- likes ---------------------------------------------------------------------------------


@dataclass
class LikeState:
    liked: bool
    like_count: int


def _own_content() -> ValidationError:
    return ValidationError(_("You cannot like your own contribution."), code="own_content")


@transaction.atomic
def post_like(*, person: User, post: Post) -> LikeState:
    """Likes once (liking again changes nothing); never one's own post."""
    if post.author_id == person.pk:
        raise _own_content()
    try:
        with transaction.atomic():
            PostLike.objects.create(post=post, person=person)
        created = True
    except IntegrityError:
        created = False
    if created:
        from rucher.recognition.services import reputation_on_post_like

        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
        reputation_on_post_like(post=post, liker=person, liked=True)
        _enqueue("notify_post_liked", post.pk, person.pk)
    count = Post.objects.filter(pk=post.pk).values_list("like_count", flat=True).get()
    return LikeState(liked=True, like_count=count)


@transaction.atomic
def post_unlike(*, person: User, post: Post) -> LikeState:
    deleted, _detail = PostLike.objects.filter(post=post, person=person).delete()
    if deleted:
        from rucher.recognition.services import reputation_on_post_like

        Post.objects.filter(pk=post.pk, like_count__gt=0).update(like_count=F("like_count") - 1)
        reputation_on_post_like(post=post, liker=person, liked=False)
    count = Post.objects.filter(pk=post.pk).values_list("like_count", flat=True).get()
    return LikeState(liked=False, like_count=count)


@transaction.atomic
def comment_like(*, person: User, comment: Comment) -> LikeState:
    if comment.author_id == person.pk:
        raise _own_content()
    try:
        with transaction.atomic():
            CommentLike.objects.create(comment=comment, person=person)
        created = True
    except IntegrityError:
        created = False
    if created:
        from rucher.recognition.services import reputation_on_comment_like

        Comment.objects.filter(pk=comment.pk).update(like_count=F("like_count") + 1)
        reputation_on_comment_like(comment=comment, liker=person, liked=True)
        _enqueue("notify_comment_liked", comment.pk, person.pk)
    count = Comment.objects.filter(pk=comment.pk).values_list("like_count", flat=True).get()
    return LikeState(liked=True, like_count=count)


@transaction.atomic
def comment_unlike(*, person: User, comment: Comment) -> LikeState:
    deleted, _detail = CommentLike.objects.filter(comment=comment, person=person).delete()
    if deleted:
        from rucher.recognition.services import reputation_on_comment_like

        Comment.objects.filter(pk=comment.pk, like_count__gt=0).update(
            like_count=F("like_count") - 1
        )
        reputation_on_comment_like(comment=comment, liker=person, liked=False)
    count = Comment.objects.filter(pk=comment.pk).values_list("like_count", flat=True).get()
    return LikeState(liked=False, like_count=count)


# --- attachments ---------------------------------------------------------------------------

IMAGE_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "JPEG": ("image/jpeg", ("jpg", "jpeg", "jpe")),
    "PNG": ("image/png", ("png",)),
    "GIF": ("image/gif", ("gif",)),
    "WEBP": ("image/webp", ("webp",)),
}
OFFICE_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "word/": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("docx",),
    ),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    "ppt/": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ("pptx",),
    ),
}
TEXT_EXTENSIONS = ("txt", "csv", "md", "log")
_MARKUP_STARTS = ("<!doctype", "<html", "<svg", "<?xml", "<script", "<head", "<body", "<iframe")


@dataclass
class Sniffed:
    content_type: str
    extensions: tuple[str, ...]
    is_image: bool = False


def _not_allowed() -> ValidationError:
    return ValidationError(
        {
            "file": [
                _(
                    "This type of file is not accepted: send an image (JPEG, PNG, GIF, WebP), "
                    "a PDF, a text or CSV file, or a Word, Excel or PowerPoint document."
                )
            ]
        },
        code="file_type",
    )


def sniff(data: bytes) -> Sniffed:
    """The file's real type, from its bytes only."""
    from PIL import Image, UnidentifiedImageError

    if data.startswith(b"%PDF-"):
        return Sniffed("application/pdf", ("pdf",))
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise _not_allowed() from exc
        if "[Content_Types].xml" in names:
            for prefix, (content_type, extensions) in OFFICE_TYPES.items():
                if any(name.startswith(prefix) for name in names):
                    return Sniffed(content_type, extensions)
        raise _not_allowed()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format or ""
            if image_format in IMAGE_TYPES:
                probe.verify()
                content_type, extensions = IMAGE_TYPES[image_format]
                return Sniffed(content_type, extensions, is_image=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        pass
    if b"\x00" not in data:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _not_allowed() from exc
        head = text.lstrip("\ufeff \t\r\n").lower()
        if head.startswith(_MARKUP_STARTS) or "<svg" in head[:4096] or "<script" in head:
            raise _not_allowed()
        return Sniffed("text/plain", TEXT_EXTENSIONS)
    raise _not_allowed()


def _clean_name(raw: str) -> str:
    name = os.path.basename((raw or "").replace("\\", "/"))
    name = "".join(ch for ch in without_hidden(name) if ch not in '"<>')
    name = name.strip().strip(".") or "file"
    if len(name) > MAX_ATTACHMENT_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (
            f"{stem[: MAX_ATTACHMENT_NAME - len(ext) - 1]}.{ext}"
            if dot and len(ext) <= 10
            else name[:MAX_ATTACHMENT_NAME]
        )
    return name


def attachment_upload(*, uploader: User, file: UploadedFile) -> Attachment:
    """Stores an upload (not yet attached: only its uploader sees it until it is published).

    The type is sniffed from the bytes; a name whose extension says otherwise is refused.
    """
    limit = attachment_max_bytes()
    too_large = TooLarge(
        {
            "file": [
                _("The file is too large (at most %(size)s).") % {"size": filesizeformat(limit)}
            ]
        },
        code="too_large",
    )
    if file.size is not None and file.size > limit:
        raise too_large
    data = file.read(limit + 1)
    if len(data) > limit:
        raise too_large
    if not data:
        raise ValidationError({"file": [_("The file is empty.")]}, code="empty")
    name = _clean_name(file.name or "")
    sniffed = sniff(data)
    stem, dot, ext = name.rpartition(".")
    ext = ext.lower() if dot else ""
    if not dot or not stem:
        name = f"{name}.{sniffed.extensions[0]}"
    elif ext not in sniffed.extensions:
        raise ValidationError(
            {
                "file": [
                    _("The name “%(name)s” does not match the file's content (%(type)s).")
                    % {"name": name, "type": sniffed.content_type}
                ]
            },
            code="lying_extension",
        )
    content_type = sniffed.content_type
    if content_type == "text/plain" and ext == "csv":
        content_type = "text/csv"
    stored_ext = name.rpartition(".")[2].lower()
    with transaction.atomic():
        attachment = Attachment(
            uploader=uploader,
            name=name,
            size=len(data),
            content_type=content_type,
            is_image=sniffed.is_image,
        )
        attachment.file.save(f"{uuid.uuid4().hex}.{stored_ext}", ContentFile(data), save=False)
        attachment.save()
    return attachment


# --- notifications (run by tasks) ------------------------------------------------------------


def readers_among(post: Post, person_ids: Iterable[int]) -> list[int]:
    """Those of the given people who may read the post now (one query)."""
    ids = sorted(set(person_ids))
    if not ids or post.is_hidden:
        return []
    communities = PostCommunity.objects.filter(post=post).values("community")
    open_placement = PostCommunity.objects.filter(
        post=post, community__visibility=Community.Visibility.OPEN
    )
    member = Membership.objects.filter(
        person=OuterRef("pk"), community__in=communities, status=Membership.Status.MEMBER
    )
    return list(
        User.objects.filter(pk__in=ids, is_active=True)
        .filter(Exists(member) | Exists(open_placement) | Q(is_staff=True) | Q(is_superuser=True))
        .values_list("pk", flat=True)
    )


def _mentioned_ids(body: str) -> list[int]:
    names = sorted(find_mentions(body))[:200]
    if not names:
        return []
    return list(
        User.objects.filter(username__in=names, is_active=True).values_list("pk", flat=True)
    )


def _first_community_id(post: Post) -> int | None:
    return PostCommunity.objects.filter(post=post).values_list("community_id", flat=True).first()


def post_notify_mentions(*, post_id: int) -> int:
    from rucher.notifications.services import notify

    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        return 0
    recipients = readers_among(post, _mentioned_ids(post.body))
    return notify(
        recipient_ids=recipients,
        kind="mention",
        key=f"mention:post:{post.pk}",
        actor_id=post.author_id,
        post_id=post.pk,
        community_id=_first_community_id(post),
    )


def comment_notify(*, comment_id: int) -> int:
    """Mentions in a comment, the post's author, and the author of the comment replied to."""
    from rucher.notifications.services import notify

    comment = Comment.objects.select_related("post", "parent").filter(pk=comment_id).first()
    if comment is None or comment.is_hidden:
        return 0
    post = comment.post
    community_id = _first_community_id(post)
    common: dict[str, Any] = {
        "actor_id": comment.author_id,
        "post_id": post.pk,
        "comment_id": comment.pk,
        "community_id": community_id,
    }
    mentioned = set(_mentioned_ids(comment.body))
    candidates = mentioned | {post.author_id or 0}
    if comment.parent is not None:
        candidates.add(comment.parent.author_id or 0)
    readers = set(readers_among(post, candidates - {0}))
    sent = notify(
        recipient_ids=mentioned & readers,
        kind="mention",
        key=f"mention:comment:{comment.pk}",
        **common,
    )
    if comment.parent is not None and comment.parent.author_id in readers:
        sent += notify(
            recipient_ids=[comment.parent.author_id or 0],
            kind="reply",
            key=f"reply:{comment.pk}",
            **common,
        )
    if post.author_id in readers and (
        comment.parent is None or comment.parent.author_id != post.author_id
    ):
        # An answer to a question tells the asker as an answer, not as a mere comment.
        answer = post.kind == PostKind.QUESTION and comment.parent is None
        sent += notify(
            recipient_ids=[post.author_id or 0],
            kind="answer" if answer else "comment",
            key=f"answer:{comment.pk}" if answer else f"comment:{comment.pk}",
            **common,
        )
    return sent


def post_notify_like(*, post_id: int, liker_id: int) -> int:
    from rucher.notifications.services import notify

    post = Post.objects.filter(pk=post_id).first()
    if post is None or post.author_id is None:
        return 0
    if not PostLike.objects.filter(post=post, person=liker_id).exists():
        return 0  # unliked before the job ran
    return notify(
        recipient_ids=readers_among(post, [post.author_id]),
        kind="like",
        key=f"like:post:{post.pk}:{liker_id}",
        actor_id=liker_id,
        post_id=post.pk,
        community_id=_first_community_id(post),
    )


def comment_notify_like(*, comment_id: int, liker_id: int) -> int:
    from rucher.notifications.services import notify

    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None or comment.author_id is None:
        return 0
    if not CommentLike.objects.filter(comment=comment, person=liker_id).exists():
        return 0
    return notify(
        recipient_ids=readers_among(comment.post, [comment.author_id]),
        kind="like",
        key=f"like:comment:{comment.pk}:{liker_id}",
        actor_id=liker_id,
        post_id=comment.post_id,
        comment_id=comment.pk,
        community_id=_first_community_id(comment.post),
    )
