"""The v1 API object mounted at /api/v1/ (contract: API.md)."""

from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI

from rucher.api import (
    agenda,
    analytics,
    charter,
    communities,
    content,
    curation,
    documents,
    feeds,
    imports,
    integrations,
    leaderboard,
    life,
    mail,
    moderation,
    notifications,
    people,
    polls,
    qa,
    recognition,
    search,
    tokens,
    toolbox,
)
from rucher.api.auth import BearerTokenAuth, SessionCsrfAuth, members_only
from rucher.api.errors import JsonParser, api_not_found, install_error_handlers, json_http_errors


class RucherAPI(NinjaAPI):
    """NinjaAPI whose every answer under /api/v1/ has the error shape, even for unknown
    paths and wrong methods (which ninja and Django would answer in HTML)."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                # functools.wraps keeps ninja's csrf_exempt flag on the wrapper.
                pattern.callback = json_http_errors(pattern.callback)
        return [*patterns, re_path(r"", api_not_found)], app_name, namespace


api = RucherAPI(
    title="Rucher API",
    version="1",
    urls_namespace="api-v1",
    auth=[BearerTokenAuth(), SessionCsrfAuth()],
    parser=JsonParser(),
    docs_decorator=members_only,
)
install_error_handlers(api)

api.add_router("", tokens.router)
api.add_router("", people.router)
api.add_router("", charter.router)
api.add_router("", communities.router)
api.add_router("", content.router)
api.add_router("", curation.router)
api.add_router("", notifications.router)
api.add_router("", moderation.router)
api.add_router("", qa.router)
api.add_router("", recognition.router)
api.add_router("", leaderboard.router)
api.add_router("", mail.router)
api.add_router("", life.router)
api.add_router("", toolbox.router)
api.add_router("", agenda.router)
api.add_router("", polls.router)
api.add_router("", documents.router)
api.add_router("", analytics.router)
api.add_router("", integrations.router)
api.add_router("", search.router)
api.add_router("", feeds.router)
api.add_router("", imports.router)
