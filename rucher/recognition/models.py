"""Earned skills (F-SKILLS-EARNED): a ledger of reputation events and the per-tag totals.

`ReputationEvent` is the truth: one row per (reason, source, actor, tag), so a like or an
acceptance is never counted twice. `SkillReputation` is its denormalised sum per (person, tag),
updated with F() in the same transaction as the events. Rows at 0 are kept (deleting them would
race with a concurrent increment); readers filter on `reputation > 0`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rucher.content.models import Comment, Post, Tag
from rucher.core.text import validate_single_line


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
            # The expertise finder sums one tag's readable evidence per person.
            models.Index(fields=["tag", "person"], name="reputation_by_tag_person"),
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


# --- Points, badges, leaderboards and public thanks (F-POINTS, F-BADGES, F-LEADERBOARD,
# F-RECOGNITION) ------------------------------------------------------------------------------


class PointsReason(models.TextChoices):
    POST = "post", _("Post published")
    QUESTION = "question", _("Question asked")
    ANSWER = "answer", _("Answer given")
    COMMENT = "comment", _("Comment written")
    LIKE_RECEIVED = "like_received", _("Like received")
    ANSWER_ACCEPTED = "answer_accepted", _("Answer accepted")
    FIRST_CONTRIBUTION = "first_contribution", _("First contribution")
    KUDOS_RECEIVED = "kudos_received", _("Thanks received")
    EVENT_ATTENDED = "event_attended", _("Event attended")
    IDEA_ACCEPTED = "idea_accepted", _("Idea accepted")


# The absurd-value guard for administrators: a single contribution is never worth more.
POINTS_MAX_VALUE = 1000
# Nor a day's cap above this (0 means no cap).
POINTS_MAX_DAILY_CAP = 100_000


class PointsValue(models.Model):
    """How many points a reason is worth, set by administrators. A reason without a row uses
    the default in `rucher.recognition.points.DEFAULT_VALUES`."""

    reason = models.CharField(_("reason"), max_length=24, choices=PointsReason.choices, unique=True)
    points = models.PositiveSmallIntegerField(_("points"))
    # Most points one person can earn for this reason in one day (organisation time zone);
    # 0 means no cap.
    daily_cap = models.PositiveIntegerField(_("daily cap"), default=0)

    class Meta:
        verbose_name = _("points value")
        verbose_name_plural = _("points values")
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=PointsReason.values), name="points_value_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0, points__lte=POINTS_MAX_VALUE),
                name="points_value_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} = {self.points}"

    def clean(self) -> None:
        # Clear messages before the database's check constraint would refuse the row.
        from django.core.exceptions import ValidationError

        errors: dict[str, str] = {}
        if self.points is not None and self.points < 0:
            errors["points"] = str(_("Points cannot be negative."))
        elif self.points is not None and self.points > POINTS_MAX_VALUE:
            errors["points"] = str(
                _("At most %(max)d points for one contribution.") % {"max": POINTS_MAX_VALUE}
            )
        if self.daily_cap is not None and self.daily_cap < 0:
            errors["daily_cap"] = str(_("The daily cap cannot be negative (0 means no cap)."))
        elif self.daily_cap is not None and self.daily_cap > POINTS_MAX_DAILY_CAP:
            errors["daily_cap"] = str(
                _("At most %(max)d points a day (0 means no cap).") % {"max": POINTS_MAX_DAILY_CAP}
            )
        if errors:
            raise ValidationError(errors)


class PointsEntry(models.Model):
    """The append-only points ledger. A grant has positive points and a `key` naming what
    earned it (e.g. "post_like:<like id>"); a withdrawal is a new row with the opposite points
    that `reverses` the grant (each grant is reversed at most once). Nothing is ever updated or
    deleted except the object links, which become NULL when the object is deleted (the key
    keeps its identity)."""

    Reason = PointsReason

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_entries"
    )
    reason = models.CharField(max_length=24, choices=Reason.choices)
    points = models.IntegerField()
    key = models.CharField(max_length=120)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="reversed_by"
    )
    # Who caused it (the liker, the thanker); none for one's own contribution.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where it was earned: drives per-community leaderboards and removal by moderation.
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=PointsReason.values), name="points_entry_reason_valid"
            ),
            models.CheckConstraint(condition=~Q(points=0), name="points_entry_not_zero"),
        ]
        indexes = [
            models.Index(fields=["person", "-created_at", "-id"], name="points_by_person"),
            models.Index(fields=["person", "reason", "created_at"], name="points_daily_cap"),
            models.Index(fields=["key"], name="points_by_key"),
            # Period leaderboards: a range on created_at, summed per person (index-only on
            # PostgreSQL).
            models.Index(fields=["created_at", "person", "points"], name="points_by_time"),
            models.Index(
                fields=["community", "created_at", "person", "points"], name="points_by_community"
            ),
            models.Index(fields=["post"], name="points_by_post"),
            models.Index(fields=["comment"], name="points_by_comment"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.points:+d} for {self.person_id}"


class PersonScore(models.Model):
    """A person's score: the denormalised sum of their ledger, updated with F() in the same
    transaction as each entry (`rucher points_check` proves it matches the ledger)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="score"
    )
    total = models.IntegerField(_("score"), default=0)
    # Administrators exclude accounts (bots, test accounts) from every ranking.
    excluded = models.BooleanField(_("excluded from rankings"), default=False)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        indexes = [
            models.Index(fields=["-total", "person"], name="score_ranking"),
            # The few excluded accounts, left out of every ranking: read without a full scan.
            models.Index(fields=["person"], name="score_excluded", condition=Q(excluded=True)),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.total}"


class BadgeAward(models.Model):
    """A badge earned once (per tag for tag badges); `badge` is a code of
    `rucher.recognition.badges.BADGES`; `data` keeps why (e.g. {"likes": 10})."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges"
    )
    badge = models.CharField(max_length=40)
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    awarded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "badge"], condition=Q(tag__isnull=True), name="badge_once"
            ),
            models.UniqueConstraint(
                fields=["person", "badge", "tag"],
                condition=Q(tag__isnull=False),
                name="badge_once_per_tag",
            ),
        ]
        indexes = [models.Index(fields=["person", "-awarded_at"], name="badges_by_person")]

    def __str__(self) -> str:
        return f"{self.badge} for {self.person_id}"


class PeriodScore(models.Model):
    """Points per person and period — a week (from Monday) or a month (from the 1st), in the
    organisation's time zone, or all time — organisation-wide (`community_key` 0) and per
    community: the leaderboards' read model.

    Kept by the points ledger in the same transaction as each entry, under the person's lock
    (rucher.recognition.periods), so a board is one index range read whatever the size of the
    ledger; `rucher points_check` proves it equals the ledger and `--fix` rebuilds it. Entries
    count in the period of their own date, withdrawals included (as the ledger sums did).
    """

    class Period(models.TextChoices):
        WEEK = "week", _("week")
        MONTH = "month", _("month")
        ALL = "all", _("all time")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=5, choices=Period.choices)
    start = models.DateField()
    # 0 for the organisation, else the community's id (not a foreign key: one unique key and one
    # upsert for both scopes; a deleted community's rows are never read again).
    community_key = models.BigIntegerField(default=0)
    points = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("period score")
        verbose_name_plural = _("period scores")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "start", "community_key", "person"], name="period_score_unique"
            ),
            models.CheckConstraint(
                condition=Q(period__in=["week", "month", "all"]), name="period_score_period_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["period", "start", "community_key", "-points", "person"],
                name="period_score_ranking",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.period} {self.start} @{self.community_key}: {self.points}"


class WeeklyTop(models.Model):
    """The frozen top 3 of one week (Monday, organisation time zone): three people ranked 1 to
    3, ties broken by who got there first (weeks frozen before that may hold more, ties sharing
    a rank)."""

    week_start = models.DateField()
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_tops"
    )
    rank = models.PositiveSmallIntegerField()
    points = models.IntegerField()
    frozen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("weekly top 3")
        verbose_name_plural = _("weekly top 3")
        constraints = [
            models.UniqueConstraint(fields=["week_start", "person"], name="weekly_top_once"),
        ]
        indexes = [models.Index(fields=["-week_start", "rank"], name="weekly_top_by_week")]

    def __str__(self) -> str:
        return f"{self.week_start} #{self.rank} {self.person_id}"


class OrganisationValue(models.Model):
    """One of the organisation's values that a public thanks names (configurable list)."""

    # Written only in the admin, whose forms run these validators.
    name = models.CharField(
        _("name"), max_length=60, unique=True, validators=[validate_single_line]
    )
    description = models.CharField(
        _("description"), max_length=200, blank=True, validators=[validate_single_line]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation value")
        verbose_name_plural = _("organisation values")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Kudos(models.Model):
    """A public thanks: a post of kind "kudos" in a community, naming a colleague and a value."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="kudos")
    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_given"
    )
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_received"
    )
    # Empty only when the organisation has no active value at the time of the thanks.
    value = models.ForeignKey(
        OrganisationValue, null=True, blank=True, on_delete=models.PROTECT, related_name="kudos"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("thanks")
        verbose_name_plural = _("thanks")
        constraints = [
            models.CheckConstraint(
                condition=~Q(giver=models.F("receiver")), name="kudos_not_to_oneself"
            ),
        ]
        indexes = [models.Index(fields=["receiver", "-created_at"], name="kudos_by_receiver")]

    def __str__(self) -> str:
        return f"{self.giver_id} thanks {self.receiver_id}"
