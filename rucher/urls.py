"""Root URL map (see ARCHITECTURE.md, "Web URLs")."""

from django.contrib import admin
from django.urls import include, path

from rucher.api.urls import api

# Under /api/, what Django answers itself has the API's error shape too (rucher/api/errors.py).
handler400 = "rucher.api.errors.django_bad_request"
handler403 = "rucher.api.errors.django_permission_denied"
handler404 = "rucher.api.errors.django_page_not_found"
handler500 = "rucher.api.errors.django_server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("rucher.accounts.urls")),
    path("", include("rucher.communities.urls")),
    path("", include("rucher.content.urls")),
    path("", include("rucher.content.curation_urls")),
    path("", include("rucher.qa.urls")),
    path("", include("rucher.notifications.urls")),
    path("", include("rucher.moderation.urls")),
    path("", include("rucher.recognition.urls")),
    path("", include("rucher.toolbox.urls")),
    path("", include("rucher.agenda.urls")),
    path("", include("rucher.polls.urls")),
    path("", include("rucher.documents.urls")),
    path("", include("rucher.mail.urls")),
    path("", include("rucher.life.urls")),
    path("", include("rucher.analytics.urls")),
    path("", include("rucher.integrations.urls")),
    path("", include("rucher.search.urls")),
    path("", include("rucher.feeds.urls")),
    path("", include("rucher.imports.urls")),
]
