"""Uploads: a file's real type sniffed from its bytes, its name cleaned, its size bounded.

An upload is stored unattached (only its uploader sees it) until a post or a comment of
rucher.content.services takes it. At most MAX_ATTACHMENTS per post or comment, of
RUCHER_ATTACHMENT_MAX_BYTES each (10 MB unless configured).
"""

import codecs
import io
import os
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO

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
    return sniff_file(io.BytesIO(data))


_TEXT_CHUNK = 64 * 1024


def sniff_file(handle: IO[bytes]) -> Sniffed:
    """`sniff` on a seekable binary file, read in chunks from its start (memory stays flat
    whatever its size: rucher.documents streams uploads of up to 50 MB through it). Leaves the
    file at its start."""
    from PIL import Image, UnidentifiedImageError

    try:
        handle.seek(0)
        head = handle.read(8)
        handle.seek(0)
        if head.startswith(b"%PDF-"):
            return Sniffed("application/pdf", ("pdf",))
        if head.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(handle) as archive:
                    names = archive.namelist()
            except (zipfile.BadZipFile, OSError, ValueError) as exc:
                raise _not_allowed() from exc
            if "[Content_Types].xml" in names:
                for prefix, (content_type, extensions) in OFFICE_TYPES.items():
                    if any(name.startswith(prefix) for name in names):
                        return Sniffed(content_type, extensions)
            raise _not_allowed()
        try:
            with open_image_checked(handle) as probe:  # a bomb: refused undecoded
                image_format = probe.format or ""
                if image_format in IMAGE_TYPES:
                    probe.verify()
                    content_type, extensions = IMAGE_TYPES[image_format]
                    return Sniffed(content_type, extensions, is_image=True)
        except ImageTooLarge as exc:
            raise TooLarge({"file": [exc.message]}, code="image_too_large") from exc
        except (
            UnidentifiedImageError,
            OSError,
            SyntaxError,
            ValueError,
            Image.DecompressionBombError,
        ):
            pass
        handle.seek(0)
        _check_text(handle)
        return Sniffed("text/plain", TEXT_EXTENSIONS)
    finally:
        handle.seek(0)


def _check_text(handle: IO[bytes]) -> None:
    """UTF-8 text without NUL bytes, markup or script (HTML and SVG are refused), chunk by
    chunk."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    first = True
    tail = ""
    while True:
        chunk = handle.read(_TEXT_CHUNK)
        if b"\x00" in chunk:
            raise _not_allowed()
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise _not_allowed() from exc
        lowered = text.lower()
        if first:
            head = lowered.lstrip("\ufeff \t\r\n")
            if head.startswith(_MARKUP_STARTS) or "<svg" in head[:4096]:
                raise _not_allowed()
            first = False
        if "<script" in tail + lowered:
            raise _not_allowed()
        tail = lowered[-len("<script") :]
        if not chunk:
            return


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


def too_large_error(limit: int) -> TooLarge:
    """The refusal of a file over `limit` bytes, naming the limit."""
    return TooLarge(
        {
            "file": [
                _("The file is too large (at most %(size)s).") % {"size": filesizeformat(limit)}
            ]
        },
        code="too_large",
    )


def checked_name(raw: str, sniffed: Sniffed) -> tuple[str, str]:
    """The cleaned name of an upload and its content type: a name without an extension gets
    the sniffed type's; a name whose extension says otherwise than the bytes is refused."""
    name = _clean_name(raw or "")
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
    return name, content_type


def attachment_upload(*, uploader: User, file: UploadedFile) -> Attachment:
    """Stores an upload (not yet attached: only its uploader sees it until it is published).

    The type is sniffed from the bytes; a name whose extension says otherwise is refused.
    """
    limit = attachment_max_bytes()
    too_large = too_large_error(limit)
    if file.size is not None and file.size > limit:
        raise too_large
    data = file.read(limit + 1)
    if len(data) > limit:
        raise too_large
    if not data:
        raise ValidationError({"file": [_("The file is empty.")]}, code="empty")
    sniffed = sniff(data)
    name, content_type = checked_name(file.name or "", sniffed)
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
