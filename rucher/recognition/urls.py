from django.urls import path

from rucher.recognition import ranking_views, views

urlpatterns = [
    path("experts/", views.experts, name="experts"),
    path("c/<str:slug>/welcome/", views.first_contributions, name="community_welcome"),
    path("people/<str:username>/points/", views.points_ledger, name="points"),
    path("people/<str:username>/thank/", views.kudos_new, name="kudos_new_for"),
    path("thank/", views.kudos_new, name="kudos_new"),
    path("leaderboard/", ranking_views.leaderboard, name="leaderboard"),
    path(
        "c/<str:slug>/leaderboard/",
        ranking_views.community_leaderboard,
        name="community_leaderboard",
    ),
]
