"""Uploads: a file's real type sniffed from its bytes, its name cleaned, its size bounded.

An upload is stored unattached (only its uploader sees it) until a post or a comment of
rucher.content.services takes it. At most MAX_ATTACHMENTS per post or comment, of
RUCHER_ATTACHMENT_MAX_BYTES each (10 MB unless configured).
"""

import io
import os
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.content.models import Attachment
from rucher.core.images import ImageTooLarge, open_image_checked
from rucher.core.text import without_hidden

MAX_ATTACHMENTS = 10
DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENT_NAME = 200


class TooLarge(ValidationError):
    """An upload over the size limit (the API answers 413)."""


def attachment_max_bytes() -> int:
    return int(getattr(settings, "RUCHER_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES))


IMAGE_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "JPEG": ("image/jpeg", ("jpg", "jpeg", "jpe")),
    "PNG": ("image/png", ("png",)),
    "GIF": ("image/gif", ("gif",)),
    "WEBP": ("image/webp", ("webp",)),
}
OFFICE_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "word/": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("docx",),
    ),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    "ppt/": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ("pptx",),
    ),
}
TEXT_EXTENSIONS = ("txt", "csv", "md", "log")
_MARKUP_STARTS = ("<!doctype", "<html", "<svg", "<?xml", "<script", "<head", "<body", "<iframe")


@dataclass
class Sniffed:
    content_type: str
    extensions: tuple[str, ...]
    is_image: bool = False


def _not_allowed() -> ValidationError:
    return ValidationError(
        {
            "file": [
                _(
                    "This type of file is not accepted: send an image (JPEG, PNG, GIF, WebP), "
                    "a PDF, a text or CSV file, or a Word, Excel or PowerPoint document."
                )
            ]
        },
        code="file_type",
    )


def sniff(data: bytes) -> Sniffed:
    """The file's real type, from its bytes only."""
    from PIL import Image, UnidentifiedImageError

    if data.startswith(b"%PDF-"):
        return Sniffed("application/pdf", ("pdf",))
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise _not_allowed() from exc
        if "[Content_Types].xml" in names:
            for prefix, (content_type, extensions) in OFFICE_TYPES.items():
                if any(name.startswith(prefix) for name in names):
                    return Sniffed(content_type, extensions)
        raise _not_allowed()
    try:
        with open_image_checked(data) as probe:  # a decompression bomb: refused undecoded
            image_format = probe.format or ""
            if image_format in IMAGE_TYPES:
                probe.verify()
                content_type, extensions = IMAGE_TYPES[image_format]
                return Sniffed(content_type, extensions, is_image=True)
    except ImageTooLarge as exc:
        raise TooLarge({"file": [exc.message]}, code="image_too_large") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        pass
    if b"\x00" not in data:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _not_allowed() from exc
        head = text.lstrip("\ufeff \t\r\n").lower()
        if head.startswith(_MARKUP_STARTS) or "<svg" in head[:4096] or "<script" in head:
            raise _not_allowed()
        return Sniffed("text/plain", TEXT_EXTENSIONS)
    raise _not_allowed()


def _clean_name(raw: str) -> str:
    name = os.path.basename((raw or "").replace("\\", "/"))
    name = "".join(ch for ch in without_hidden(name) if ch not in '"<>')
    name = name.strip().strip(".") or "file"
    if len(name) > MAX_ATTACHMENT_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (
            f"{stem[: MAX_ATTACHMENT_NAME - len(ext) - 1]}.{ext}"
            if dot and len(ext) <= 10
            else name[:MAX_ATTACHMENT_NAME]
        )
    return name


def attachment_upload(*, uploader: User, file: UploadedFile) -> Attachment:
    """Stores an upload (not yet attached: only its uploader sees it until it is published).

    The type is sniffed from the bytes; a name whose extension says otherwise is refused.
    """
    limit = attachment_max_bytes()
    too_large = TooLarge(
        {
            "file": [
                _("The file is too large (at most %(size)s).") % {"size": filesizeformat(limit)}
            ]
        },
        code="too_large",
    )
    if file.size is not None and file.size > limit:
        raise too_large
    data = file.read(limit + 1)
    if len(data) > limit:
        raise too_large
    if not data:
        raise ValidationError({"file": [_("The file is empty.")]}, code="empty")
    name = _clean_name(file.name or "")
    sniffed = sniff(data)
    stem, dot, ext = name.rpartition(".")
    ext = ext.lower() if dot else ""
    if not dot or not stem:
        name = f"{name}.{sniffed.extensions[0]}"
    elif ext not in sniffed.extensions:
        raise ValidationError(
            {
                "file": [
                    _("The name “%(name)s” does not match the file's content (%(type)s).")
                    % {"name": name, "type": sniffed.content_type}
                ]
            },
            code="lying_extension",
        )
    content_type = sniffed.content_type
    if content_type == "text/plain" and ext == "csv":
        content_type = "text/csv"
    stored_ext = name.rpartition(".")[2].lower()
    with transaction.atomic():
        attachment = Attachment(
            uploader=uploader,
            name=name,
            size=len(data),
            content_type=content_type,
            is_image=sniffed.is_image,
        )
        attachment.file.save(f"{uuid.uuid4().hex}.{stored_ext}", ContentFile(data), save=False)
        attachment.save()
    return attachment
