"""Web URLs of watch feeds."""

from django.urls import URLPattern, URLResolver, path

from rucher.feeds import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("watch/", views.watch, name="watch"),
    path("c/<str:slug>/feeds/", views.community_feeds, name="community_feeds"),
    path("feeds/<int:feed_id>/poll", views.feed_poll, name="feed_poll"),
    path("feeds/<int:feed_id>/delete", views.feed_delete, name="feed_delete"),
]
