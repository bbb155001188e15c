"""A document linked from a post shows as a card, only to those who may read the document."""

import pytest

from rucher.actions import posts as post_actions
from rucher.documents import services
from rucher.documents.templatetags.document_tags import linked_document_ids
from tests.documents.helpers import upload

pytestmark = pytest.mark.django_db


def test_a_linked_document_is_a_card_for_its_readers_only(world, open_club, private_club, web):
    version = services.document_upload(
        uploader=world.people["member"],
        community=private_club,
        folder=None,
        file=upload("compte-rendu.txt", b"notes"),
    )
    doc_id = version.document_id
    post = post_actions.post_publish(
        author=world.people["member"],
        communities=[open_club],
        kind="post",
        title="",
        body=f"Voir [le compte rendu](/documents/{doc_id}/) de la réunion.",
    )
    member_page = web(world.people["member"]).get(f"/posts/{post.pk}/").content.decode()
    assert 'class="doc-card"' in member_page
    assert f"/documents/{doc_id}/v1/compte-rendu.txt" in member_page
    # The outsider reads the open community's post, not the private community's document.
    outsider_page = web(world.people["outsider"]).get(f"/posts/{post.pk}/").content.decode()
    assert 'class="doc-card"' not in outsider_page
    assert "compte-rendu.txt" not in outsider_page
    assert f'href="/documents/{doc_id}/"' in outsider_page  # the plain link stays


def test_links_are_found_in_rendered_markdown():
    html = (
        '<a href="/documents/12/">a</a> <a href="https://rucher.example/documents/7/v2/x.pdf">b'
        '</a> <a href="/documents/12/">again</a> <a href="/documents/folders/3/edit/">f</a>'
    )
    assert linked_document_ids(html) == [12, 7]
    assert linked_document_ids("") == []
