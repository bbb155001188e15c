from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "rucher.search"
    label = "search"

    def ready(self) -> None:
        # Posts and comments that feeds and imports write below the actions: indexed too.
        from rucher.content import services as content
        from rucher.search import services

        content.unattended_post_listeners.append(services.index_unattended_posts)
        content.unattended_comment_listeners.append(services.index_unattended_comments)
