"""Web URLs of questions and answer-time reports."""

from django.urls import URLPattern, URLResolver, path

from rucher.qa import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("questions/", views.questions, name="questions"),
    path("questions/report/", views.report, name="questions_report"),
    path("c/<str:slug>/questions/", views.community_questions, name="community_questions"),
    path("c/<str:slug>/questions/report/", views.community_report, name="community_report"),
    path("posts/<int:post_id>/accept", views.accept, name="answer_accept"),
]
