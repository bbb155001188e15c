"""The document library of a community (API.md, "Community toolbox": F-DOCS): folders,
documents, versions, uploads."""

from datetime import datetime
from typing import Annotated

from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import StrictInt

from rucher.api.auth import AuthedRequest
from rucher.api.content import SlugPath
from rucher.api.errors import ApiError
from rucher.api.schemas import ERRORS, MAX_ID, CleanStr, ErrorOut, IdPath, InputSchema, QuerySchema
from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.content.attachments import TooLarge
from rucher.documents import selectors, services, tasks
from rucher.documents.access import access_document, access_folder, folder_in
from rucher.documents.models import MAX_NAME, Document, DocumentVersion, Folder

router = Router(tags=["documents"])


class FolderOut(Schema):
    id: int
    name: str
    parent: int | None


class DocumentOut(Schema):
    id: int
    name: str
    folder: int | None
    size: int
    content_type: str
    version: int = Field(description="The latest version's number.")
    versions: int = Field(description="How many versions there are.")
    updated_at: datetime
    url: str = Field(description="Downloads the latest version.")
    preview_url: str | None = Field(description="A JPEG thumbnail, once drawn (images, PDF).")
    page_url: str


class FolderListingOut(Schema):
    folder: FolderOut | None
    folders: list[FolderOut]
    items: list[DocumentOut]
    next: str | None


class VersionOut(Schema):
    number: int
    size: int
    content_type: str
    uploader: str | None = Field(description="The username of who uploaded it.")
    created_at: datetime
    url: str
    preview_url: str | None


class VersionListOut(Schema):
    items: list[VersionOut]


class ListingFilters(QuerySchema):
    folder: int | None = Field(default=None, ge=1, le=MAX_ID)
    cursor: CleanStr | None = Field(default=None, max_length=1000)
    limit: int = Field(default=20, ge=1, le=100)


class FolderIn(InputSchema):
    name: CleanStr = Field(max_length=MAX_NAME)
    parent: StrictInt | None = None


class FolderPatchIn(InputSchema):
    name: CleanStr | None = Field(None, max_length=MAX_NAME)
    parent: StrictInt | None = Field(None, description="null: move to the top level.")


def _folder_out(folder: Folder) -> FolderOut:
    return FolderOut(id=folder.pk, name=folder.name, parent=folder.parent_id)


def _download_url(document: Document, number: int) -> str:
    return reverse("document_download", args=[document.pk, number, document.name])


def _preview_url(document: Document, version: DocumentVersion | None) -> str | None:
    if version is None or not version.preview:
        return None
    return reverse("document_preview", args=[document.pk, version.number])


def _document_out(document: Document) -> DocumentOut:
    return DocumentOut(
        id=document.pk,
        name=document.name,
        folder=document.folder_id,
        size=document.size,
        content_type=document.content_type,
        version=document.version_count,
        versions=document.version_count,
        updated_at=document.updated_at,
        url=_download_url(document, document.version_count),
        preview_url=_preview_url(document, document.latest),
        page_url=reverse("document", args=[document.pk]),
    )


def _library(request: AuthedRequest, slug: str) -> Community:
    return community_access.access_community_tab(request.auth, slug, Community.Tab.DOCUMENTS)


@router.get("/communities/{slug}/documents", response={200: FolderListingOut, ERRORS: ErrorOut})
def community_documents(
    request: AuthedRequest, slug: SlugPath, filters: Query[ListingFilters]
) -> FolderListingOut:
    """A folder's sub-folders and documents (by name; `?folder=` an id, the top level without)."""
    community = _library(request, slug)
    folder = folder_in(community, filters.folder)
    listing = selectors.folder_listing(
        community, folder, cursor=filters.cursor, limit=filters.limit
    )
    return FolderListingOut(
        folder=_folder_out(folder) if folder else None,
        folders=[_folder_out(f) for f in listing.folders],
        items=[_document_out(d) for d in listing.documents.items],
        next=listing.documents.next_cursor,
    )


@router.post("/communities/{slug}/documents", response={201: DocumentOut, ERRORS: ErrorOut})
def community_document_upload(
    request: AuthedRequest,
    slug: SlugPath,
    file: File[UploadedFile],
    folder: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> Status[DocumentOut]:
    """A file of the same name in the same folder becomes a new version of that document."""
    community = _library(request, slug)
    target = folder_in(community, folder)
    try:
        version = services.document_upload(
            uploader=request.auth,
            community=community,
            folder=target,
            file=file,
            on_commit=tasks.queue_preview,
        )
    except TooLarge as exc:
        raise ApiError(413, "too_large", exc.messages[0]) from exc
    return Status(201, _document_out(access_document(request.auth, version.document_id)))


@router.post("/communities/{slug}/folders", response={201: FolderOut, ERRORS: ErrorOut})
def community_folder_create(
    request: AuthedRequest, slug: SlugPath, payload: FolderIn
) -> Status[FolderOut]:
    community = _library(request, slug)
    parent = folder_in(community, payload.parent)
    folder = services.folder_create(
        actor=request.auth, community=community, name=payload.name, parent=parent
    )
    return Status(201, _folder_out(folder))


@router.patch("/folders/{folder_id}", response={200: FolderOut, ERRORS: ErrorOut})
def folder_update(request: AuthedRequest, folder_id: IdPath, payload: FolderPatchIn) -> FolderOut:
    """Rename and/or move (`parent`: a folder of the same community, or null for the top
    level); moving a folder into itself or one of its sub-folders is 400 folder_loop."""
    folder = access_folder(request.auth, folder_id)
    changes: dict[str, object] = {}
    if "parent" in payload.model_fields_set:
        changes["parent"] = folder_in(folder.community, payload.parent)
    try:
        services.folder_update(actor=request.auth, folder=folder, name=payload.name, **changes)
    except services.FolderLoop as exc:
        raise ApiError(400, "folder_loop", exc.messages[0], fields=dict(exc.message_dict)) from exc
    return _folder_out(folder)


@router.delete("/folders/{folder_id}", response={204: None, ERRORS: ErrorOut})
def folder_delete(request: AuthedRequest, folder_id: IdPath) -> Status[None]:
    """Only an empty folder (409 folder_not_empty otherwise)."""
    folder = access_folder(request.auth, folder_id)
    services.folder_delete(actor=request.auth, folder=folder)
    return Status(204, None)


@router.get("/documents/{document_id}", response={200: DocumentOut, ERRORS: ErrorOut})
def document_read(request: AuthedRequest, document_id: IdPath) -> DocumentOut:
    return _document_out(access_document(request.auth, document_id))


@router.get("/documents/{document_id}/versions", response={200: VersionListOut, ERRORS: ErrorOut})
def document_versions(request: AuthedRequest, document_id: IdPath) -> VersionListOut:
    """Newest first; every version stays downloadable."""
    document = access_document(request.auth, document_id)
    return VersionListOut(
        items=[
            VersionOut(
                number=v.number,
                size=v.size,
                content_type=v.content_type,
                uploader=v.uploader.username if v.uploader else None,
                created_at=v.created_at,
                url=_download_url(document, v.number),
                preview_url=_preview_url(document, v),
            )
            for v in selectors.document_versions(document)
        ]
    )


@router.delete("/documents/{document_id}", response={204: None, ERRORS: ErrorOut})
def document_delete(request: AuthedRequest, document_id: IdPath) -> Status[None]:
    """Its author (while a member) or the community's managers."""
    document = access_document(request.auth, document_id)
    services.document_delete(actor=request.auth, document=document)
    return Status(204, None)
