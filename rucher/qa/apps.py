from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QaConfig(AppConfig):
    name = "rucher.qa"
    label = "qa"
    verbose_name = _("Questions and answers")

    def ready(self) -> None:
        # Imported here: models are not ready at import time. Recognition sits below qa: it is
        # given the rule that reads acceptance instead of importing qa.
        from rucher.qa.badges import first_accepted_answer
        from rucher.recognition.badges import badge_rule_set

        badge_rule_set("first_accepted_answer", first_accepted_answer)
