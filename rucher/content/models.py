"""Posts (all kinds) published in one or more communities, their comments, likes and files."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rucher.communities.models import Community

MAX_BODY_LENGTH = 20_000
MAX_TITLE_LENGTH = 200
MAX_COMMENT_LENGTH = 10_000


class PostKind(models.TextChoices):
    POST = "post", _("Post")
    QUESTION = "question", _("Question")
    ARTICLE = "article", _("Article")
    ANNOUNCEMENT = "announcement", _("Announcement")
    IDEA = "idea", _("Idea")
    DISCUSSION = "discussion", _("Discussion")
    KUDOS = "kudos", _("Thanks")
    # Brought in by a community's watch feed (rucher.feeds): no author, never typed in a form.
    WATCH = "watch", _("Watch")


class Tag(models.Model):
    """One tag, one spelling: `slug` is the normalised form (Python and python are one tag)."""

    name = models.CharField(_("name"), max_length=50)
    slug = models.CharField(max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


def _prefetched(instance: models.Model, name: str) -> list[Any] | None:
    """The rows `prefetch_related(name)` left on the instance, without cloning a QuerySet
    (`.all()` clones one per call: measurable in a list of 50 comments)."""
    cache = getattr(instance, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else None


class Post(models.Model):
    Kind = PostKind

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="posts"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.POST)
    title = models.CharField(_("title"), max_length=MAX_TITLE_LENGTH, blank=True)
    body = models.TextField(_("text"), max_length=MAX_BODY_LENGTH)
    # Rendered and sanitised once at write time: reads never run Markdown.
    body_html = models.TextField(editable=False, default="")
    must_read = models.BooleanField(_("must read"), default=False)
    communities = models.ManyToManyField(
        Community, through="PostCommunity", related_name="posts", verbose_name=_("communities")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts", verbose_name=_("tags"))
    created_at = models.DateTimeField(_("published at"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    like_count = models.PositiveIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    # Moderation: hidden content stays for the audit trail but is shown to nobody but moderators.
    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            models.Index(fields=["author", "-created_at", "-id"], name="post_by_author"),
            # Every home and community page looks for the viewer's unread must-reads: without
            # this the query read every post (19 ms at 100,000 posts, growing with them).
            models.Index(
                fields=["-created_at", "-id"], condition=Q(must_read=True), name="post_must_read"
            ),
            # The few hidden posts, for anti-joins that leave them out of counts (the
            # directory's activity) without reading every post's row.
            models.Index(fields=["id"], condition=Q(hidden_at__isnull=False), name="post_hidden"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=PostKind.values), name="post_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title or self.body[:60]

    def get_absolute_url(self) -> str:
        return reverse("post", args=[self.pk])

    @property
    def tag_list(self) -> list["Tag"]:
        tags = _prefetched(self, "tags")
        return tags if tags is not None else list(self.tags.all())

    @property
    def attachment_list(self) -> list["Attachment"]:
        files = _prefetched(self, "attachments")
        return files if files is not None else list(self.attachments.all())

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class PostCommunity(models.Model):
    """A post's publication in one community (cross-posting: one row per community).

    `created_at` copies the post's time so a community stream is one index range scan.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="placements")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="placements")
    created_at = models.DateTimeField()
    pinned_at = models.DateTimeField(null=True, blank=True)
    featured_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "community"], name="post_community_unique"),
        ]
        indexes = [
            models.Index(fields=["community", "-created_at", "-post"], name="community_stream"),
            # The home page's "on top" and "selected for you" blocks read the few curated
            # placements; without these they scanned every placement of the communities.
            models.Index(
                fields=["community"],
                name="placement_curated",
                condition=Q(pinned_at__isnull=False) | Q(featured_at__isnull=False),
            ),
            models.Index(
                fields=["-featured_at", "-post"],
                name="placement_featured",
                condition=Q(featured_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} in {self.community_id}"


class PostRevision(models.Model):
    """The text of a post before each edit (F-POST: history of edits kept)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=MAX_TITLE_LENGTH, blank=True)
    body = models.TextField(max_length=MAX_BODY_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"revision of {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Comment(models.Model):
    """A comment on a post, or a reply to a comment (one level only: replies have no replies)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField(_("comment"), max_length=MAX_COMMENT_LENGTH)
    body_html = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    like_count = models.PositiveIntegerField(default=0, editable=False)
    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["post", "created_at", "id"], name="comment_thread")]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def attachment_list(self) -> list["Attachment"]:
        files = _prefetched(self, "attachments")
        return files if files is not None else list(self.attachments.all())

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class PostLike(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_likes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "person"], name="post_like_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} likes post {self.post_id}"


class CommentLike(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="likes")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_likes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "person"], name="comment_like_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} likes comment {self.comment_id}"


class Attachment(models.Model):
    """An uploaded file; readable by whoever may read the post or comment it is attached to.

    Uploaded first (unattached, visible only to its uploader), then attached on publishing.
    """

    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    # Sniffed from the bytes, never trusted from the browser or the extension.
    content_type = models.CharField(max_length=100)
    is_image = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Bookmark(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "post"], name="bookmark_unique"),
        ]
        indexes = [
            models.Index(fields=["person", "-created_at", "-id"], name="bookmarks_by_person")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} bookmarked {self.post_id}"


class PostRead(models.Model):
    """A read receipt (announcements): who has read a post, and when."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_reads"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reads")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "post"], name="post_read_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} read {self.post_id}"


class ReadReminder(models.Model):
    """One reminder sent to one person for one must-read post: the reminder job is idempotent."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="read_reminders")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "post"], name="read_reminder_unique"),
        ]

    def __str__(self) -> str:
        return f"reminded {self.person_id} of {self.post_id}"


def is_answer(comment: Comment, post: Post) -> bool:
    """THE answer rule (Q&A, points, reputation): a top-level comment on a question by someone
    other than the asker."""
    return (
        post.kind == PostKind.QUESTION
        and comment.parent_id is None
        and comment.author_id is not None
        and comment.author_id != post.author_id
    )
