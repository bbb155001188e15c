"""Web URLs of notifications."""

from django.urls import URLPattern, URLResolver, path

from rucher.notifications import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("notifications/", views.inbox, name="notifications"),
    path("notifications/read/", views.mark_all_read, name="notifications_mark_all_read"),
    path(
        "notifications/<int:notification_id>/read/",
        views.mark_read,
        name="notification_mark_read",
    ),
]
