"""Loading folders, documents and versions a person may see. The readability rule is
rucher.content.access's (the community's); on top of it, the library is gone when its
community's Documents tab is off. Not found and not allowed are the same 404."""

from django.db.models import Q, QuerySet
from django.http import Http404

from rucher.accounts.models import User
from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.content.access import MAX_ID, readable_community_q, reads_community, viewer_scope
from rucher.documents.models import Document, DocumentVersion, Folder


def readable_documents(viewer: User) -> QuerySet[Document]:
    """Documents of the communities whose content the viewer may read, Documents tab on."""
    # tabs_off is a comma-separated list of tab codes; no other code contains "documents".
    return Document.objects.filter(
        readable_community_q(viewer, "community"),
        ~Q(community__tabs_off__contains=Community.Tab.DOCUMENTS),
    )


def _check_community(viewer: User, community: Community) -> None:
    if not reads_community(viewer_scope(viewer), community.pk, community.visibility):
        raise Http404
    if not community.tab_on(Community.Tab.DOCUMENTS):
        raise Http404


def _check_viewer(viewer: User, object_id: int) -> None:
    if not (viewer.is_authenticated and viewer.is_active) or not 0 < object_id <= MAX_ID:
        raise Http404


def access_document(viewer: User, document_id: int) -> Document:
    """The document (with its community and latest version), or 404."""
    _check_viewer(viewer, document_id)
    document = (
        Document.objects.select_related("community", "folder", "latest", "author")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        raise Http404
    _check_community(viewer, document.community)
    return document


def access_version(viewer: User, document_id: int, number: int) -> DocumentVersion:
    """One version of a readable document, or 404."""
    document = access_document(viewer, document_id)
    if not 0 < number <= MAX_ID:
        raise Http404
    version = DocumentVersion.objects.filter(document=document, number=number).first()
    if version is None:
        raise Http404
    version.document = document
    return version


def access_folder(viewer: User, folder_id: int) -> Folder:
    """The folder (with its community), or 404."""
    _check_viewer(viewer, folder_id)
    folder = Folder.objects.select_related("community").filter(pk=folder_id).first()
    if folder is None:
        raise Http404
    _check_community(viewer, folder.community)
    return folder


def folder_in(community: Community, folder_id: int | None) -> Folder | None:
    """A folder of the (already accessed) community, None for its root; 404 for a folder of
    another community or none."""
    if folder_id is None:
        return None
    if not 0 < folder_id <= MAX_ID:
        raise Http404
    folder = Folder.objects.filter(pk=folder_id, community=community).first()
    if folder is None:
        raise Http404
    folder.community = community
    return folder


def _membership(viewer: User, community_id: int) -> Community | None:
    return community_access.with_viewer_membership(
        Community.objects.filter(pk=community_id), viewer
    ).first()


def can_upload(viewer: User, community: Community) -> bool:
    """Members add documents and folders (readers of an open community only read). The
    viewer's membership is read again: a community object may carry someone else's."""
    mine = _membership(viewer, community.pk)
    if mine is None:
        return False
    return community_access.is_member(viewer, mine) or community_access.can_manage(viewer, mine)


def can_delete_document(viewer: User, document: Document) -> bool:
    """Its author while still a member, or the community's managers."""
    community = _membership(viewer, document.community_id)
    if community is None:
        return False
    if community_access.can_manage(viewer, community):
        return True
    return document.author_id == viewer.pk and community_access.is_member(viewer, community)


def can_edit_folder(viewer: User, folder: Folder) -> bool:
    """Renaming, moving and deleting a folder: whoever made it while a member, or managers."""
    community = _membership(viewer, folder.community_id)
    if community is None:
        return False
    if community_access.can_manage(viewer, community):
        return True
    return folder.created_by_id == viewer.pk and community_access.is_member(viewer, community)
