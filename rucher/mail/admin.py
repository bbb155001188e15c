"""Email in the administration: the outbox and address health (read-only but for resuming a
paused address), received emails, preferences."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rucher.mail.models import AddressHealth, EmailPreference, InboundMessage, OutboxMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "to_address", "state", "attempts", "sent_at")
    list_filter = ("state", "kind")
    search_fields = ("to_address", "key")
    raw_id_fields = ("recipient", "notification")
    # The bodies are not listed: they are the recipient's, and stay in the row's page.
    exclude = ("body_html",)


@admin.register(AddressHealth)
class AddressHealthAdmin(ReadOnlyAdmin):
    list_display = ("address", "failures", "paused_at", "last_error", "updated_at")
    list_filter = (("paused_at", admin.EmptyFieldListFilter),)
    search_fields = ("address",)
    actions = ("resume",)

    @admin.action(description=_("Resume sending to these addresses"))
    def resume(self, request: HttpRequest, queryset: QuerySet[AddressHealth]) -> None:
        count = queryset.update(failures=0, paused_at=None, last_error="")
        self.message_user(
            request,
            ngettext("%(count)d address resumed.", "%(count)d addresses resumed.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Needed by the action; the change form itself shows no editable field.
        return bool(request.user.is_superuser or request.user.has_perm("mail.change_addresshealth"))

    readonly_fields = ("address", "failures", "paused_at", "last_error", "updated_at")


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "sender", "recipient", "outcome", "reason")
    list_filter = ("outcome", "reason")
    search_fields = ("sender", "recipient", "message_id")
    raw_id_fields = ("post", "comment")


@admin.register(EmailPreference)
class EmailPreferenceAdmin(ReadOnlyAdmin):
    list_display = ("person", "kind", "delivery")
    list_filter = ("kind", "delivery")
    raw_id_fields = ("person",)
