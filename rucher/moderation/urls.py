"""Web URLs of moderation."""

from django.urls import URLPattern, URLResolver, path

from rucher.moderation import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("posts/<int:post_id>/report/", views.report_post, name="report_post"),
    path("comments/<int:comment_id>/report/", views.report_comment, name="report_comment"),
    path("moderation/", views.queue, name="moderation_queue"),
    path("moderation/audit/", views.audit, name="moderation_audit"),
    path("moderation/posts/<int:post_id>/hide", views.post_hide, name="moderation_post_hide"),
    path(
        "moderation/posts/<int:post_id>/restore",
        views.post_restore,
        name="moderation_post_restore",
    ),
    path(
        "moderation/comments/<int:comment_id>/hide",
        views.comment_hide,
        name="moderation_comment_hide",
    ),
    path(
        "moderation/comments/<int:comment_id>/restore",
        views.comment_restore,
        name="moderation_comment_restore",
    ),
    path(
        "moderation/reports/<int:report_id>/dismiss",
        views.report_dismiss,
        name="moderation_report_dismiss",
    ),
]
