"""Administration of earned skills: read-only (every change goes through the services, so the
ledger and the totals stay equal)."""

from django.contrib import admin
from django.http import HttpRequest

from rucher.recognition.models import ReputationEvent, SkillReputation


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
