from django.urls import path

from rucher.search import views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("search/suggest", views.suggest, name="search_suggest"),
    path("search/similar-questions", views.similar, name="search_similar"),
]
