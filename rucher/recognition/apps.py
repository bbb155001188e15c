from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "rucher.recognition"
    label = "recognition"
    verbose_name = _("Recognition")

    def ready(self) -> None:
        # Imported here: models are not ready at import time. Notifications sits below
        # recognition: it is given the badge names instead of importing them.
        from rucher.notifications.messages import badge_labeller_set
        from rucher.recognition.badges import badge_label

        badge_labeller_set(badge_label)
