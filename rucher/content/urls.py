"""Web URLs of content."""

from django.urls import URLPattern, URLResolver, path

from rucher.content import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("posts/new/", views.post_new, name="post_new"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:post_id>/delete", views.post_delete, name="post_delete"),
    path("posts/<int:post_id>/history/", views.post_history, name="post_history"),
    path("posts/<int:post_id>/like", views.post_like, name="post_like"),
    path("posts/<int:post_id>/comments", views.comment_new, name="comment_new"),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete", views.comment_delete, name="comment_delete"),
    path("comments/<int:comment_id>/like", views.comment_like, name="comment_like"),
    path("attachments/<int:attachment_id>/<str:name>", views.attachment, name="attachment"),
    path("tags/<str:slug>/", views.tag, name="tag"),
]
