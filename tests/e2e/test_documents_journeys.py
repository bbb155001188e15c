"""The document library in a real browser, in French: a member uploads a PDF into a folder
(the drop zone's form, sent with a progress bar), sees its preview once the background job
ran, and uploads a new version from the document's page."""

import pytest
from playwright.sync_api import Page, expect

from rucher.communities.models import Community
from rucher.communities.services import community_create, membership_set_role
from rucher.core.factories import PersonFactory
from rucher.core.testing import run_queued_tasks
from rucher.documents import services
from rucher.documents.models import Document
from tests.documents.helpers import pdf_bytes


@pytest.mark.e2e
def test_a_pdf_is_uploaded_into_a_folder_previewed_and_versioned(page: Page, live_server, login):
    owner = PersonFactory(username="olga", display_name="Olga Animatrice", language="fr")
    member = PersonFactory(username="mia", display_name="Mia Qualité", language="fr")
    club = community_create(
        creator=owner,
        name="Qualité",
        slug="qualite",
        kind=Community.Kind.PRACTICE,
        visibility=Community.Visibility.PRIVATE,
        description="Nos procédures.",
    )
    membership_set_role(actor=owner, community=club, person=member, role="member")
    services.folder_create(actor=owner, community=club, name="Procédures")

    login("mia")
    page.goto(f"{live_server.url}/c/qualite/")
    page.get_by_role("link", name="Documents", exact=True).click()
    expect(page.get_by_role("heading", name="Documents", exact=True)).to_be_visible()
    page.get_by_role("link", name="Procédures").click()
    expect(page.get_by_role("heading", name="Procédures", exact=True)).to_be_visible()
    expect(page.get_by_text("Ce dossier est vide.")).to_be_visible()

    page.get_by_label("Fichier à ajouter").set_input_files(
        {"name": "procedure.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_role("button", name="Envoyer", exact=True).click()
    # The script sends the file and opens the document's page.
    expect(page.get_by_role("heading", name="procedure.pdf")).to_be_visible()
    expect(page.get_by_text("L’aperçu est en préparation")).to_be_visible()
    document = Document.objects.get(name="procedure.pdf")
    assert document.folder is not None and document.folder.name == "Procédures"

    assert run_queued_tasks() == 1  # the preview job
    page.reload()
    preview = page.get_by_role("img", name="Aperçu de procedure.pdf")
    expect(preview).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", preview.element_handle()) > 0

    page.get_by_label("Nouvelle version").set_input_files(
        {"name": "procedure-relue.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(300)}
    )
    page.get_by_role("button", name="Envoyer la nouvelle version").click()
    expect(page.get_by_role("link", name="Version 2")).to_be_visible()
    expect(page.get_by_role("link", name="Version 1")).to_be_visible()
    expect(page.get_by_text("ajoutée par Mia Qualité").first).to_be_visible()
    document.refresh_from_db()
    assert document.version_count == 2 and document.name == "procedure.pdf"

    # The folder lists it with its version and preview.
    page.get_by_role("link", name="Procédures").click()
    expect(page.get_by_text("version 2")).to_be_visible()
