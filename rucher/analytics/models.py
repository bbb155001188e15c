"""Facts and daily rollups behind the dashboard (F-ANALYTICS) and the weekly report
(F-SUCCESS-REPORT).

- `ActivityDay`: a person was active on a (local) day. Written at most once per person and day
  by the middleware (a cache guard in front of an insert that ignores conflicts), and by the
  nightly rollup for those who contributed without a web session (API, email).
- `ContributionDay`: what one person contributed to one community on one day (sparse: only
  people who did something). Built by the nightly rollup from the content tables.
- `CommunityDay`: one community's figures for one day; the row with no community is the whole
  network (a cross-post counts once there, and once in each of its communities).
- `CommunityReportSetting`: a community's opt-in to have the weekly report posted in it.
- `SuccessReportRun`: the weekly report of one week, once (the idempotence of the weekly job).

Days are local days in the organisation's time zone (TIME_ZONE). Every rollup row of a day is
rebuilt from the source tables by `rollup_day`, so any past day can be rebuilt at any time.
"""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rucher.communities.models import Community


class ActivityDay(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activity_days"
    )
    day = models.DateField()
    # The Monday of the day's week, stored: weekly distinct counts group on a plain column
    # (SQLite truncates dates with a Python function, row by row).
    week = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "day"], name="activity_day_once"),
        ]
        indexes = [models.Index(fields=["day", "person"], name="activity_by_day")]

    def __str__(self) -> str:
        return f"{self.person_id} active on {self.day}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.week is None:
            self.week = self.day - timedelta(days=self.day.weekday())
        super().save(*args, **kwargs)

    @classmethod
    def of(cls, person_id: int, day: date) -> "ActivityDay":
        return cls(person_id=person_id, day=day, week=day - timedelta(days=day.weekday()))


class ContributionDay(models.Model):
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    posts = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    likes = models.PositiveIntegerField(default=0)
    questions = models.PositiveIntegerField(default=0)
    answers = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "community", "day"], name="contribution_day_once"
            ),
        ]
        indexes = [models.Index(fields=["day", "community"], name="contribution_by_day")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.community_id} on {self.day}"


class CommunityDay(models.Model):
    # Null: the whole network (each post, comment and like counted once).
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    posts = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    likes = models.PositiveIntegerField(default=0)
    questions = models.PositiveIntegerField(default=0)
    answers = models.PositiveIntegerField(default=0)
    # Of the questions asked that day: answered so far, asked under a promise, answered within it.
    answered = models.PositiveIntegerField(default=0)
    promised = models.PositiveIntegerField(default=0)
    answered_within_promise = models.PositiveIntegerField(default=0)
    # Working hours from asking to the first answer, one number per answered question asked
    # that day: a period's median is the median of the concatenated lists (medians do not add).
    answer_hours = models.JSONField(default=list)
    new_members = models.PositiveIntegerField(default=0)
    members = models.PositiveIntegerField(default=0)
    active_members = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "day"],
                condition=Q(community__isnull=False),
                name="community_day_once",
            ),
            models.UniqueConstraint(
                fields=["day"], condition=Q(community__isnull=True), name="network_day_once"
            ),
        ]
        indexes = [models.Index(fields=["day", "community"], name="community_day_by_day")]

    def __str__(self) -> str:
        return f"{self.community_id or 'network'} on {self.day}"


class CommunityReportSetting(models.Model):
    community = models.OneToOneField(
        Community, primary_key=True, on_delete=models.CASCADE, related_name="report_setting"
    )
    post_weekly_report = models.BooleanField(
        _("post the weekly success report in the community"), default=False
    )

    def __str__(self) -> str:
        return f"{self.community_id}: {self.post_weekly_report}"


class SuccessReportRun(models.Model):
    """One weekly report per week (Monday, organisation time zone): a second run finds it."""

    week_start = models.DateField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)
    posted = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"success report of the week of {self.week_start}"


class SuccessReportPost(models.Model):
    """The weekly report posted in one opted-in community, once per week."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    post = models.ForeignKey(
        "content.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "week_start"], name="success_report_post_once"
            ),
        ]

    def __str__(self) -> str:
        return f"report of {self.week_start} in {self.community_id}"
