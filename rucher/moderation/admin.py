"""Reports in the administration (read-only: moderation goes through /moderation/)."""

from django.contrib import admin

from rucher.moderation.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "status", "post", "comment", "reporter", "resolved_by")
    list_filter = ("status",)
    list_select_related = ("post", "comment", "reporter", "resolved_by")
    raw_id_fields = ("post", "comment", "reporter", "resolved_by")
    readonly_fields = ("created_at", "resolved_at")
