"""Polls (F-POLLS). A poll is a post (it shows in the stream, and its readability is the
post's: rucher.content.access) with its question, choices and ballots.

Ballots never name their voter: each carries `voter_key`, an HMAC of the poll and the person
under the server's secret, so a person finds (and changes) their own ballot while nobody
reading the database, the admin or the API can tell who voted what in an anonymous poll.
Public polls also keep the voter on the ballot, to show names.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rucher.communities.models import Community
from rucher.content.models import Post

MIN_CHOICES = 2
MAX_CHOICES = 20
MAX_CHOICE_LENGTH = 200
MAX_QUESTION_LENGTH = 300


class Poll(models.Model):
    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="poll")
    # Where it was asked: its Polls tab.
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    question = models.CharField(_("question"), max_length=MAX_QUESTION_LENGTH)
    choices = models.JSONField(default=list)
    # Votes per choice, in the order of `choices`; kept under a lock on the poll row.
    counts = models.JSONField(default=list)
    voter_count = models.PositiveIntegerField(default=0)
    multiple = models.BooleanField(_("several answers allowed"), default=False)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    # Set by the periodic job (polls_close_due) once `closes_at` has passed; reads do not wait
    # for it (`is_closed` also compares `closes_at` with the clock).
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        indexes = [
            models.Index(fields=["community", "-created_at", "-id"], name="polls_recent"),
            models.Index(
                fields=["closes_at"],
                condition=models.Q(closed_at__isnull=True, closes_at__isnull=False),
                name="polls_closing",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def is_closed(self) -> bool:
        if self.closed_at is not None:
            return True
        return self.closes_at is not None and self.closes_at <= timezone.now()


class Ballot(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    voter_key = models.CharField(max_length=64)
    # Only for public polls (null in anonymous ones, whatever happens).
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    choices = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter_key"], name="ballot_unique"),
        ]

    def __str__(self) -> str:
        return f"ballot in {self.poll_id}"
