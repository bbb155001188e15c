"""The demo documents load (folders, versions, an image and a PDF with previews), and loading
them again adds nothing."""

import pypdfium2
import pytest

from rucher.accounts.demo import demo_load
from rucher.content.demo import demo_content_load
from rucher.documents.demo import demo_documents_load, demo_pdf
from rucher.documents.models import Document, DocumentVersion, Folder

pytestmark = pytest.mark.django_db


def test_the_hand_written_pdf_opens():
    pdf = pypdfium2.PdfDocument(demo_pdf("Compte rendu – été", ["Présents : l’équipe"]))
    assert len(pdf) == 1
    text = pdf[0].get_textpage().get_text_range()
    assert "Compte rendu" in text and "Présents" in text
    pdf.close()


def test_demo_documents_are_idempotent():
    demo_load()
    demo_content_load()
    created = demo_documents_load()["documents"]
    assert created > 0
    assert Folder.objects.filter(parent__isnull=False).exists()
    assert Document.objects.filter(version_count=2, content_type="application/pdf").exists()
    assert Document.objects.filter(content_type="image/png").exists()
    previews = DocumentVersion.objects.exclude(preview="")
    assert previews.filter(is_image=True).exists()
    assert previews.filter(content_type="application/pdf").exists()
    assert demo_documents_load()["documents"] == 0
    assert Document.objects.count() == created
