"""Imports (F-IMPORT): one row per run with its progress and report, and one external id per
imported row so that running an import twice creates nothing the second time."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExternalRef(models.Model):
    """What an external row (a Yammer user, group, message, file; a CSV person…) became here."""

    source = models.CharField(max_length=20)  # "yammer", "people_csv", "content_json"
    kind = models.CharField(max_length=20)  # "user", "group", "message", "file", …
    external_id = models.CharField(max_length=100)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "external_id"], name="external_ref_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.kind}:{self.external_id} → {self.object_id}"


class ImportRun(models.Model):
    class Format(models.TextChoices):
        PEOPLE_CSV = "people_csv", _("People (CSV)")
        CONTENT_JSON = "content_json", _("Communities and posts (JSON)")
        YAMMER_ZIP = "yammer_zip", _("Yammer / Viva Engage export (ZIP)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    dry_run = models.BooleanField(_("dry run"), default=False)
    file = models.FileField(upload_to="imports/", max_length=300)
    file_name = models.CharField(max_length=200, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # {"created": {kind: n}, "skipped": {kind: n}, "rejected": [{"row", "file", "reason"}]}
    report = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["-created_at", "-id"], name="imports_recent")]

    def __str__(self) -> str:
        return f"{self.format} #{self.pk}"


class DataExport(models.Model):
    """A ZIP of one person's data (F-EXPORT, F-PRIVACY) or of a community (its managers),
    made in the background and offered for EXPORT_DAYS to the person who asked, only."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    # Set for a community export; a personal export has none.
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exports",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to="exports/", max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["requested_by", "-created_at", "-id"], name="exports_by_person")
        ]

    def __str__(self) -> str:
        return f"export #{self.pk} for {self.requested_by_id}"
