"""App config of the shared base; wires background-job retries at start-up."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rucher.core"
    label = "core"

    def ready(self) -> None:
        from rucher.core import jobs

        jobs.configure_retries()
