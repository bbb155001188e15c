"""Web URLs of imports (administrators)."""

from django.urls import URLPattern, URLResolver, path

from rucher.imports import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("imports/", views.imports, name="imports"),
    path("imports/<int:run_id>/", views.import_detail, name="import_detail"),
]
