"""Web URLs of polls."""

from django.urls import URLPattern, URLResolver, path

from rucher.polls import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("c/<str:slug>/polls/", views.community_polls, name="community_polls"),
    path("c/<str:slug>/polls/new/", views.poll_new, name="poll_new"),
    path("polls/<int:poll_id>/", views.poll_detail, name="poll"),
    path("polls/<int:poll_id>/vote", views.poll_vote, name="poll_vote"),
]
