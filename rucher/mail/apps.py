from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "rucher.mail"
    label = "mail"
    verbose_name = _("Email")

    def ready(self) -> None:
        from rucher.mail import checks  # noqa: F401 - registers the deploy checks
