"""The community toolbox (F-BLOG, F-FORUM, F-IDEAS): what articles, forum topics and ideas keep
beyond the post they are (content.Post of kind article, discussion, idea).

Lists are per community and sorted by a key the post does not have (last reply, votes), so each
kind keeps one row per placement (like content.PostCommunity, which copies the post's time):
a community's forum or idea box is then one index range scan, never a sort of its history.
The state shared by all placements (closed, status, answer) is written to every row at once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rucher.communities.models import Community
from rucher.content.models import MAX_TITLE_LENGTH, Post

MAX_ANSWER_LENGTH = 5000


class Topic(models.Model):
    """A forum topic (a post of kind discussion) in one community's forum."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="topic_rows")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    # The post's time, then each reply's; kept by rucher.actions.comments (create and delete).
    last_activity_at = models.DateTimeField()
    last_replier = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("forum topic")
        verbose_name_plural = _("forum topics")
        constraints = [
            models.UniqueConstraint(fields=["post", "community"], name="topic_unique"),
        ]
        indexes = [
            models.Index(fields=["community", "-last_activity_at", "-post"], name="forum_order"),
        ]

    def __str__(self) -> str:
        return f"topic {self.post_id} in {self.community_id}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class TopicVisit(models.Model):
    """When a person last opened a topic: its unread marker (what changed since)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "post"], name="topic_visit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} saw {self.post_id}"


class IdeaStatus(models.TextChoices):
    # Their own context: "Accepted" elsewhere is a plural column of questions.
    NEW = "new", pgettext_lazy("idea status", "New")
    UNDER_STUDY = "under_study", pgettext_lazy("idea status", "Under study")
    ACCEPTED = "accepted", pgettext_lazy("idea status", "Accepted")
    DONE = "done", pgettext_lazy("idea status", "Done")
    DECLINED = "declined", pgettext_lazy("idea status", "Declined")


class Idea(models.Model):
    """An idea (a post of kind idea) in one community's idea box."""

    Status = IdeaStatus

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="idea_rows")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    vote_count = models.PositiveIntegerField(default=0)
    # The managers' public answer with the last status change.
    answer = models.TextField(_("answer"), max_length=MAX_ANSWER_LENGTH, blank=True)
    answer_html = models.TextField(blank=True, default="")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        constraints = [
            models.UniqueConstraint(fields=["post", "community"], name="idea_unique"),
            models.CheckConstraint(condition=Q(status__in=IdeaStatus.values), name="idea_status"),
        ]
        indexes = [
            models.Index(fields=["community", "-created_at", "-post"], name="ideas_recent"),
            models.Index(
                fields=["community", "-vote_count", "-created_at", "-post"], name="ideas_votes"
            ),
            models.Index(fields=["status", "-status_changed_at"], name="ideas_by_status"),
        ]

    def __str__(self) -> str:
        return f"idea {self.post_id} in {self.community_id}"


class IdeaVote(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="idea_votes")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "person"], name="idea_vote_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} votes for {self.post_id}"


class Article(models.Model):
    """A published blog article (a post of kind article) in one community's blog."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="article_rows")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["post", "community"], name="article_unique"),
        ]
        indexes = [
            models.Index(fields=["community", "-published_at", "-post"], name="blog_order"),
        ]

    def __str__(self) -> str:
        return f"article {self.post_id} in {self.community_id}"


class ArticleCover(models.Model):
    """An article's cover: the upload re-encoded and resized (the original is never kept)."""

    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, primary_key=True, related_name="cover"
    )
    image = models.FileField(upload_to="covers/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"cover of {self.post_id}"


class ArticleDraft(models.Model):
    """An article not yet published: seen by its author only, never a post (so no stream,
    feed, search or notification can show it). Publishing turns it into the post."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_drafts"
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=MAX_TITLE_LENGTH)
    body = models.TextField(_("text"))
    cover = models.FileField(upload_to="covers/drafts/%Y/%m/", blank=True)
    cover_width = models.PositiveIntegerField(default=0)
    cover_height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("article draft")
        verbose_name_plural = _("article drafts")
        indexes = [models.Index(fields=["author", "-updated_at", "-id"], name="drafts_by_author")]

    def __str__(self) -> str:
        return self.title
