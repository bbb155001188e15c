"""Administration of recognition.

Earned skills and the points ledger are read-only: every change goes through the services, so
the ledger and the totals stay equal. Administrators configure points values (validated: never
negative, never above POINTS_MAX_VALUE), the organisation's values, and exclude accounts (bots,
test accounts) from rankings.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rucher.recognition.models import (
    Kudos,
    OrganisationValue,
    PersonScore,
    PointsEntry,
    PointsValue,
    ReputationEvent,
    SkillReputation,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ReputationEvent)
class ReputationEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "person", "tag", "reason", "points", "post", "comment", "created_at")
    list_filter = ("reason",)
    search_fields = ("person__username", "tag__slug")
    raw_id_fields = ("person", "tag", "post", "comment", "liker")


@admin.register(SkillReputation)
class SkillReputationAdmin(ReadOnlyAdmin):
    list_display = ("person", "tag", "reputation")
    search_fields = ("person__username", "tag__slug")
    raw_id_fields = ("person", "tag")


@admin.register(PointsValue)
class PointsValueAdmin(admin.ModelAdmin):
    """A row overrides the documented default of its reason (rucher.recognition.points)."""

    list_display = ("reason", "points", "daily_cap")
    ordering = ("reason",)


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "person", "reason", "points", "key", "community", "created_at")
    list_filter = ("reason",)
    search_fields = ("person__username", "key")
    raw_id_fields = ("person", "actor", "community", "post", "comment", "reverses")
    list_select_related = ("person", "community")
    date_hierarchy = "created_at"


@admin.register(PersonScore)
class PersonScoreAdmin(admin.ModelAdmin):
    """Scores are the ledger's sums (read-only); only `excluded` is for administrators."""

    list_display = ("person", "total", "excluded")
    list_editable = ("excluded",)
    list_filter = ("excluded",)
    search_fields = ("person__username", "person__display_name")
    raw_id_fields = ("person",)
    list_select_related = ("person",)
    ordering = ("-total", "person")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A new row (excluding someone who never earned points) starts at 0, like the ledger.
        return ("person", "total") if obj is not None else ("total",)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OrganisationValue)
class OrganisationValueAdmin(admin.ModelAdmin):
    list_display = ("name", "description", "position", "active")
    list_editable = ("position", "active")
    search_fields = ("name",)


@admin.register(Kudos)
class KudosAdmin(ReadOnlyAdmin):
    """Thanks are removed with their post (by its author, a manager, or moderation)."""

    list_display = ("id", "giver", "receiver", "value", "community", "created_at")
    list_filter = ("value",)
    search_fields = ("giver__username", "receiver__username")
    raw_id_fields = ("post", "giver", "receiver", "community")
    list_select_related = ("giver", "receiver", "value", "community")
