"""Search (F-SEARCH): ranked results the caller may read, and questions similar to a title."""

from datetime import date, datetime, time
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import SerializerFunctionWrapHandler, StrictStr, model_serializer

from rucher.api.auth import AuthedRequest
from rucher.api.content import AuthorOut, CommunityRefOut, PageFilters
from rucher.api.errors import ApiError
from rucher.api.schemas import ERRORS, ErrorOut, QuerySchema
from rucher.core.dates import check_date_range
from rucher.search import selectors
from rucher.search.selectors import Filters, Hit, SearchError

router = Router(tags=["search"])

# Long enough never to cut a query before check_query can answer `query_too_long` (400).
QueryText = Annotated[StrictStr, Field(max_length=4000)]


class SearchFilters(PageFilters):
    q: QueryText | None = Field(
        default=None,
        description='Words (all required), "a phrase", -excluded, `or` between two words; '
        "French and English stemming, accents ignored. 1–200 characters.",
    )
    type: StrictStr | None = Field(
        default=None, max_length=40, description=" | ".join(selectors.TYPES)
    )
    community: StrictStr | None = Field(default=None, max_length=200)
    author: StrictStr | None = Field(default=None, max_length=200, description="A username.")
    since: datetime | date | None = Field(
        default=None, description="Created at or after (a date is midnight, local time)."
    )
    until: datetime | date | None = Field(
        default=None, description="Created before (a date is midnight, local time)."
    )


class SearchItemOut(Schema):
    type: str
    id: int | None = Field(default=None, description="Posts, questions and comments.")
    username: str | None = Field(default=None, description="People.")
    slug: str | None = Field(default=None, description="Communities.")
    title: str
    snippet: str = Field(description="HTML-escaped text; the words found are in <mark>.")
    url: str
    score: float = Field(description="Higher is better; results come best first.")
    created_at: datetime
    author: AuthorOut | None = None
    community: CommunityRefOut | None = Field(
        default=None, description="A community the caller reads the content through."
    )
    status: str | None = Field(
        default=None, description="Questions: unanswered, answered or accepted."
    )

    @model_serializer(mode="wrap")
    def _one_key(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A result is named by one key: `id`, `username` or `slug` (API.md), not three.
        data: dict[str, Any] = handler(self)
        for key in ("id", "username", "slug"):
            if data.get(key) is None:
                data.pop(key, None)
        return data


class SearchPageOut(Schema):
    items: list[SearchItemOut]
    next: str | None


class SimilarFilters(QuerySchema):
    q: QueryText | None = Field(default=None, description="The title being typed.")


class SimilarOut(Schema):
    items: list[SearchItemOut]


def _bad(error: SearchError) -> ApiError:
    extra = {"allowed": error.allowed} if error.allowed else None
    return ApiError(400, error.code, error.message, {error.field: [error.message]}, extra)


def _moment(value: datetime | date | None) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _item(hit: Hit) -> SearchItemOut:
    key = {"username": hit.key} if hit.type == "person" else {}
    if hit.type == "community":
        key = {"slug": hit.key}
    return SearchItemOut(
        type=hit.type,
        id=hit.key if isinstance(hit.key, int) else None,
        title=hit.title,
        snippet=str(hit.snippet),
        url=hit.url,
        score=hit.score,
        created_at=hit.created_at,
        author=AuthorOut(username=hit.author.username, display_name=hit.author.display_name)
        if hit.author
        else None,
        community=CommunityRefOut(slug=hit.community.slug, name=hit.community.name)
        if hit.community
        else None,
        status=hit.status or None,
        **key,  # type: ignore[arg-type]
    )


@router.get("/search", response={200: SearchPageOut, ERRORS: ErrorOut})
def search(request: AuthedRequest, filters: Query[SearchFilters]) -> SearchPageOut:
    """Best first; only what the caller may read now (counts and snippets included). Errors:
    400 `empty_query`, `query_too_long`, `unknown_type` (with `allowed`), `unknown_community`
    (also for a community the caller cannot read), `unknown_author`."""
    since, until = _moment(filters.since), _moment(filters.until)
    check_date_range(since=since, until=until)
    try:
        q = selectors.check_query(filters.q)
        search_filters = Filters(
            types=selectors.check_types([filters.type or ""]),
            community=selectors.check_community(request.auth, filters.community),
            author=selectors.check_author(filters.author),
            since=since,
            until=until,
        )
    except SearchError as error:
        raise _bad(error) from None
    page = selectors.search(
        request.auth, q=q, filters=search_filters, cursor=filters.cursor, limit=filters.limit
    )
    return SearchPageOut(items=[_item(hit) for hit in page.items], next=page.next_cursor)


@router.get("/questions/similar", response={200: SimilarOut, ERRORS: ErrorOut})
def questions_similar(request: AuthedRequest, filters: Query[SimilarFilters]) -> SimilarOut:
    """Up to 5 readable questions close to a title being typed, best first, with their status
    (read an accepted answer instead of asking again). 400 `empty_query`, `query_too_long`."""
    try:
        title = selectors.check_query(filters.q)
    except SearchError as error:
        raise _bad(error) from None
    hits = selectors.similar_questions(request.auth, title=title)
    return SimilarOut(items=[_item(hit) for hit in hits])
