from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "rucher.documents"
    label = "documents"
    verbose_name = "Documents"
