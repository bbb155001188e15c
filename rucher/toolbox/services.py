"""Every write of the community toolbox: tabs, forum topics, ideas (votes and statuses), blog
articles (covers, drafts). One transaction each; effects above (notifications after commit)
are composed by rucher.actions."""

import io
import math
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from rucher.accounts.models import User
from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.content.access import can_moderate_post
from rucher.content.models import MAX_BODY_LENGTH, MAX_TITLE_LENGTH, Comment, Post, PostKind
from rucher.core.audit import audit_record
from rucher.core.errors import Conflict
from rucher.core.images import ImageTooLarge, open_image_checked
from rucher.core.markdown import render_markdown
from rucher.core.text import check_clean_text
from rucher.recognition import points
from rucher.recognition.models import PointsReason
from rucher.toolbox.models import (
    MAX_ANSWER_LENGTH,
    Article,
    ArticleCover,
    ArticleDraft,
    Idea,
    IdeaStatus,
    IdeaVote,
    Topic,
    TopicVisit,
)

# The tab each tool lives in: a post of that kind needs the tab on in each of its communities.
TOOL_TABS: dict[str, str] = {
    PostKind.ARTICLE: Community.Tab.BLOG,
    PostKind.DISCUSSION: Community.Tab.FORUM,
    PostKind.IDEA: Community.Tab.IDEAS,
}
# An accepted idea earns its author points while it stays accepted (or done).
IDEA_EARNING = frozenset({IdeaStatus.ACCEPTED, IdeaStatus.DONE})
COVER_WIDTH = 1600
COVER_HEIGHT = 900


# --- tabs ----------------------------------------------------------------------------------


@transaction.atomic
def community_tabs_set(*, actor: User, community: Community, tabs_on: Iterable[str]) -> Community:
    """Managers choose which tabs are on (the stream always is)."""
    community_access.refresh_viewer_membership(actor, community)
    if not community_access.can_manage(actor, community):
        raise PermissionDenied
    wanted = set(tabs_on)
    unknown = wanted - set(Community.Tab.values)
    if unknown:
        raise ValidationError(
            {
                "tabs": [
                    _("Choose among: %(choices)s.") % {"choices": ", ".join(Community.Tab.values)}
                ]
            },
            code="invalid",
        )
    off = ",".join(tab for tab in Community.Tab.values if tab not in wanted)
    if off != community.tabs_off:
        community.tabs_off = off
        community.save(update_fields=["tabs_off"])
        audit_record(action="community.tabs", actor=actor, target=community.slug, data={"off": off})
    return community


# --- rows kept for each tool ---------------------------------------------------------------


def tool_rows_create(*, post: Post, communities: Sequence[Community]) -> None:
    """The forum, idea box or blog rows of a new post (nothing for other kinds). A tool whose
    tab is off in one of the communities refuses the post (the caller's transaction rolls the
    post back: nothing half-written)."""
    tab = TOOL_TABS.get(post.kind)
    if tab is None:
        return
    unique = list({c.pk: c for c in communities}.values())
    off = [c.name for c in unique if not c.tab_on(tab)]
    if off:
        raise ValidationError(
            {"kind": [_("This tool is turned off in: %(names)s.") % {"names": ", ".join(off)}]}
        )
    at = post.created_at
    if post.kind == PostKind.DISCUSSION:
        Topic.objects.bulk_create(
            [Topic(post=post, community=c, last_activity_at=at) for c in unique]
        )
    elif post.kind == PostKind.IDEA:
        Idea.objects.bulk_create([Idea(post=post, community=c, created_at=at) for c in unique])
    else:
        Article.objects.bulk_create(
            [Article(post=post, community=c, published_at=at) for c in unique]
        )


# --- forum ---------------------------------------------------------------------------------


def topic_closed_error() -> Conflict:
    return Conflict(_("This topic is closed: it takes no new replies."), code="topic_closed")


def topic_check_open(*, post: Post) -> None:
    """Before a reply: a closed topic takes none (409 topic_closed on the API)."""
    if post.kind == PostKind.DISCUSSION and (
        Topic.objects.filter(post=post, closed_at__isnull=False).exists()
    ):
        raise topic_closed_error()


def topic_activity_refresh(*, post: Post) -> None:
    """Recomputes the topic's last activity and last replier from its visible replies (after
    a reply is written or deleted): the newest reply, else the post itself."""
    if post.kind != PostKind.DISCUSSION:
        return
    last = (
        Comment.objects.filter(post=post, hidden_at__isnull=True)
        .order_by("-created_at", "-id")
        .values_list("created_at", "author_id")
        .first()
    )
    at, replier = last if last is not None else (post.created_at, None)
    Topic.objects.filter(post=post).update(last_activity_at=at, last_replier_id=replier)


@transaction.atomic
def topic_close(*, actor: User, post: Post, closed: bool) -> Post:
    """A manager of one of the topic's communities closes (or reopens) it."""
    if post.kind != PostKind.DISCUSSION:
        raise ValidationError(_("Only forum topics can be closed."), code="not_a_topic")
    if not can_moderate_post(actor, post):
        raise PermissionDenied
    Topic.objects.filter(post=post).update(closed_at=timezone.now() if closed else None)
    audit_record(
        action="topic.close" if closed else "topic.reopen", actor=actor, target=f"post:{post.pk}"
    )
    return post


def topic_visit(*, person: User, post: Post, now: datetime | None = None) -> None:
    """Remembers that the person has just seen the topic (its unread marker goes)."""
    if post.kind != PostKind.DISCUSSION or person.pk is None:
        return
    TopicVisit.objects.update_or_create(
        person=person, post=post, defaults={"seen_at": now or timezone.now()}
    )


# --- ideas ---------------------------------------------------------------------------------


@dataclass
class VoteState:
    voted: bool
    vote_count: int
    changed: bool = False


def _require_idea(post: Post) -> None:
    if post.kind != PostKind.IDEA:
        raise ValidationError(_("Only ideas take votes and statuses."), code="not_an_idea")


def _vote_count(post: Post) -> int:
    return Idea.objects.filter(post=post).values_list("vote_count", flat=True).first() or 0


@transaction.atomic
def idea_vote(*, person: User, post: Post) -> VoteState:
    """One vote per person (voting again changes nothing), never on one's own idea."""
    _require_idea(post)
    if post.author_id == person.pk:
        raise ValidationError(_("You cannot vote for your own idea."), code="own_idea")
    try:
        with transaction.atomic():
            IdeaVote.objects.create(post=post, person=person)
        created = True
    except IntegrityError:
        created = False
    if created:
        Idea.objects.filter(post=post).update(vote_count=F("vote_count") + 1)
    return VoteState(voted=True, vote_count=_vote_count(post), changed=created)


@transaction.atomic
def idea_unvote(*, person: User, post: Post) -> VoteState:
    _require_idea(post)
    deleted, _detail = IdeaVote.objects.filter(post=post, person=person).delete()
    if deleted:
        Idea.objects.filter(post=post, vote_count__gt=0).update(vote_count=F("vote_count") - 1)
    return VoteState(voted=False, vote_count=_vote_count(post), changed=bool(deleted))


@dataclass
class StatusChange:
    post: Post
    old: str
    new: str
    answer: str
    changed_at: datetime


@transaction.atomic
def idea_status_set(*, actor: User, post: Post, status: str, answer: str) -> StatusChange:
    """A manager of one of the idea's communities sets its status with a public answer. The
    author earns points while the idea is accepted or done (withdrawn if it goes back)."""
    _require_idea(post)
    if not can_moderate_post(actor, post):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if status not in IdeaStatus.values:
        errors["status"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(IdeaStatus.values)}
        ]
    clean_answer = answer.strip() if isinstance(answer, str) else ""
    try:
        check_clean_text(clean_answer, max_length=MAX_ANSWER_LENGTH)
    except ValidationError as exc:
        errors["answer"] = list(exc.messages)
    if not clean_answer and "answer" not in errors:
        errors["answer"] = [_("Give the community a public answer with the new status.")]
    if errors:
        raise ValidationError(errors)
    rows = Idea.objects.select_for_update().filter(post=post)
    old = rows.values_list("status", flat=True).first() or IdeaStatus.NEW
    now = timezone.now()
    rows.update(
        status=status,
        answer=clean_answer,
        answer_html=render_markdown(clean_answer),
        answered_by=actor,
        status_changed_at=now,
    )
    if post.author_id is not None:
        key = f"idea:{post.pk}"
        if status in IDEA_EARNING and old not in IDEA_EARNING:
            points.points_grant(
                person_id=post.author_id,
                reason=PointsReason.IDEA_ACCEPTED,
                key=key,
                actor_id=actor.pk,
                post_id=post.pk,
            )
        elif status not in IDEA_EARNING and old in IDEA_EARNING:
            points.points_reverse(where=Q(reason=PointsReason.IDEA_ACCEPTED, key=key))
    return StatusChange(post=post, old=old, new=status, answer=clean_answer, changed_at=now)


# --- blog ----------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")
WORDS_PER_MINUTE = 200


def reading_minutes(body: str) -> int:
    return max(1, math.ceil(len(_WORD.findall(body)) / WORDS_PER_MINUTE))


class CoverTooLarge(ValidationError):
    """A cover over the size or pixel budget (413 on the API)."""


@dataclass
class Cover:
    content: bytes
    width: int
    height: int


def cover_reencode(upload: UploadedFile) -> Cover:
    """Checks an uploaded cover (size, format, pixel budget before decoding) and re-encodes it
    as a JPEG of at most 1600 × 900: metadata and anything hidden in the file are dropped, and
    the original is never stored."""
    limit = int(settings.RUCHER_ATTACHMENT_MAX_BYTES)
    too_large = CoverTooLarge(
        {
            "cover": [
                _("The image is too large (at most %(size)s).") % {"size": filesizeformat(limit)}
            ]
        }
    )
    if upload.size is not None and upload.size > limit:
        raise too_large
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large
    not_image = ValidationError({"cover": [_("Upload a cover in JPEG, PNG, GIF or WebP format.")]})
    try:
        with open_image_checked(data) as probe:
            if probe.format not in {"JPEG", "PNG", "GIF", "WEBP"}:
                raise not_image
            probe.verify()
        with open_image_checked(data) as source:
            source.draft("RGB", (COVER_WIDTH * 2, COVER_HEIGHT * 2))
            image = source.convert("RGB")
            image.thumbnail((COVER_WIDTH, COVER_HEIGHT))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=82, optimize=True, progressive=True)
            return Cover(content=out.getvalue(), width=image.width, height=image.height)
    except ImageTooLarge as exc:
        raise CoverTooLarge({"cover": [exc.message]}) from exc
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise not_image from exc


@transaction.atomic
def article_cover_set(*, actor: User, post: Post, cover: Cover) -> ArticleCover:
    """The author sets (or replaces) the cover of an article."""
    if post.kind != PostKind.ARTICLE:
        raise ValidationError({"cover": [_("Only articles have a cover.")]}, code="not_an_article")
    if post.author_id != actor.pk:
        raise PermissionDenied
    old = ArticleCover.objects.filter(post=post).first()
    old_name = old.image.name if old else ""
    row = old or ArticleCover(post=post)
    row.width, row.height = cover.width, cover.height
    row.image.save(f"{post.pk}-{uuid.uuid4().hex[:12]}.jpg", ContentFile(cover.content), save=False)
    row.save()
    if old_name:
        storage = row.image.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return row


# --- drafts --------------------------------------------------------------------------------


def _draft_errors(community: Community | None, author: User, title: str, body: str) -> None:
    errors: dict[str, list[str]] = {}
    for name, value, limit in (("title", title, MAX_TITLE_LENGTH), ("body", body, MAX_BODY_LENGTH)):
        try:
            check_clean_text(value.strip(), max_length=limit)
        except ValidationError as exc:
            errors[name] = list(exc.messages)
        if not value.strip() and name not in errors:
            errors[name] = [_("This field is required.")]
    if community is not None:
        community_access.refresh_viewer_membership(author, community)
    if community is None or not community_access.is_member(author, community):
        errors["community"] = [_("Choose one of your communities.")]
    elif not community.tab_on(Community.Tab.BLOG):
        errors["community"] = [_("This community's blog is turned off.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def article_draft_save(
    *,
    author: User,
    draft: ArticleDraft | None,
    community: Community | None,
    title: str,
    body: str,
    cover: Cover | None = None,
) -> ArticleDraft:
    """Creates or updates a draft (seen by its author only); a new cover replaces the old."""
    if draft is not None and draft.author_id != author.pk:
        raise PermissionDenied
    _draft_errors(community, author, title, body)
    assert community is not None
    row = draft or ArticleDraft(author=author)
    row.community = community
    row.title, row.body = title.strip(), body.strip()
    old_name = row.cover.name if (cover is not None and row.cover) else ""
    if cover is not None:
        row.cover.save(
            f"{author.pk}-{uuid.uuid4().hex[:12]}.jpg", ContentFile(cover.content), save=False
        )
        row.cover_width, row.cover_height = cover.width, cover.height
    row.save()
    if old_name:
        storage = row.cover.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return row


@transaction.atomic
def article_draft_delete(*, author: User, draft: ArticleDraft) -> None:
    if draft.author_id != author.pk:
        raise PermissionDenied
    name = draft.cover.name if draft.cover else ""
    draft.delete()
    if name:
        storage = draft.cover.storage
        transaction.on_commit(lambda: storage.delete(name))


def draft_cover(draft: ArticleDraft) -> Cover | None:
    """The draft's (already re-encoded) cover, to move onto the published article."""
    if not draft.cover:
        return None
    with draft.cover.open("rb") as handle:
        return Cover(content=handle.read(), width=draft.cover_width, height=draft.cover_height)


# --- rows for posts written without rucher.actions (demo, seed, imports, older data) --------


@transaction.atomic
def tool_rows_backfill() -> int:
    """Creates the missing forum, idea and blog rows of existing posts (idempotent): for posts
    written straight into the content tables (demo content, `rucher seed`, importers) and for
    databases older than the toolbox. Set-based (an INSERT … SELECT per tool, then one UPDATE
    for the topics' last replies), so it scales to a seeded million posts. Returns how many
    rows were created."""
    from django.db.models import Exists, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from rucher.content.models import PostCommunity

    created = 0
    for kind, model, time_field in (
        (PostKind.ARTICLE, Article, "published_at"),
        (PostKind.IDEA, Idea, "created_at"),
        (PostKind.DISCUSSION, Topic, "last_activity_at"),
    ):
        missing = (
            PostCommunity.objects.filter(post__kind=kind)
            .exclude(
                Exists(
                    model._default_manager.filter(
                        post=OuterRef("post_id"), community=OuterRef("community_id")
                    )
                )
            )
            .order_by("pk")
            .values_list("post_id", "community_id", "created_at")
        )
        batch: list[Article | Idea | Topic] = []
        for post_id, community_id, at in missing.iterator(chunk_size=5000):
            batch.append(model(post_id=post_id, community_id=community_id, **{time_field: at}))
            if len(batch) >= 5000:
                model._default_manager.bulk_create(batch, ignore_conflicts=True)  # type: ignore[arg-type]
                created += len(batch)
                batch = []
        model._default_manager.bulk_create(batch, ignore_conflicts=True)  # type: ignore[arg-type]
        created += len(batch)
    newest = Comment.objects.filter(post=OuterRef("post_id"), hidden_at__isnull=True).order_by(
        "-created_at", "-id"
    )
    Topic.objects.filter(last_replier__isnull=True, post__comment_count__gt=0).update(
        last_activity_at=Coalesce(Subquery(newest.values("created_at")[:1]), "last_activity_at"),
        last_replier_id=Subquery(newest.values("author_id")[:1]),
    )
    return created
