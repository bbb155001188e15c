from django.urls import path

from rucher.recognition import views

urlpatterns = [
    path("experts/", views.experts, name="experts"),
    path("c/<str:slug>/welcome/", views.first_contributions, name="community_welcome"),
]
