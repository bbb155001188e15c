"""Reads of the document library: a folder's content (sub-folders, then documents by name,
keyset-paged), the path to a folder, the versions of a document, the folders to move to."""

from dataclasses import dataclass

from rucher.communities.models import Community
from rucher.core.pagination import Page, keyset_page
from rucher.documents.models import MAX_FOLDER_DEPTH, Document, DocumentVersion, Folder

MAX_FOLDERS_LISTED = 500
MAX_VERSIONS_LISTED = 200


@dataclass
class Listing:
    folder: Folder | None
    path: list[Folder]
    folders: list[Folder]
    documents: Page[Document]


def folder_path(folder: Folder | None) -> list[Folder]:
    """The folders from the root down to `folder` (one query per level, bounded)."""
    path: list[Folder] = []
    current = folder
    while current is not None and len(path) < MAX_FOLDER_DEPTH + 1:
        path.append(current)
        if current.parent_id is None:
            break
        current = Folder.objects.filter(pk=current.parent_id).first()
    return path[::-1]


def folder_listing(
    community: Community, folder: Folder | None, *, cursor: str | None, limit: int
) -> Listing:
    """What a folder (None: the root) of a readable community holds. Four queries for the
    root, one more per level of depth for the path."""
    folders = list(
        Folder.objects.filter(community=community, parent=folder).order_by("name", "id")[
            :MAX_FOLDERS_LISTED
        ]
    )
    documents = keyset_page(
        Document.objects.filter(community=community, folder=folder).select_related("latest"),
        keys=("name", "id"),
        cursor=cursor,
        limit=limit,
        scope=f"documents:{community.pk}:{folder.pk if folder else 0}",
    )
    return Listing(folder=folder, path=folder_path(folder), folders=folders, documents=documents)


def document_versions(document: Document) -> list[DocumentVersion]:
    """Newest first, with who uploaded each."""
    return list(
        DocumentVersion.objects.filter(document=document)
        .select_related("uploader")
        .order_by("-number")[:MAX_VERSIONS_LISTED]
    )


def move_targets(community: Community) -> list[tuple[int, str]]:
    """Every folder of the community as (id, "A / B / C"), for a move form (one query)."""
    rows = list(
        Folder.objects.filter(community=community).values_list("pk", "parent_id", "name")[
            : MAX_FOLDERS_LISTED * 4
        ]
    )
    by_id = {pk: (parent, name) for pk, parent, name in rows}

    def label(pk: int) -> str:
        parts: list[str] = []
        current: int | None = pk
        while current is not None and current in by_id and len(parts) <= MAX_FOLDER_DEPTH:
            parent, name = by_id[current]
            parts.append(name)
            current = parent
        return " / ".join(reversed(parts))

    return sorted(((pk, label(pk)) for pk in by_id), key=lambda item: item[1].casefold())
