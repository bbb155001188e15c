from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifeConfig(AppConfig):
    name = "rucher.life"
    label = "life"
    verbose_name = _("Everyday life at work")
