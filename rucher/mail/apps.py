from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "rucher.mail"
    label = "mail"
    verbose_name = _("Email")

    def ready(self) -> None:
        from rucher.mail import checks  # noqa: F401 - registers the deploy checks

        # Imported here: models are not ready at import time. Notifications sits below mail
        # and never imports it; mail subscribes to new notifications instead.
        from rucher.mail.tasks import notification_emails_enqueue
        from rucher.notifications.services import on_notified

        on_notified(notification_emails_enqueue)
