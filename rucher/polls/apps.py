from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "rucher.polls"
    label = "polls"
    verbose_name = "Polls"
