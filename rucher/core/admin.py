"""The administration's branding, and the read-only audit log in it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from rucher.core.models import AuditEvent

admin.site.site_header = _("Rucher — administration")
admin.site.site_title = _("Rucher — administration")
admin.site.index_title = _("Administration of the site")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "actor", "target", "ip_address")
    list_filter = ("action",)
    search_fields = ("target", "actor__username")
    readonly_fields = ("created_at", "action", "actor", "target", "data", "ip_address")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
