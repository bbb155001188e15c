"""Communities in the administration; memberships change only through the services (counts)."""

from django.contrib import admin

from rucher.communities.models import Community


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "visibility", "member_count", "default_role")
    list_filter = ("kind", "visibility")
    search_fields = ("name", "slug")
    readonly_fields = ("member_count", "created_at")
