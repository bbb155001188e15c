"""Web URLs of the community toolbox (tabs under /c/<slug>/, a person's blog)."""

from django.urls import URLPattern, URLResolver, path

from rucher.toolbox import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("c/<str:slug>/blog/", views.community_blog, name="community_blog"),
    path("c/<str:slug>/blog/new/", views.article_new, name="article_new"),
    path("c/<str:slug>/forum/", views.community_forum, name="community_forum"),
    path("c/<str:slug>/ideas/", views.community_ideas, name="community_ideas"),
    path("c/<str:slug>/manage/tabs", views.community_tabs, name="community_tabs"),
    path("people/<str:username>/blog/", views.person_blog, name="person_blog"),
    path("drafts/<int:draft_id>/", views.article_draft, name="article_draft"),
    path("drafts/<int:draft_id>/cover.jpg", views.draft_cover, name="draft_cover"),
    path("posts/<int:post_id>/cover.jpg", views.article_cover, name="article_cover"),
    path("posts/<int:post_id>/vote", views.idea_vote, name="idea_vote"),
    path("posts/<int:post_id>/idea-status", views.idea_status, name="idea_status"),
    path("posts/<int:post_id>/close", views.topic_close, name="topic_close"),
]
