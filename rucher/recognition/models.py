"""Earned skills (F-SKILLS-EARNED): a ledger of reputation events and the per-tag totals.

`ReputationEvent` is the truth: one row per (reason, source, actor, tag), so a like or an
acceptance is never counted twice. `SkillReputation` is its denormalised sum per (person, tag),
updated with F() in the same transaction as the events. Rows at 0 are kept (deleting them would
race with a concurrent increment); readers filter on `reputation > 0`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rucher.content.models import Comment, Post, Tag


class ReputationReason(models.TextChoices):
    LIKE_POST = "like_post", _("Post liked")
    LIKE_COMMENT = "like_comment", _("Answer liked")
    ACCEPTED_ANSWER = "accepted_answer", _("Answer accepted")


class ReputationEvent(models.Model):
    Reason = ReputationReason

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reputation_events"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    points = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    # The liked post, or the question of a liked or accepted answer.
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Who liked (none for an acceptance: an answer counts once, whoever accepted it).
    liker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reputation event")
        verbose_name_plural = _("reputation events")
        indexes = [
            models.Index(fields=["post"], name="reputation_by_post"),
            models.Index(fields=["comment"], name="reputation_by_comment"),
            models.Index(fields=["person", "tag"], name="reputation_by_person_tag"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=ReputationReason.values), name="reputation_reason_valid"
            ),
            models.CheckConstraint(condition=Q(points__gt=0), name="reputation_points_positive"),
            models.UniqueConstraint(
                fields=["post", "liker", "tag"],
                condition=Q(reason="like_post"),
                name="reputation_like_post_once",
            ),
            models.UniqueConstraint(
                fields=["comment", "liker", "tag"],
                condition=Q(reason="like_comment"),
                name="reputation_like_comment_once",
            ),
            models.UniqueConstraint(
                fields=["comment", "tag"],
                condition=Q(reason="accepted_answer"),
                name="reputation_accepted_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} +{self.points} for {self.person_id} in {self.tag_id}"


class SkillReputation(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_reputations"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="skill_reputations")
    reputation = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("earned skill")
        verbose_name_plural = _("earned skills")
        constraints = [
            models.UniqueConstraint(fields=["person", "tag"], name="skill_reputation_unique"),
            models.CheckConstraint(
                condition=Q(reputation__gte=0), name="skill_reputation_not_negative"
            ),
        ]
        indexes = [
            # The expertise finder: the best people in one tag.
            models.Index(fields=["tag", "-reputation", "person"], name="skill_experts"),
            models.Index(fields=["person", "-reputation"], name="skill_by_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} has {self.reputation} in {self.tag_id}"
