"""The pixel budget of every image Rucher opens with Pillow: decompression bombs (a small file
that decodes into gigabytes) are refused from the header's dimensions, before any pixel is
decoded (issue 13: a 164 KB PNG of 13,000 × 13,000 pixels took 26 s and 1 GB as a photo)."""

import io
import re
from typing import IO

from django.conf import settings
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

DEFAULT_MAX_PIXELS = 40_000_000


def max_pixels() -> int:
    return int(getattr(settings, "RUCHER_IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def configure_pillow() -> None:
    """Pillow's own guard, for any code that opens an image without `open_image_checked`: it
    warns above the budget and refuses twice the budget (`DecompressionBombError`)."""
    Image.MAX_IMAGE_PIXELS = max_pixels()


class ImageTooLarge(Exception):
    """An image over the pixel budget (not a ValueError: callers that treat unreadable files
    as "not an image" must not swallow it)."""

    def __init__(self, pixels: int = 0) -> None:
        self.pixels, self.budget = pixels, max_pixels()
        # In the language active where it is raised (the request's).
        self.message = self._message()
        super().__init__(self.message)

    def _message(self) -> str:
        limit = _megapixels(self.budget)
        if self.pixels:
            return _(
                "The image is too large: %(pixels)s megapixels (at most %(max)s). Reduce its "
                "dimensions and try again."
            ) % {"pixels": _megapixels(self.pixels), "max": limit}
        return _(
            "The image is too large (at most %(max)s megapixels). Reduce its dimensions and "
            "try again."
        ) % {"max": limit}


def _megapixels(pixels: int) -> str:
    value = pixels / 1_000_000
    text = f"{value:.0f}" if value >= 100 else f"{value:.3g}"  # never "1.23e+03"
    return text.replace(".", str(get_format("DECIMAL_SEPARATOR")))


# Pillow's own refusal (over twice MAX_IMAGE_PIXELS) comes before ours and names only the count.
_PILLOW_PIXELS = re.compile(r"\((\d+) pixels\)")


def check_image_pixels(image: Image.Image) -> None:
    """Raises ImageTooLarge when an opened (not yet decoded) image is over the budget. Every
    frame of an animation has the same size, and only the first is ever decoded."""
    width, height = image.size
    if width * height > max_pixels():
        raise ImageTooLarge(width * height)


class _KeepOpen:
    """A caller's file handed to Pillow, which closes what it reads when the image closes (or
    is refused): the caller's file stays open, for the caller to go on reading it."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle

    def __getattr__(self, name: str) -> object:
        return getattr(self._handle, name)

    def close(self) -> None:
        pass


def open_image_checked(data: bytes | IO[bytes]) -> Image.Image:
    """Pillow's lazy open (only the header is read) and the pixel budget check, on bytes or on
    a seekable binary file (read from where it stands). Raises ImageTooLarge, or what
    Image.open raises for what is not an image."""
    try:
        image = Image.open(
            io.BytesIO(data) if isinstance(data, bytes) else _KeepOpen(data)  # type: ignore[arg-type]
        )
    except Image.DecompressionBombError as exc:  # over twice Pillow's MAX_IMAGE_PIXELS
        found = _PILLOW_PIXELS.search(str(exc))
        raise ImageTooLarge(int(found[1]) if found else 0) from exc
    try:
        check_image_pixels(image)
    except ImageTooLarge:
        image.close()
        raise
    return image


class NotAnImage(Exception):
    """What was uploaded is not a JPEG, PNG, GIF or WebP image Pillow can read."""


WEB_IMAGE_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})


def reencode_jpeg(data: bytes, *, box: tuple[int, int], crop: bool = False) -> bytes:
    """A new JPEG drawn from an uploaded image, never the upload itself: re-encoding drops the
    metadata (EXIF location) and any payload hidden in the file. Shrunk to fit `box` (or, with
    `crop`, to fill it and cut to it: a cover's band). Raises ImageTooLarge (pixel budget, from
    the header, before decoding) or NotAnImage."""
    try:
        with open_image_checked(data) as probe:
            if probe.format not in WEB_IMAGE_FORMATS:
                raise NotAnImage
            probe.verify()
        with open_image_checked(data) as source:
            source.draft("RGB", (box[0] * 2, box[1] * 2))
            image = source.convert("RGB")
            if crop:
                image = ImageOps.fit(image, box)
            else:
                image.thumbnail(box)
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)
            return out.getvalue()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise NotAnImage from exc
