"""Web URLs of the document library: the Documents tab, folders, documents and their files."""

from django.urls import URLPattern, URLResolver, path

from rucher.documents import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("c/<str:slug>/documents/", views.community_documents, name="community_documents"),
    path("c/<str:slug>/documents/upload", views.document_upload, name="document_upload"),
    path("c/<str:slug>/documents/folders/new", views.folder_new, name="folder_new"),
    path("documents/folders/<int:folder_id>/edit/", views.folder_edit, name="folder_edit"),
    path("documents/folders/<int:folder_id>/delete", views.folder_delete, name="folder_delete"),
    path("documents/<int:document_id>/", views.document_detail, name="document"),
    path("documents/<int:document_id>/delete", views.document_delete, name="document_delete"),
    path(
        "documents/<int:document_id>/v<int:number>/preview.jpg",
        views.document_preview,
        name="document_preview",
    ),
    path(
        "documents/<int:document_id>/v<int:number>/<str:name>",
        views.document_download,
        name="document_download",
    ),
]
