"""Files for the document tests: a real PDF (drawn by PDFium), a PNG, and uploads."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.toolbox.conftest import png_bytes

__all__ = ["pdf_bytes", "png_bytes", "upload"]


def pdf_bytes(width: int = 200, height: int = 300) -> bytes:
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    pdf.new_page(width, height)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)
