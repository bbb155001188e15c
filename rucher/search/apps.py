from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "rucher.search"
    label = "search"
