"""Web pages of the document library: the Documents tab (a folder's content, uploads by drag
and drop or a plain file field), folders, one document with its versions, the files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rucher.accounts.decorators import login_or_token_required
from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.content.attachments import TooLarge
from rucher.core import http
from rucher.core.pagination import BadCursor
from rucher.documents import selectors, services, tasks
from rucher.documents.access import (
    access_document,
    access_folder,
    access_version,
    can_delete_document,
    can_edit_folder,
    can_upload,
    folder_in,
)
from rucher.documents.models import Folder

PAGE_SIZE = 50


def _folder_id(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


def _folder_url(slug: str, folder: Folder | None) -> str:
    url = reverse("community_documents", args=[slug])
    return f"{url}?folder={folder.pk}" if folder else url


@login_required
@require_GET
def community_documents(request: HttpRequest, slug: str) -> HttpResponse:
    """The Documents tab: a folder's sub-folders and documents (?folder=, the root without)."""
    viewer = http.viewer(request)
    found = community_access.access_community_tab(viewer, slug, Community.Tab.DOCUMENTS)
    folder = folder_in(found, _folder_id(request.GET.get("folder")))
    try:
        listing = selectors.folder_listing(
            found, folder, cursor=request.GET.get("cursor"), limit=PAGE_SIZE
        )
    except BadCursor:
        return http.bad_cursor()
    return render(
        request,
        "documents/community_documents.html",
        {
            "c": found,
            "listing": listing,
            "folder": folder,
            "can_upload": can_upload(viewer, found),
            "can_edit_folder": folder is not None and can_edit_folder(viewer, folder),
            "max_bytes": services.document_max_bytes(),
        },
    )


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


@login_required
@require_POST
def document_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """One upload (the drop zone's XMLHttpRequest answers JSON; the plain form redirects)."""
    viewer = http.viewer(request)
    found = community_access.access_community_tab(viewer, slug, Community.Tab.DOCUMENTS)
    folder = folder_in(found, _folder_id(request.POST.get("folder")))
    back = http.safe_next(request, _folder_url(slug, folder))
    name = None
    if request.POST.get("document"):  # "a new version of this document", whatever the file's name
        same = access_document(viewer, _folder_id(request.POST["document"]) or 0)
        if same.community_id != found.pk:
            raise Http404
        folder, name = same.folder, same.name
    upload = request.FILES.get("file")
    status = 400
    try:
        if upload is None:
            raise ValidationError({"file": [_("Choose a file to upload.")]}, code="required")
        version = services.document_upload(
            uploader=viewer,
            community=found,
            folder=folder,
            file=upload,
            name=name,
            on_commit=tasks.queue_preview,
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        if isinstance(exc, TooLarge):
            status = 413
        message = " ".join(exc.messages)
        if _wants_json(request):
            return JsonResponse({"detail": message}, status=status)
        messages.error(request, message)
        return redirect(back)
    document = version.document
    if version.number > 1:
        text = _("New version %(number)d of “%(name)s” added.") % {
            "number": version.number,
            "name": document.name,
        }
    else:
        text = _("“%(name)s” added.") % {"name": document.name}
    if _wants_json(request):
        return JsonResponse(
            {"detail": text, "url": reverse("document", args=[document.pk])}, status=201
        )
    messages.success(request, text)
    return redirect(back)


@login_required
@require_POST
def folder_new(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    found = community_access.access_community_tab(viewer, slug, Community.Tab.DOCUMENTS)
    parent = folder_in(found, _folder_id(request.POST.get("parent")))
    try:
        folder = services.folder_create(
            actor=viewer, community=found, name=request.POST.get("name", ""), parent=parent
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_folder_url(slug, parent))
    messages.success(request, _("Folder “%(name)s” created.") % {"name": folder.name})
    return redirect(_folder_url(slug, folder))


@login_required
@require_http_methods(["GET", "POST"])
def folder_edit(request: HttpRequest, folder_id: int) -> HttpResponse:
    """Rename a folder, or move it to another folder of the community (or to the root)."""
    viewer = http.viewer(request)
    folder = access_folder(viewer, folder_id)
    if not can_edit_folder(viewer, folder):
        raise Http404
    community = folder.community
    errors: list[str] = []
    if request.method == "POST":
        raw_parent = request.POST.get("parent", "")
        parent = folder_in(community, _folder_id(raw_parent))
        try:
            services.folder_update(
                actor=viewer, folder=folder, name=request.POST.get("name", ""), parent=parent
            )
        except ValidationError as exc:
            errors = exc.messages
            folder.refresh_from_db()
        else:
            messages.success(request, _("Folder saved."))
            return redirect(_folder_url(community.slug, folder))
    return render(
        request,
        "documents/folder_form.html",
        {
            "c": community,
            "folder": folder,
            "targets": selectors.move_targets(community),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def folder_delete(request: HttpRequest, folder_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    folder = access_folder(viewer, folder_id)
    if not can_edit_folder(viewer, folder):
        raise Http404
    parent = folder.parent
    try:
        services.folder_delete(actor=viewer, folder=folder)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_folder_url(folder.community.slug, folder))
    messages.success(request, _("Folder deleted."))
    return redirect(_folder_url(folder.community.slug, parent))


@login_required
@require_GET
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    """One document: its preview, its versions (each downloadable), a new version's upload."""
    viewer = http.viewer(request)
    document = access_document(viewer, document_id)
    community = community_access.access_community_tab(
        viewer, document.community.slug, Community.Tab.DOCUMENTS
    )
    return render(
        request,
        "documents/document.html",
        {
            "c": community,
            "document": document,
            "path": selectors.folder_path(document.folder),
            "versions": selectors.document_versions(document),
            "can_upload": can_upload(viewer, community),
            "can_delete": can_delete_document(viewer, document),
            "max_bytes": services.document_max_bytes(),
        },
    )


@login_required
@require_POST
def document_delete(request: HttpRequest, document_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    document = access_document(viewer, document_id)
    try:
        services.document_delete(actor=viewer, document=document)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("“%(name)s” deleted.") % {"name": document.name})
    return redirect(_folder_url(document.community.slug, document.folder))


@login_or_token_required
@require_GET
def document_download(
    request: HttpRequest, document_id: int, number: int, name: str
) -> FileResponse:
    """A version's file, to those who may read the library; never sniffed or run."""
    version = access_version(http.viewer(request), document_id, number)
    if name != version.document.name:
        raise Http404
    return http.private_file(
        version.file,
        name=version.document.name,
        content_type=version.content_type,
        inline=version.is_image,
    )


@login_or_token_required
@require_GET
def document_preview(request: HttpRequest, document_id: int, number: int) -> FileResponse:
    version = access_version(http.viewer(request), document_id, number)
    return http.private_image(version.preview)
