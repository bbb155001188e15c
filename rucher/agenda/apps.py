from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "rucher.agenda"
    label = "agenda"
    verbose_name = "Agenda"
