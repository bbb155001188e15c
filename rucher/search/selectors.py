"""Reads of the search index: ranked, highlighted results a person may read now, and the
questions close to a title being typed.

Readability is part of the query itself (never a filter after the LIMIT, which would leak
through page sizes): posts and comments through content.access.readable_posts, communities
through content.access.readable_community_q, people while active. The rule stays in
content.access; nothing here restates it.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.http import Http404
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.communities.access import access_community_content
from rucher.communities.models import Community
from rucher.content.access import readable_community_q, readable_posts
from rucher.content.models import PostCommunity
from rucher.core.pagination import Page, keyset_page
from rucher.search import text
from rucher.search.models import SearchEntry

TYPES: tuple[str, ...] = ("post", "comment", "question", "document", "person", "community")
# Content types are placed in communities (the community filter applies to them).
CONTENT_TYPES = ("post", "comment", "question")
SIMILAR_LIMIT = 5
SUGGESTION_LIMIT = 6
TITLE_WORDS = 25
# PostgreSQL ranks the newest this many readable matches (see _ranked).
RANK_WINDOW = 5000


class SearchError(ValueError):
    """Bad input, with a stable code (the API's) and, for filters, the allowed values."""

    def __init__(
        self, code: str, message: str, *, field: str = "q", allowed: list[str] | None = None
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.allowed = allowed or []


def check_query(q: str | None) -> str:
    """The query as searched: control characters (NUL included) are spaces; empty and over
    200 characters are errors."""
    cleaned = text.clean(q or "").strip()
    if not cleaned:
        raise SearchError("empty_query", _("Type something to search for."))
    if len(cleaned) > text.MAX_QUERY_LENGTH:
        raise SearchError(
            "query_too_long",
            _("A search is at most %(max)d characters.") % {"max": text.MAX_QUERY_LENGTH},
        )
    return cleaned


def check_types(values: list[str]) -> list[str]:
    wanted = [value.strip() for value in values if value and value.strip()]
    unknown = [value for value in wanted if value not in TYPES]
    if unknown:
        raise SearchError(
            "unknown_type",
            _("Unknown type: “%(type)s”. Allowed: %(allowed)s.")
            % {"type": unknown[0][:40], "allowed": ", ".join(TYPES)},
            field="type",
            allowed=list(TYPES),
        )
    return list(dict.fromkeys(wanted))


def check_community(viewer: User, slug: str | None) -> Community | None:
    """A community whose content the viewer may read; any other slug is unknown (an
    unreadable community is as unknown as a missing one)."""
    slug = (slug or "").strip()
    if not slug:
        return None
    try:
        return access_community_content(viewer, slug)
    except Http404:
        raise SearchError(
            "unknown_community",
            _("Unknown community: “%(slug)s”. Use the web address of a community you can read.")
            % {"slug": slug[:60]},
            field="community",
        ) from None


def check_author(username: str | None) -> User | None:
    username = (username or "").strip()
    if not username:
        return None
    author = User.objects.filter(username=username[:150]).first()
    if author is None:
        raise SearchError(
            "unknown_author",
            _("Unknown author: “%(username)s”.") % {"username": username[:60]},
            field="author",
        )
    return author


@dataclass
class Filters:
    types: list[str] = field(default_factory=list)
    community: Community | None = None
    author: User | None = None
    since: datetime | None = None
    until: datetime | None = None

    def key(self) -> str:
        return ":".join(
            [
                ",".join(self.types),
                str(self.community.pk if self.community else ""),
                str(self.author.pk if self.author else ""),
                self.since.isoformat() if self.since else "",
                self.until.isoformat() if self.until else "",
            ]
        )


@dataclass
class Hit:
    """One result, ready for a page or the API."""

    type: str
    key: int | str  # id (content), username (person) or slug (community)
    title: str
    snippet: SafeString
    title_html: SafeString
    url: str
    score: float
    created_at: datetime
    author: User | None = None
    community: Community | None = None
    status: str = ""  # questions: unanswered, answered or accepted


def _readable(viewer: User) -> Q:
    """What the viewer may read now, as one condition on SearchEntry."""
    placed = Exists(readable_posts(viewer).filter(pk=OuterRef("post_id")))
    content = (
        Q(post__isnull=False)
        & placed
        & (Q(comment__isnull=True) | Q(comment__hidden_at__isnull=True))
    )
    people = Q(type=SearchEntry.Type.PERSON, person__is_active=True)
    communities = Q(type=SearchEntry.Type.COMMUNITY) & readable_community_q(viewer, "community")
    return content | people | communities


class _AnyOfArray(Func):
    """`lhs = ANY(ARRAY(subquery))`: the subquery runs once, as an InitPlan."""

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()
    conditional = True


def _ranked(
    viewer: User, parsed: text.ParsedQuery, q: str, filters: Filters
) -> tuple[QuerySet[SearchEntry], Any]:
    """The readable entries matching the query and the filters, with their `score` (higher is
    better), and the PostgreSQL tsquery (None on SQLite) for headlines."""
    if connection.vendor == "postgresql":
        query = SearchQuery(q, config="rucher_french", search_type="websearch") | SearchQuery(
            q, config="rucher_english", search_type="websearch"
        )
        # Ranking is done among the RANK_WINDOW newest readable matches: a word found in
        # hundreds of thousands of posts then costs a backward walk of the primary key, not a
        # rank for every match (a rare word's matches all fit in the window).
        window = (
            _filtered(viewer, SearchEntry.objects.filter(document=query), filters)
            .order_by("-id")
            .values("id")[:RANK_WINDOW]
        )
        # ts_rank_cd is a float4, read back rounded: as a float8 the cursor's value compares
        # equal to the rank it came from.
        rank = Cast(SearchRank(F("document"), query, cover_density=True), FloatField())
        # `id = ANY(ARRAY(window))`, not `id IN (window)`: PostgreSQL runs an ARRAY() subquery
        # once, first, then reads those rows by their key. With IN it planned the semi-join the
        # other way round for a common word: a rank for each of the 4 million entries, sorted
        # on disk, then matched to the window (31 s at 1,000,000 posts; docs/performance.md).
        in_window = _AnyOfArray(F("id"), Subquery(window))
        return SearchEntry.objects.filter(in_window).annotate(score=rank), query
    expression = text.fts5_expression(parsed)
    # The FTS5 table joined once (its rowid is the entry's id): bm25 is computed in the same
    # full-text scan, not once per row. bm25 is lower for better matches; the title column
    # weighs ten times the body.
    matching = SearchEntry.objects.extra(  # noqa: S610 - constant SQL, the query is a parameter
        tables=["search_fts"],
        where=["search_fts.rowid = search_searchentry.id", "search_fts MATCH %s"],
        params=[expression],
    ).annotate(score=RawSQL("-bm25(search_fts, 10.0, 1.0)", (), output_field=FloatField()))
    return _filtered(viewer, matching, filters), None


def _filtered(
    viewer: User, matching: QuerySet[SearchEntry], filters: Filters
) -> QuerySet[SearchEntry]:
    qs = matching.filter(_readable(viewer))
    if filters.types:
        qs = qs.filter(type__in=filters.types)
    if filters.community is not None:
        qs = qs.filter(
            Exists(
                PostCommunity.objects.filter(post=OuterRef("post_id"), community=filters.community)
            )
        )
    if filters.author is not None:
        qs = qs.filter(author=filters.author)
    if filters.since is not None:
        qs = qs.filter(created_at__gte=filters.since)
    if filters.until is not None:
        qs = qs.filter(created_at__lt=filters.until)
    return qs


def _with_headline(qs: QuerySet[SearchEntry], query: Any) -> QuerySet[SearchEntry]:
    if query is None:
        return qs
    return qs.annotate(
        headline=SearchHeadline(
            "body",
            query,
            config="rucher_french",
            start_sel=text.START,
            stop_sel=text.STOP,
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
    )


_RELATED = ("post", "comment", "person", "community", "author", "post__question")


def search(
    viewer: User,
    *,
    q: str,
    filters: Filters | None = None,
    cursor: str | None = None,
    limit: int = 20,
) -> Page[Hit]:
    """Best first (then newest id), keyset-paged on (score, id). Four queries whatever the
    page size: the viewer's memberships, the page's ids and scores (matching, readability and
    filters in one query), then those entries with what they show (headlines are computed
    for the page only), the places of its posts. `q` must have passed check_query."""
    filters = filters or Filters()
    q = text.clean(q)[: text.MAX_QUERY_LENGTH]
    parsed = text.parse(q)
    if parsed.is_empty or not (viewer.is_authenticated and viewer.is_active):
        return Page(items=[], next_cursor=None)
    ranked, query = _ranked(viewer, parsed, q, filters)
    ranked = ranked.only("id")
    digest = hashlib.sha256(f"{q}\n{filters.key()}".encode()).hexdigest()[:16]
    page = keyset_page(
        ranked, keys=("-score", "-id"), cursor=cursor, limit=limit, scope=f"search:{digest}"
    )
    if not page.items:
        return Page(items=[], next_cursor=None)
    shown = _with_headline(SearchEntry.objects.filter(pk__in=[e.pk for e in page.items]), query)
    by_id = {entry.pk: entry for entry in shown.select_related(*_RELATED)}
    entries = []
    for ranked_entry in page.items:
        entry = by_id[ranked_entry.pk]
        entry.score = ranked_entry.score  # type: ignore[attr-defined]
        entries.append(entry)
    return Page(items=_hits(viewer, entries, parsed), next_cursor=page.next_cursor)


def _question_status(entry: SearchEntry) -> str:
    question = getattr(entry.post, "question", None)
    if question is None:
        return ""
    if question.accepted_comment_id is not None:
        return "accepted"
    return "answered" if question.first_answer_at is not None else "unanswered"


def _places(viewer: User, post_ids: list[int]) -> dict[int, Community]:
    """For each post, the first of its communities the viewer reads it through (a result
    never names a community the viewer cannot read). One query."""
    found: dict[int, Community] = {}
    rows = (
        PostCommunity.objects.filter(post_id__in=post_ids)
        .filter(readable_community_q(viewer, "community"))
        .select_related("community")
        .order_by("id")
    )
    for row in rows:
        found.setdefault(row.post_id, row.community)
    return found


def _place(entry: SearchEntry) -> tuple[int | str, str, str]:
    """The result's key, title and address."""
    if entry.post is not None:
        post = entry.post
        title = post.title or Truncator(post.body).words(12)
        url = reverse("post", args=[post.pk])
        if entry.comment is not None:
            return entry.comment.pk, title, f"{url}#comment-{entry.comment.pk}"
        return post.pk, title, url
    if entry.person is not None:
        person = entry.person
        return person.username, person.display_name, reverse("profile", args=[person.username])
    community = entry.community
    assert community is not None  # every entry points at one thing
    return community.slug, community.name, reverse("community", args=[community.slug])


def _hits(viewer: User, entries: list[SearchEntry], parsed: text.ParsedQuery) -> list[Hit]:
    stems = parsed.stem_set()
    places = _places(viewer, sorted({e.post_id for e in entries if e.post_id is not None}))
    hits: list[Hit] = []
    for entry in entries:
        headline = getattr(entry, "headline", None)
        snippet = (
            text.marked_to_html(headline)
            if headline is not None
            else text.highlight(entry.body, stems)
        )
        key, title, url = _place(entry)
        hits.append(
            Hit(
                type=entry.type,
                key=key,
                title=title,
                title_html=text.highlight(title, stems, size=TITLE_WORDS),
                snippet=snippet,
                url=url,
                score=float(entry.score),  # type: ignore[attr-defined]
                created_at=entry.created_at,
                author=entry.author,
                community=places.get(entry.post_id) if entry.post_id is not None else None,
                status=_question_status(entry) if entry.comment_id is None else "",
            )
        )
    return hits


def similar_questions(viewer: User, *, title: str, limit: int = SIMILAR_LIMIT) -> list[Hit]:
    """Up to `limit` readable questions sharing words with a title being typed, best first:
    any of its words may match (a title is not a query), the best matches rank first."""
    found = [
        word for word in text.words(text.clean(title)) if text.fold(word) not in text.STOP_WORDS
    ][: text.MAX_QUERY_WORDS]
    if not found:
        return []
    q = " or ".join(found)
    return search(viewer, q=q, filters=Filters(types=["question"]), limit=limit).items
