"""People in the administration; charter versions are published through the service."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from rucher.accounts.models import Charter, User


@admin.register(User)
class PersonAdmin(UserAdmin):
    list_display = (
        "username",
        "display_name",
        "email",
        "department",
        "site",
        "is_staff",
        "is_active",
    )
    list_filter = ("is_staff", "is_active", "is_ambassador", "department", "site")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        (
            "Rucher",
            {
                "fields": (
                    "display_name",
                    "job_title",
                    "department",
                    "site",
                    "manager",
                    "phone",
                    "is_ambassador",
                    "meet_opt_out",
                    "language",
                )
            },
        ),
    )


@admin.register(Charter)
class CharterAdmin(admin.ModelAdmin):
    """Read-only here: publishing goes through /charter/publish/ (one service, audited)."""

    list_display = ("version", "published_at", "published_by")
    readonly_fields = ("version", "text_fr", "text_en", "published_at", "published_by")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
