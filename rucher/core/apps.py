"""App config of the shared base; wires background-job retries and Pillow's pixel budget at
start-up."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "rucher.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from rucher.core import images, jobs  # models are not ready when this module is imported

        jobs.configure_retries()
        images.configure_pillow()
