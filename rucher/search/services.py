"""Writes to the search index: one entry per post (every kind, generically), comment, person and
community, written in the caller's transaction (rucher/actions calls these next to each write).

Entries carry text only; readability is decided at query time (rucher.search.selectors), so
hiding, restoring and membership changes need no call here, and deletions cascade.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Model, QuerySet

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.content.models import Comment, Post, PostKind
from rucher.search import text
from rucher.search.models import SearchEntry

BATCH_SIZE = 500


def _stemmed(entry: SearchEntry) -> SearchEntry:
    # Only SQLite needs the words stemmed in Python (PostgreSQL's trigger does its own).
    if connection.vendor == "sqlite":
        entry.terms_title = text.index_terms(entry.title)
        entry.terms_body = text.index_terms(entry.body)
    return entry


def _post_entry(post: Post) -> SearchEntry:
    author = post.author
    return SearchEntry(
        type=SearchEntry.Type.QUESTION if post.kind == PostKind.QUESTION else SearchEntry.Type.POST,
        post_id=post.pk,
        author_id=post.author_id,
        created_at=post.created_at,
        language=author.language if author else "",
        title=post.title,
        body=post.body,
    )


def _comment_entry(comment: Comment) -> SearchEntry:
    author = comment.author
    return SearchEntry(
        type=SearchEntry.Type.COMMENT,
        post_id=comment.post_id,
        comment_id=comment.pk,
        author_id=comment.author_id,
        created_at=comment.created_at,
        language=author.language if author else "",
        body=comment.body,
    )


def _person_entry(person: User) -> SearchEntry:
    skills = [skill.name for skill in person.declared_skills.all()]
    details = [person.username, person.job_title, person.department, person.site, *skills]
    return SearchEntry(
        type=SearchEntry.Type.PERSON,
        person_id=person.pk,
        created_at=person.date_joined,
        language=person.language,
        title=person.display_name,
        body="\n".join(part for part in details if part),
    )


def _community_entry(community: Community) -> SearchEntry:
    return SearchEntry(
        type=SearchEntry.Type.COMMUNITY,
        community_id=community.pk,
        created_at=community.created_at,
        title=community.name,
        body=community.description,
    )


def _save(entry: SearchEntry, *, created: bool = False, **key: Any) -> SearchEntry:
    """Inserts the entry, or updates the one with `key`; `created` (a new post or comment)
    skips looking for one: publishing costs a single INSERT."""
    _stemmed(entry)
    fields = ["type", "author_id", "created_at", "language", "title", "body"]
    fields += ["terms_title", "terms_body", "post_id"]
    existing = None if created else SearchEntry.objects.filter(**key).first()
    if existing is None:
        entry.save()
        return entry
    entry.pk = existing.pk
    entry.save(update_fields=[f.removesuffix("_id") for f in fields])
    return entry


# The index writes run in their caller's transaction (the action's) without a savepoint of
# their own: one or two statements, nothing to roll back alone.
@transaction.atomic(savepoint=False)
def index_post(*, post: Post, created: bool = False) -> SearchEntry:
    """Indexes a post of any kind (a question as a question), new (`created`) or edited."""
    return _save(_post_entry(post), created=created, post_id=post.pk, comment__isnull=True)


@transaction.atomic(savepoint=False)
def index_comment(*, comment: Comment, created: bool = False) -> SearchEntry:
    """Indexes a comment or an answer, new (`created`) or edited."""
    return _save(_comment_entry(comment), created=created, comment_id=comment.pk)


@transaction.atomic(savepoint=False)
def index_person(*, person: User) -> SearchEntry | None:
    """Indexes a person's name, job title, department, site and declared skills; a departed
    (inactive) person leaves the index."""
    if not person.is_active:
        SearchEntry.objects.filter(person_id=person.pk).delete()
        return None
    return _save(_person_entry(person), person_id=person.pk)


@transaction.atomic(savepoint=False)
def index_community(*, community: Community) -> SearchEntry:
    """Indexes a community's name and description."""
    return _save(_community_entry(community), community_id=community.pk)


def _batches[M: Model](queryset: QuerySet[M]) -> Iterator[list[M]]:
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH_SIZE])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


# PostgreSQL refills posts and comments with INSERT … SELECT by id ranges (the trigger
# computes each document): no row goes through Python.
_POSTGRESQL_COPY = {
    "posts": """
        INSERT INTO search_searchentry (type, post_id, author_id, created_at, language, title,
            body, terms_title, terms_body)
        SELECT CASE WHEN p.kind = %(question)s THEN 'question' ELSE 'post' END, p.id,
            p.author_id, p.created_at, COALESCE(u.language, ''), p.title, p.body, '', ''
        FROM {post} p LEFT JOIN {user} u ON u.id = p.author_id
        WHERE p.id > %(low)s AND p.id <= %(high)s
    """,
    "comments": """
        INSERT INTO search_searchentry (type, post_id, comment_id, author_id, created_at,
            language, title, body, terms_title, terms_body)
        SELECT 'comment', c.post_id, c.id, c.author_id, c.created_at, COALESCE(u.language, ''),
            '', c.body, '', ''
        FROM {comment} c LEFT JOIN {user} u ON u.id = c.author_id
        WHERE c.id > %(low)s AND c.id <= %(high)s
    """,
}
SQL_BATCH_SIZE = 20_000


def _rebuild_sql(
    kind: str, queryset: QuerySet[Any], progress: Callable[[str, int, int], None] | None
) -> int:
    bounds = queryset.aggregate(low=Min("pk"), high=Max("pk"), total=Count("pk"))
    total, done = bounds["total"], 0
    if not total:
        return 0
    sql = _POSTGRESQL_COPY[kind].format(
        post=Post._meta.db_table, comment=Comment._meta.db_table, user=User._meta.db_table
    )
    low = bounds["low"] - 1
    while low < bounds["high"]:
        high = low + SQL_BATCH_SIZE
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, {"low": low, "high": high, "question": PostKind.QUESTION})
            done += cursor.rowcount
        low = high
        if progress is not None:
            progress(kind, done, total)
    return done


def rebuild(*, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Empties and refills the whole index, by batches of one transaction each (a crash
    leaves a partial index that the next rebuild replaces; meanwhile search finds only
    what is refilled). `progress(kind, done, total)` is called after each batch."""
    sources: list[tuple[str, QuerySet[Any], Callable[[Any], SearchEntry]]] = [
        ("posts", Post.objects.select_related("author"), _post_entry),
        ("comments", Comment.objects.select_related("author"), _comment_entry),
        (
            "people",
            User.objects.filter(is_active=True).prefetch_related("declared_skills"),
            _person_entry,
        ),
        ("communities", Community.objects.all(), _community_entry),
    ]
    # Nothing points at entries: Django deletes them in one statement, whatever the size.
    SearchEntry.objects.all().delete()
    counts: dict[str, int] = {}
    for kind, queryset, build in sources:
        if connection.vendor == "postgresql" and kind in _POSTGRESQL_COPY:
            counts[kind] = _rebuild_sql(kind, queryset, progress)
            continue
        total = queryset.count()
        done = 0
        for batch in _batches(queryset):
            with transaction.atomic():
                SearchEntry.objects.bulk_create([_stemmed(build(row)) for row in batch])
            done += len(batch)
            if progress is not None:
                progress(kind, done, total)
        counts[kind] = done
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchentry")
    return counts


def index_posts(*, posts: Iterable[Post]) -> None:
    """Indexes many new posts at once (imports, seed): one insert."""
    SearchEntry.objects.bulk_create([_stemmed(_post_entry(post)) for post in posts])


def _with_authors[M: (Post, Comment)](rows: Sequence[M]) -> Sequence[M]:
    """Their authors in one query (the entries read the author's language)."""
    authors = User.objects.in_bulk({row.author_id for row in rows if row.author_id})
    for row in rows:
        if row.author_id:
            row.author = authors.get(row.author_id)
    return rows


def index_unattended_posts(posts: Sequence[Post]) -> None:
    """Posts written without rucher.actions (watch feeds, imports): registered with
    content.services in SearchConfig.ready()."""
    index_posts(posts=_with_authors(posts))


def index_unattended_comments(comments: Sequence[Comment]) -> None:
    SearchEntry.objects.bulk_create(
        [_stemmed(_comment_entry(comment)) for comment in _with_authors(comments)]
    )
