"""A question's state: its due time (answer-time promise), first answer, accepted answer and
routing. The question itself is a Post of kind `question`; this row shares its primary key."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rucher.content.models import Comment, Post


class RoutingStage(models.IntegerChoices):
    # Stage 1 at half the promise: the people who know the question's tags.
    EXPERTS = 1, _("Experts in the question's tags")
    # Stage 2 near the due time: the communities' managers and ambassadors.
    LEADERS = 2, _("Managers and ambassadors")


class Question(models.Model):
    Stage = RoutingStage

    post = models.OneToOneField(
        Post, primary_key=True, on_delete=models.CASCADE, related_name="question"
    )
    # A copy of the post's time: lists keyset on (asked_at, post) without a join.
    asked_at = models.DateTimeField(_("asked at"))
    # The shortest promise among the question's communities; null when none makes a promise.
    promise_hours = models.PositiveIntegerField(null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    # When each routing stage falls due (working hours after asked_at), computed once.
    route_experts_at = models.DateTimeField(null=True, blank=True)
    route_leaders_at = models.DateTimeField(null=True, blank=True)
    routed_stage = models.PositiveSmallIntegerField(default=0)
    first_answer = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_answer_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    accepted_comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            models.Index(fields=["-asked_at", "-post"], name="questions_newest"),
            models.Index(
                fields=["route_experts_at"],
                condition=Q(first_answer_at__isnull=True, routed_stage__lt=2),
                name="questions_to_route",
            ),
            models.Index(
                fields=["due_at"], condition=Q(first_answer_at__isnull=True), name="questions_open"
            ),
        ]

    def __str__(self) -> str:
        return f"question {self.post_id}"

    @property
    def is_answered(self) -> bool:
        return self.first_answer_at is not None

    @property
    def is_accepted(self) -> bool:
        return self.accepted_comment_id is not None


class RoutingNotice(models.Model):
    """One person notified about one question at one routing stage (never twice)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="notices")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stage = models.PositiveSmallIntegerField(choices=RoutingStage.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "person", "stage"], name="routing_notice_once"
            ),
        ]

    def __str__(self) -> str:
        return f"question {self.question_id} routed to {self.person_id} (stage {self.stage})"
