"""Reads of the community toolbox: a community's blog, forum and idea box, a person's blog, and
the tool state shown on a post's page. Each list is one index range scan (models.py) plus a
fixed number of queries whatever its size; readability is content.access's rule."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)

from rucher.accounts.models import User
from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.content import access
from rucher.content.models import Post, PostKind, PostLike, Tag
from rucher.content.selectors import attach_visible_communities
from rucher.core.pagination import Page, keyset_page
from rucher.toolbox.models import (
    Article,
    ArticleCover,
    Idea,
    IdeaStatus,
    IdeaVote,
    Topic,
    TopicVisit,
)
from rucher.toolbox.services import reading_minutes

IDEA_SORTS = ("votes", "recent")
# A table of contents for articles with at least this many headings.
TOC_MIN_HEADINGS = 3


def _rows(model: type[Topic | Idea | Article], viewer: User, community: Community) -> QuerySet[Any]:
    qs = model._default_manager.filter(community=community)
    if not community_access.can_manage(viewer, community):
        qs = qs.filter(post__hidden_at__isnull=True)
    return qs.select_related("post", "post__author").annotate(
        liked_by_me=Exists(PostLike.objects.filter(post=OuterRef("post_id"), person=viewer.pk))
    )


def _decorate(viewer: User, rows: list[Any]) -> list[Post]:
    """The posts of the rows, each knowing its row (`tool`), with what a list shows and the API
    returns: tags, files, communities the viewer reads, liked_by_me (three queries)."""
    posts = []
    for row in rows:
        post = row.post
        post.liked_by_me = row.liked_by_me
        post.tool = row
        posts.append(post)
    _prefetch(viewer, posts)
    return posts


def _prefetch(viewer: User, posts: list[Post]) -> None:
    if posts:
        prefetch_related_objects(posts, Prefetch("tags", queryset=Tag.objects.order_by("slug")))
        prefetch_related_objects(posts, "attachments")
    attach_visible_communities(viewer, posts)


def forum_page(
    viewer: User, community: Community, *, cursor: str | None = None, limit: int = 20
) -> Page[Post]:
    """Topics by last reply, each with `tool` (last_activity_at, last_replier, closed_at) and
    `tool.unread` (something new since the viewer last opened it)."""
    seen = TopicVisit.objects.filter(person=viewer.pk, post=OuterRef("post_id")).values("seen_at")
    qs = (
        _rows(Topic, viewer, community)
        .select_related("last_replier")
        .annotate(seen_at=Subquery(seen[:1]))
    )
    page = keyset_page(
        qs,
        keys=("-last_activity_at", "-post_id"),
        cursor=cursor,
        limit=limit,
        scope=f"forum:{community.pk}",
    )
    for row in page.items:
        row.unread = row.seen_at is None or row.seen_at < row.last_activity_at
    return Page(items=_decorate(viewer, page.items), next_cursor=page.next_cursor)


def ideas_page(
    viewer: User,
    community: Community,
    *,
    status: str | None = None,
    sort: str = "votes",
    cursor: str | None = None,
    limit: int = 20,
) -> Page[Post]:
    """The idea box, most voted (or newest) first, each with `tool` (status, vote_count,
    answer) and `tool.voted` (the viewer's vote)."""
    qs = _rows(Idea, viewer, community).annotate(
        voted=Exists(IdeaVote.objects.filter(post=OuterRef("post_id"), person=viewer.pk))
    )
    if status:
        qs = qs.filter(status=status)
    keys = (
        ("-vote_count", "-created_at", "-post_id")
        if sort == "votes"
        else ("-created_at", "-post_id")
    )
    page = keyset_page(
        qs, keys=keys, cursor=cursor, limit=limit, scope=f"ideas:{community.pk}:{status}:{sort}"
    )
    for row in page.items:
        row.can_vote = row.post.author_id != viewer.pk
    return Page(items=_decorate(viewer, page.items), next_cursor=page.next_cursor)


def blog_page(
    viewer: User, community: Community, *, cursor: str | None = None, limit: int = 20
) -> Page[Post]:
    """A community's articles, newest first, with their covers."""
    qs = _rows(Article, viewer, community).select_related("post__cover")
    page = keyset_page(
        qs,
        keys=("-published_at", "-post_id"),
        cursor=cursor,
        limit=limit,
        scope=f"blog:{community.pk}",
    )
    posts = _decorate(viewer, page.items)
    for post in posts:
        post.reading_minutes = reading_minutes(post.body)  # type: ignore[attr-defined]
    return Page(items=posts, next_cursor=page.next_cursor)


def person_blog_page(
    viewer: User, person: User, *, cursor: str | None = None, limit: int = 20
) -> Page[Post]:
    """A person's articles the viewer may read (never from a community they cannot read),
    newest first: the post_by_author index."""
    qs = (
        access.readable_posts(viewer)
        .filter(author=person, kind=PostKind.ARTICLE)
        .select_related("author", "cover")
        .annotate(
            liked_by_me=Exists(PostLike.objects.filter(post=OuterRef("pk"), person=viewer.pk))
        )
    )
    page = keyset_page(
        qs, keys=("-created_at", "-id"), cursor=cursor, limit=limit, scope=f"pblog:{person.pk}"
    )
    posts = list(page.items)
    _prefetch(viewer, posts)
    for post in posts:
        post.reading_minutes = reading_minutes(post.body)
        post.published_at = post.created_at
    return Page(items=posts, next_cursor=page.next_cursor)


# --- a post's page -------------------------------------------------------------------------


@dataclass
class TocEntry:
    level: int
    anchor: str
    text: str


@dataclass
class ToolState:
    """What a post's page shows of its tool (None for other kinds)."""

    kind: str
    can_manage: bool = False
    # forum
    closed: bool = False
    # ideas
    status: str = ""
    status_label: str = ""
    vote_count: int = 0
    voted: bool = False
    can_vote: bool = False
    answer_html: str = ""
    answered_by: User | None = None
    statuses: list[tuple[str, str]] = field(default_factory=list)
    # blog
    cover: ArticleCover | None = None
    reading_minutes: int = 0
    toc: list[TocEntry] = field(default_factory=list)
    body_html: str = ""


_HEADING = re.compile(r"<h([23])>(.*?)</h\1>", re.S)
_TAGS = re.compile(r"<[^>]+>")


def article_outline(body_html: str) -> tuple[str, list[TocEntry]]:
    """Numbers the h2/h3 headings of sanitised HTML (id="section-N") and lists them: the
    table of contents. Only an id of our own is added; nothing of the author's passes."""
    toc: list[TocEntry] = []

    def anchor(match: re.Match[str]) -> str:
        number = len(toc) + 1
        text = _TAGS.sub("", match[2]).strip()
        toc.append(TocEntry(level=int(match[1]), anchor=f"section-{number}", text=text))
        return f'<h{match[1]} id="section-{number}">{match[2]}</h{match[1]}>'

    html = _HEADING.sub(anchor, body_html)
    return html, toc


def post_tool_state(viewer: User, post: Post, *, can_moderate: bool) -> ToolState | None:
    if post.kind == PostKind.DISCUSSION:
        closed = Topic.objects.filter(post=post, closed_at__isnull=False).exists()
        return ToolState(kind=post.kind, can_manage=can_moderate, closed=closed)
    if post.kind == PostKind.IDEA:
        row = (
            Idea.objects.filter(post=post)
            .select_related("answered_by")
            .annotate(voted=Exists(IdeaVote.objects.filter(post=post, person=viewer.pk)))
            .first()
        )
        if row is None:
            return None
        return ToolState(
            kind=post.kind,
            can_manage=can_moderate,
            status=row.status,
            status_label=str(IdeaStatus(row.status).label),
            vote_count=row.vote_count,
            voted=bool(row.voted),
            can_vote=post.author_id != viewer.pk,
            answer_html=row.answer_html,
            answered_by=row.answered_by,
            statuses=[(value, str(label)) for value, label in IdeaStatus.choices],
        )
    if post.kind == PostKind.ARTICLE:
        html, toc = article_outline(post.body_html)
        return ToolState(
            kind=post.kind,
            cover=ArticleCover.objects.filter(post=post).first(),
            reading_minutes=reading_minutes(post.body),
            toc=toc if len(toc) >= TOC_MIN_HEADINGS else [],
            body_html=html,
        )
    return None


@dataclass
class AcceptedIdea:
    post_id: int
    community_id: int
    visibility: str
    title: str
    answer_html: str
    accepted_at: datetime


def ideas_accepted_between(
    community_ids: list[int], since: datetime, until: datetime, *, limit: int = 200
) -> list[AcceptedIdea]:
    """Ideas set to accepted in the window, in these communities (one query; digests filter
    them per reader with content.access.readable_through). Hidden posts never appear."""
    if not community_ids:
        return []
    rows = (
        Idea.objects.filter(
            community_id__in=community_ids,
            status=IdeaStatus.ACCEPTED,
            status_changed_at__gt=since,
            status_changed_at__lte=until,
            post__hidden_at__isnull=True,
        )
        .order_by("-status_changed_at", "-post_id")
        .values_list(
            "post_id",
            "community_id",
            "community__visibility",
            "post__title",
            "post__body",
            "answer_html",
            "status_changed_at",
        )[:limit]
    )
    return [
        AcceptedIdea(
            post_id=post_id,
            community_id=community_id,
            visibility=visibility,
            title=title or body[:80],
            answer_html=answer_html,
            accepted_at=at or until,  # never None: the filter bounds it
        )
        for post_id, community_id, visibility, title, body, answer_html, at in rows
    ]
