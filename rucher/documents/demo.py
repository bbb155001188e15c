"""Demo documents: in each of the first demo communities, folders (one nested), a PDF report
with two versions, an image, and a text note with two versions; previews drawn at once (no
worker needed). Idempotent: a community that has documents is left alone. The PDF is written
by hand (a few objects and an xref table): no PDF library is needed to make one."""

import io
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from rucher.communities.models import Community, Membership
from rucher.documents.models import Document, DocumentVersion, Folder
from rucher.documents.services import version_preview_make


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF with a title and lines of text (Helvetica, WinAnsi: French accents)."""

    def text(value: str) -> str:
        escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return escaped

    stream_lines = ["BT", "/F1 22 Tf", "60 770 Td", f"({text(title)}) Tj", "/F1 12 Tf"]
    for line in lines:
        stream_lines += ["0 -22 Td", f"({text(line)}) Tj"]
    stream_lines.append("ET")
    # A honey-coloured band across the top, so the preview is recognisable.
    stream = "0.95 0.66 0 rg 0 800 595 42 re f 0 0 0 rg\n" + "\n".join(stream_lines)
    content = stream.encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def demo_png(label: str) -> bytes:
    image = Image.new("RGB", (640, 400), (250, 248, 243))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 640, 90), fill=(242, 169, 0))
    for i in range(6):  # a small honeycomb
        x, y = 120 + i * 70, 220 + (i % 2) * 40
        draw.regular_polygon((x, y, 36), 6, fill=(138, 90, 0))
    draw.text((24, 30), label, fill=(31, 35, 40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _add(
    community: Community,
    folder: Folder | None,
    name: str,
    versions: list[tuple[bytes, int]],
    content_type: str,
    *,
    is_image: bool = False,
) -> Document:
    now = timezone.now()
    document = Document.objects.create(
        community=community, folder=folder, name=name, author_id=versions[0][1], updated_at=now
    )
    ext = name.rpartition(".")[2]
    latest = None
    for number, (data, person_id) in enumerate(versions, start=1):
        stored = default_storage.save(
            f"documents/{now:%Y/%m}/{uuid.uuid4().hex}.{ext}", ContentFile(data)
        )
        latest = DocumentVersion.objects.create(
            document=document,
            number=number,
            file=stored,
            size=len(data),
            content_type=content_type,
            is_image=is_image,
            uploader_id=person_id,
        )
    assert latest is not None
    document.latest = latest
    document.version_count = latest.number
    document.size = latest.size
    document.content_type = content_type
    document.save(update_fields=["latest", "version_count", "size", "content_type"])
    return document


@transaction.atomic
def demo_documents_load() -> dict[str, Any]:
    communities = list(Community.objects.order_by("slug")[:4])
    having = set(Document.objects.values_list("community_id", flat=True).distinct())
    created = 0
    new_versions: list[int] = []
    for community in communities:
        if community.pk in having:
            continue
        members = list(
            Membership.objects.filter(community=community, status=Membership.Status.MEMBER)
            .order_by("person_id")
            .values_list("person_id", flat=True)[:3]
        )
        if not members:
            continue
        first, second = members[0], members[-1]
        reports = Folder.objects.create(
            community=community, name="Comptes rendus", created_by_id=first
        )
        year = Folder.objects.create(
            community=community, parent=reports, name=f"{timezone.now():%Y}", created_by_id=first
        )
        Folder.objects.create(community=community, name="Modèles", created_by_id=second)
        report = [
            "Présents : l’équipe d’animation et douze membres.",
            "1. Bilan du trimestre : objectifs atteints.",
            "2. Prochaines rencontres : un atelier par mois.",
        ]
        documents = [
            _add(
                community,
                year,
                "compte-rendu-reunion.pdf",
                [
                    (demo_pdf(f"Compte rendu - {community.name}", report[:2]), first),
                    (demo_pdf(f"Compte rendu - {community.name} (v2)", report), second),
                ],
                "application/pdf",
            ),
            _add(
                community,
                None,
                "logo-communaute.png",
                [(demo_png(community.name), first)],
                "image/png",
                is_image=True,
            ),
            _add(
                community,
                None,
                "lisez-moi.txt",
                [
                    (b"Bienvenue dans nos documents.\n", first),
                    (b"Bienvenue dans nos documents.\nRangez-les par dossier.\n", second),
                ],
                "text/plain",
            ),
        ]
        created += len(documents)
        new_versions += list(
            DocumentVersion.objects.filter(document__in=documents).values_list("pk", flat=True)
        )
    for version_id in new_versions:
        version_preview_make(version_id=version_id)
    return {"documents": created}
