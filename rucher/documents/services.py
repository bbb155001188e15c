"""Every write of the document library: folders (create, rename, move, delete when empty),
uploads (a new document or a new version of the one with that name), deletion, previews.

Uploads stream: the type is sniffed from the file on disk (rucher.content.attachments, the
same checks as attachments), then the storage copies it in chunks; memory stays flat whatever
the size. The stored file is removed again when the database write fails: nothing
half-written.
"""

import contextlib
import io
import logging
import uuid
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.content.attachments import checked_name, sniff_file, too_large_error
from rucher.core.errors import Conflict
from rucher.core.images import ImageTooLarge, NotAnImage, reencode_jpeg
from rucher.core.text import without_hidden
from rucher.documents.access import can_delete_document, can_edit_folder, can_upload
from rucher.documents.models import MAX_FOLDER_DEPTH, MAX_NAME, Document, DocumentVersion, Folder

logger = logging.getLogger(__name__)

DEFAULT_DOCUMENT_MAX_BYTES = 50 * 1024 * 1024
PREVIEW_BOX = (480, 480)

_UNSET = object()


def document_max_bytes() -> int:
    return int(getattr(settings, "RUCHER_DOCUMENT_MAX_BYTES", DEFAULT_DOCUMENT_MAX_BYTES))


class FolderLoop(ValidationError):
    """A folder moved into itself or one of its sub-folders (the API answers 400 folder_loop)."""


def _folder_name(raw: str) -> str:
    name = " ".join(without_hidden(raw or "").replace("/", " ").replace("\\", " ").split())
    name = name.strip(".").strip()
    if not name:
        raise ValidationError({"name": [_("Give the folder a name.")]}, code="required")
    if len(name) > MAX_NAME:
        raise ValidationError(
            {"name": [_("At most %(max)d characters.") % {"max": MAX_NAME}]}, code="max_length"
        )
    return name


def _taken() -> ValidationError:
    return ValidationError(
        {"name": [_("A folder of that name is already there.")]}, code="folder_exists"
    )


def _lock_community(community: Community) -> None:
    # Folder moves of one community run one at a time: two crossed moves (A into B, B into A)
    # cannot both pass the loop check.
    Community.objects.select_for_update().filter(pk=community.pk).values_list("pk").first()


def _ancestors(folder: Folder | None) -> list[int]:
    """Ids from `folder` up to the root (one query per level, bounded by MAX_FOLDER_DEPTH)."""
    ids: list[int] = []
    current = folder.pk if folder else None
    while current is not None and len(ids) <= MAX_FOLDER_DEPTH:
        ids.append(current)
        current = Folder.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return ids


def _check_depth(parent: Folder | None) -> None:
    if len(_ancestors(parent)) >= MAX_FOLDER_DEPTH:
        raise ValidationError(
            {"parent": [_("Folders nest at most %(max)d deep.") % {"max": MAX_FOLDER_DEPTH}]},
            code="too_deep",
        )


@transaction.atomic
def folder_create(
    *, actor: User, community: Community, name: str, parent: Folder | None = None
) -> Folder:
    """A folder in the community (loaded with access_community_tab) or in one of its folders."""
    if not can_upload(actor, community):
        raise PermissionDenied
    if parent is not None and parent.community_id != community.pk:
        raise ValidationError({"parent": [_("Unknown folder.")]}, code="invalid")
    clean = _folder_name(name)
    _lock_community(community)
    _check_depth(parent)
    if Folder.objects.filter(community=community, parent=parent, name=clean).exists():
        raise _taken()
    return Folder.objects.create(community=community, parent=parent, name=clean, created_by=actor)


@transaction.atomic
def folder_update(
    *, actor: User, folder: Folder, name: str | None = None, parent: object = _UNSET
) -> Folder:
    """Renames and/or moves a folder (`parent` None: to the root). Moving a folder into
    itself or one of its own sub-folders is refused (FolderLoop)."""
    if not can_edit_folder(actor, folder):
        raise PermissionDenied
    _lock_community(folder.community)
    fields: list[str] = []
    if name is not None:
        clean = _folder_name(name)
        if clean != folder.name:
            folder.name = clean
            fields.append("name")
    if parent is not _UNSET:
        target = parent if isinstance(parent, Folder) else None
        if target is not None and target.community_id != folder.community_id:
            raise ValidationError({"parent": [_("Unknown folder.")]}, code="invalid")
        if target is not None and folder.pk in _ancestors(target):
            raise FolderLoop(
                {"parent": [_("A folder cannot be moved into itself or one of its sub-folders.")]},
                code="folder_loop",
            )
        if (target.pk if target else None) != folder.parent_id:
            _check_depth(target)
            folder.parent = target
            fields.append("parent")
    if not fields:
        return folder
    if (
        Folder.objects.filter(
            community_id=folder.community_id, parent=folder.parent, name=folder.name
        )
        .exclude(pk=folder.pk)
        .exists()
    ):
        raise _taken()
    folder.save(update_fields=fields)
    return folder


@transaction.atomic
def folder_delete(*, actor: User, folder: Folder) -> None:
    """Deletes an empty folder; one with sub-folders or documents is refused (409)."""
    if not can_edit_folder(actor, folder):
        raise PermissionDenied
    _lock_community(folder.community)
    if (
        Folder.objects.filter(parent=folder).exists()
        or Document.objects.filter(folder=folder).exists()
    ):
        raise Conflict(
            _("This folder is not empty: move or delete what it holds first."),
            code="folder_not_empty",
        )
    folder.delete()


def _stored_name(name: str) -> str:
    ext = name.rpartition(".")[2].lower()
    now = timezone.now()
    return f"documents/{now:%Y/%m}/{uuid.uuid4().hex}.{ext}"


def _file_size(file: UploadedFile) -> int:
    handle: IO[bytes] = file.file  # type: ignore[assignment]
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    return size


def document_upload(
    *,
    uploader: User,
    community: Community,
    folder: Folder | None,
    file: UploadedFile,
    name: str | None = None,
    on_commit: Callable[[DocumentVersion], None] | None = None,
) -> DocumentVersion:
    """Stores an upload in the folder (None: the library's root) of the community (loaded
    with access_community_tab): a new document, or a new version of the document that has
    that name there (`name`, when given, instead of the file's: "a new version of this
    document"). Streams to the storage. `on_commit` runs after the commit with the new
    version (the preview job)."""
    if not can_upload(uploader, community):
        raise PermissionDenied
    if folder is not None and folder.community_id != community.pk:
        raise ValidationError({"folder": [_("Unknown folder.")]}, code="invalid")
    limit = document_max_bytes()
    size = _file_size(file)
    if size > limit:
        raise too_large_error(limit)
    if size == 0:
        raise ValidationError({"file": [_("The file is empty.")]}, code="empty")
    sniffed = sniff_file(file.file)  # type: ignore[arg-type]
    name, content_type = checked_name(name or file.name or "", sniffed)
    file.seek(0)
    stored = default_storage.save(_stored_name(name), file)
    try:
        version = _record_version(
            uploader=uploader,
            community=community,
            folder=folder,
            name=name,
            stored=stored,
            size=size,
            content_type=content_type,
            is_image=sniffed.is_image,
            on_commit=on_commit,
        )
    except BaseException:
        default_storage.delete(stored)
        raise
    return version


@transaction.atomic
def _record_version(
    *,
    uploader: User,
    community: Community,
    folder: Folder | None,
    name: str,
    stored: str,
    size: int,
    content_type: str,
    is_image: bool,
    on_commit: Callable[[DocumentVersion], None] | None,
) -> DocumentVersion:
    now = timezone.now()
    if folder is not None and not Folder.objects.filter(pk=folder.pk).exists():
        raise ValidationError({"folder": [_("Unknown folder.")]}, code="invalid")
    documents = Document.objects.select_for_update().filter(
        community=community, folder=folder, name=name
    )
    document = documents.first()
    if document is None:
        try:
            with transaction.atomic():
                document = Document.objects.create(
                    community=community,
                    folder=folder,
                    name=name,
                    author=uploader,
                    updated_at=now,
                )
        except IntegrityError:  # created meanwhile by a concurrent upload of the same name
            document = documents.get()
    if document.content_type and document.content_type != content_type:
        raise ValidationError(
            {
                "file": [
                    _("“%(name)s” is already here with another type of content.") % {"name": name}
                ]
            },
            code="version_type",
        )
    version = DocumentVersion.objects.create(
        document=document,
        number=document.version_count + 1,
        file=stored,
        size=size,
        content_type=content_type,
        is_image=is_image,
        uploader=uploader,
    )
    document.latest = version
    document.version_count = version.number
    document.size = size
    document.content_type = content_type
    document.updated_at = now
    document.save(update_fields=["latest", "version_count", "size", "content_type", "updated_at"])
    if on_commit is not None:
        transaction.on_commit(lambda: on_commit(version))
    return version


@transaction.atomic
def document_delete(*, actor: User, document: Document) -> None:
    """Deletes a document and all its versions (author while a member, or managers); the
    files leave the storage after the commit."""
    if not can_delete_document(actor, document):
        raise PermissionDenied
    names: list[str] = []
    for file, preview in DocumentVersion.objects.filter(document=document).values_list(
        "file", "preview"
    ):
        names.append(file)
        if preview:
            names.append(preview)
    Document.objects.filter(pk=document.pk).update(latest=None)
    document.delete()
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # a missing file is already gone
            logger.warning("Could not delete %s", name)


def render_preview(version: DocumentVersion) -> bytes | None:
    """A JPEG thumbnail of an image or of a PDF's first page; None when the type has none or
    the file cannot be drawn (a broken or encrypted PDF, an image over the pixel budget).
    Storage errors propagate: the job is retried."""
    if version.is_image:
        with version.file.open("rb") as handle:
            data = handle.read()
        try:
            return reencode_jpeg(data, box=PREVIEW_BOX)
        except (NotAnImage, ImageTooLarge):
            return None
    if version.content_type == "application/pdf":
        return _pdf_first_page(version)
    return None


def _pdf_first_page(version: DocumentVersion) -> bytes | None:
    import pypdfium2

    path = None
    with contextlib.suppress(NotImplementedError):
        path = version.file.path  # the local storage: PDFium reads the file itself
    try:
        if path is not None:
            pdf = pypdfium2.PdfDocument(path)
        else:  # remote storage: PDFium needs the whole file at hand
            with version.file.open("rb") as handle:
                pdf = pypdfium2.PdfDocument(handle.read())
    except pypdfium2.PdfiumError:
        return None
    try:
        if len(pdf) == 0:
            return None
        page = pdf[0]
        width, height = page.get_size()
        scale = min(PREVIEW_BOX[0] / max(width, 1), PREVIEW_BOX[1] / max(height, 1), 4.0)
        image = page.render(scale=scale).to_pil().convert("RGB")
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85, optimize=True)
        return out.getvalue()
    except pypdfium2.PdfiumError:
        return None
    finally:
        pdf.close()


def version_preview_make(*, version_id: int) -> bool:
    """Draws a version's preview once: a version that has one, is gone, or has a type without
    previews is left as it is (the job may run twice, or be retried after a failure). Returns
    whether a preview was made now."""
    version = DocumentVersion.objects.filter(pk=version_id).first()
    if version is None or version.preview or not version.has_preview_type:
        return False
    data = render_preview(version)
    if data is None:
        return False
    name = f"documents/previews/{version.pk}.jpg"
    if default_storage.exists(name):  # left by an attempt that failed after saving it
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(data))
    updated = DocumentVersion.objects.filter(pk=version.pk, preview="").update(preview=saved)
    if not updated:  # another run was first: keep its file
        if saved != name:
            default_storage.delete(saved)
        return False
    return True
