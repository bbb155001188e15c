"""Root URL map (see ARCHITECTURE.md, "Web URLs")."""

from django.contrib import admin
from django.urls import include, path

from rucher.api.urls import api

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
    path("", include("rucher.mail.urls")),
]
