"""The search index: one row per searchable thing (a post of any kind, a comment, a person, a
community), with the text it is found by.

The row holds text, never permissions: who may read a result is decided at query time by
content.access (a post's communities, its hidden state, the reader's memberships), so hiding,
restoring, leaving or being removed changes search results at once with no reindexing. Rows of
deleted posts, comments, people and communities go with them (cascade).

PostgreSQL: `document` (tsvector, GIN) is computed from title (weight A) and body (B) by a
trigger in both the French and English configurations with unaccent (migration 0001).
SQLite: `terms_title`/`terms_body` hold the folded, stemmed words (rucher.search.text) and the
FTS5 table `search_fts` follows them through triggers.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rucher.communities.models import Community
from rucher.content.models import Comment, Post


class SearchEntry(models.Model):
    class Type(models.TextChoices):
        POST = "post", _("Post")
        COMMENT = "comment", _("Comment")
        QUESTION = "question", _("Question")
        PERSON = "person", _("Person")
        COMMUNITY = "community", _("Community")

    type = models.CharField(max_length=16, choices=Type.choices)
    # Set for posts and comments (a comment's post decides who may read it).
    post = models.ForeignKey(Post, null=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, null=True, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    community = models.ForeignKey(Community, null=True, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    # The author's language ("" when they follow their browser): headlines use it.
    language = models.CharField(max_length=8, blank=True, default="")
    title = models.CharField(max_length=300, blank=True, default="")
    body = models.TextField(blank=True, default="")
    # SQLite only (empty on PostgreSQL): the stemmed words FTS5 indexes.
    terms_title = models.TextField(blank=True, default="", editable=False)
    terms_body = models.TextField(blank=True, default="", editable=False)
    # PostgreSQL only (null on SQLite): filled by the trigger of migration 0001.
    document = SearchVectorField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(comment__isnull=True, post__isnull=False),
                name="search_one_entry_per_post",
            ),
            models.UniqueConstraint(
                fields=["comment"],
                condition=Q(comment__isnull=False),
                name="search_one_entry_per_comment",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(person__isnull=False),
                name="search_one_entry_per_person",
            ),
            models.UniqueConstraint(
                fields=["community"],
                condition=Q(community__isnull=False),
                name="search_one_entry_per_community",
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="search_entry_created"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.pk}"
