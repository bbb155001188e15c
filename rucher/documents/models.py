"""The document library of a community (F-DOCS): nested folders, documents, their versions.

A folder and a document belong to one community and are readable exactly when its content is
(rucher.content.access) and its Documents tab is on. A document is a name in a folder; each
upload of that name in that folder adds a version (every version stays downloadable). The
document row repeats what its latest version says (size, type, number) so that a folder lists
in one query.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rucher.communities.models import Community

MAX_NAME = 200
# A folder tree deeper than this is refused (and bounds the walks up a tree).
MAX_FOLDER_DEPTH = 20


class Folder(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    # A folder is deleted only when empty (documents.services.folder_delete); CASCADE is for
    # the community's own deletion.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(_("name"), max_length=MAX_NAME)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("folder")
        verbose_name_plural = _("folders")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "parent", "name"], name="folder_unique_name"
            ),
            models.UniqueConstraint(
                fields=["community", "name"],
                condition=Q(parent__isnull=True),
                name="folder_unique_root_name",
            ),
        ]
        indexes = [models.Index(fields=["community", "parent", "name"], name="folders_listed")]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    folder = models.ForeignKey(
        Folder, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    name = models.CharField(_("name"), max_length=MAX_NAME)
    # Who uploaded the first version (may delete it while a member, with the managers).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The latest version's: kept by documents.services.document_upload.
    latest = models.ForeignKey(
        "DocumentVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version_count = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "folder", "name"], name="document_unique_name"
            ),
            models.UniqueConstraint(
                fields=["community", "name"],
                condition=Q(folder__isnull=True),
                name="document_unique_root_name",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "folder", "name", "id"], name="documents_listed")
        ]

    def __str__(self) -> str:
        return self.name


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to="documents/%Y/%m/", max_length=200)
    size = models.PositiveBigIntegerField()
    # Sniffed from the bytes, never trusted from the browser or the extension.
    content_type = models.CharField(max_length=100)
    is_image = models.BooleanField(default=False)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A JPEG thumbnail drawn in the background (images, first page of a PDF); empty until then,
    # or for ever when the type has none.
    preview = models.ImageField(upload_to="documents/previews/", max_length=200, blank=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"

    @property
    def has_preview_type(self) -> bool:
        return self.is_image or self.content_type == "application/pdf"
