from django.urls import path

from rucher.communities import views

urlpatterns = [
    path("communities/", views.browse, name="communities"),
    path("communities/new/", views.create, name="community_create"),
    path("c/<str:slug>/", views.community, name="community"),
    path("c/<str:slug>/join", views.join, name="community_join"),
    path("c/<str:slug>/leave", views.leave, name="community_leave"),
    path("c/<str:slug>/members/", views.members, name="community_members"),
    path(
        "c/<str:slug>/members/<str:username>/remove",
        views.member_remove,
        name="community_member_remove",
    ),
    path("c/<str:slug>/manage/", views.manage, name="community_manage"),
    path("c/<str:slug>/manage/members", views.member_add, name="community_member_add"),
    path("c/<str:slug>/manage/cover", views.cover_change, name="community_cover_change"),
    path("c/<str:slug>/cover", views.cover, name="community_cover"),
    path(
        "c/<str:slug>/manage/requests/<str:username>/<str:decision>",
        views.request_decide,
        name="community_request_decide",
    ),
]
