"""Web URLs of imports (administrators)."""

from django.urls import URLPattern, URLResolver, path

from rucher.imports import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("imports/", views.imports, name="imports"),
    path("imports/<int:run_id>/", views.import_detail, name="import_detail"),
    path("settings/privacy/", views.privacy, name="privacy"),
    path("settings/privacy/export", views.export_request, name="export_request"),
    path("exports/<int:export_id>/download", views.export_download, name="export_download"),
    path("people/<str:username>/erase/", views.person_erase, name="person_erase"),
]
