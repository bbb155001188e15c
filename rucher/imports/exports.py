"""Exports (F-EXPORT, F-PRIVACY): a person's own data, or a community for its managers, as JSON
plus files in a ZIP made in the background and offered for EXPORT_DAYS to the person who asked.

`person_data` is also "what is held about me" in the settings: one description of a person's
data, so the page and the export cannot disagree.
"""

import json
import tempfile
import zipfile
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from rucher.accounts.models import Follow, User
from rucher.communities import access as community_access
from rucher.communities.models import Community, Membership
from rucher.content.models import Attachment, Bookmark, Comment, CommentLike, Post, PostLike
from rucher.core.audit import audit_record
from rucher.imports.models import DataExport
from rucher.recognition.models import PersonScore, PointsEntry

EXPORT_DAYS = 7
BATCH = 500


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# --- requesting ----------------------------------------------------------------------------


@transaction.atomic
def export_request(*, person: User, community: Community | None = None) -> DataExport:
    """Queues an export (the caller enqueues the build after commit). A request while one is
    already queued or running returns that one: a double click makes one ZIP."""
    if community is not None:
        community_access.refresh_viewer_membership(person, community)
        if not community_access.can_manage(person, community):
            raise PermissionDenied
    pending = (
        DataExport.objects.select_for_update()
        .filter(
            requested_by=person,
            community=community,
            status__in=[DataExport.Status.QUEUED, DataExport.Status.RUNNING],
        )
        .first()
    )
    if pending is not None:
        return pending
    export = DataExport.objects.create(requested_by=person, community=community)
    audit_record(
        action="export.request",
        actor=person,
        target=community.slug if community else f"@{person.username}",
    )
    return export


def latest_export(person: User, community: Community | None = None) -> DataExport | None:
    return (
        DataExport.objects.filter(requested_by=person, community=community)
        .order_by("-created_at", "-id")
        .first()
    )


def is_downloadable(export: DataExport, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return bool(
        export.status == DataExport.Status.DONE
        and export.file
        and export.expires_at is not None
        and export.expires_at > now
    )


# --- what is held about a person ---------------------------------------------------------


def person_data(person: User) -> dict[str, Any]:
    """Everything Rucher holds about a person, as JSON-ready data (files listed, not read)."""
    score = PersonScore.objects.filter(person=person).values("total").first()
    return {
        "profile": {
            "username": person.username,
            "email": person.email,
            "display_name": person.display_name,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "job_title": person.job_title,
            "department": person.department,
            "site": person.site,
            "manager": person.manager.username if person.manager else None,
            "phone": person.phone,
            "bio": person.bio,
            "interests": person.interests,
            "offers": person.offers,
            "reading": person.reading,
            "language": person.language,
            "photo": person.photo.name if person.photo else None,
            "date_joined": _iso(person.date_joined),
            "last_login": _iso(person.last_login),
        },
        "memberships": [
            {"community": slug, "role": role, "status": status, "since": _iso(since)}
            for slug, role, status, since in Membership.objects.filter(person=person)
            .order_by("created_at", "id")
            .values_list("community__slug", "role", "status", "created_at")
        ],
        "following": list(
            Follow.objects.filter(follower=person)
            .order_by("id")
            .values_list("followee__username", flat=True)
        ),
        "posts": [
            {
                "id": p.pk,
                "kind": p.kind,
                "title": p.title,
                "body": p.body,
                "created_at": _iso(p.created_at),
                "communities": [c.slug for c in p.communities.all()],
            }
            for p in _batched(
                Post.objects.filter(author=person).prefetch_related("communities").order_by("id")
            )
        ],
        "comments": [
            {"id": c.pk, "post": c.post_id, "body": c.body, "created_at": _iso(c.created_at)}
            for c in _batched(Comment.objects.filter(author=person).order_by("id"))
        ],
        "likes": {
            "posts": list(
                PostLike.objects.filter(person=person)
                .order_by("id")
                .values_list("post_id", flat=True)
            ),
            "comments": list(
                CommentLike.objects.filter(person=person)
                .order_by("id")
                .values_list("comment_id", flat=True)
            ),
        },
        "bookmarks": list(
            Bookmark.objects.filter(person=person).order_by("id").values_list("post_id", flat=True)
        ),
        "points": {
            "total": score["total"] if score else 0,
            "entries": [
                {"reason": reason, "points": points, "at": _iso(at)}
                for reason, points, at in PointsEntry.objects.filter(person=person)
                .order_by("id")
                .values_list("reason", "points", "created_at")
            ],
        },
        "files": [
            {"id": a.pk, "name": a.name, "size": a.size, "path": f"files/{a.pk}-{a.name}"}
            for a in _batched(Attachment.objects.filter(uploader=person).order_by("id"))
        ],
    }


def person_data_summary(person: User) -> list[tuple[str, int]]:
    """Counts for the settings page ("what is held about me"), one query each."""
    return [
        ("posts", Post.objects.filter(author=person).count()),
        ("comments", Comment.objects.filter(author=person).count()),
        (
            "likes",
            PostLike.objects.filter(person=person).count()
            + CommentLike.objects.filter(person=person).count(),
        ),
        ("bookmarks", Bookmark.objects.filter(person=person).count()),
        ("files", Attachment.objects.filter(uploader=person).count()),
        ("memberships", Membership.objects.filter(person=person).count()),
        ("points", PointsEntry.objects.filter(person=person).count()),
    ]


def _batched(queryset: QuerySet[Any]) -> list[Any]:
    # chunk_size keeps prefetches working while not loading everything in one round trip.
    return list(queryset.iterator(chunk_size=BATCH))


def community_data(community: Community) -> dict[str, Any]:
    posts = Post.objects.filter(communities=community).select_related("author").order_by("id")
    comments: dict[int, list[dict[str, Any]]] = {}
    for c in (
        Comment.objects.filter(post__communities=community)
        .select_related("author")
        .order_by("id")
        .iterator(chunk_size=BATCH)
    ):
        comments.setdefault(c.post_id, []).append(
            {
                "id": c.pk,
                "parent": c.parent_id,
                "author": c.author.username if c.author else None,
                "body": c.body,
                "created_at": _iso(c.created_at),
            }
        )
    return {
        "community": {
            "slug": community.slug,
            "name": community.name,
            "description": community.description,
            "kind": community.kind,
            "visibility": community.visibility,
            "created_at": _iso(community.created_at),
        },
        "members": [
            {"username": u, "role": role, "since": _iso(since)}
            for u, role, since in Membership.objects.filter(
                community=community, status=Membership.Status.MEMBER
            )
            .order_by("id")
            .values_list("person__username", "role", "created_at")
        ],
        "posts": [
            {
                "id": p.pk,
                "kind": p.kind,
                "author": p.author.username if p.author else None,
                "title": p.title,
                "body": p.body,
                "created_at": _iso(p.created_at),
                "comments": comments.get(p.pk, []),
            }
            for p in posts.iterator(chunk_size=BATCH)
        ],
    }


# --- building ------------------------------------------------------------------------------


def export_build(*, export_id: int) -> DataExport | None:
    """The background task: builds the ZIP; safe to retry (a finished export is left alone).
    Returns the export when it was built now (the caller then announces it by email)."""
    claimed = DataExport.objects.filter(
        pk=export_id, status__in=[DataExport.Status.QUEUED, DataExport.Status.RUNNING]
    ).update(status=DataExport.Status.RUNNING)
    if not claimed:
        return None
    export = DataExport.objects.select_related("requested_by", "community").get(pk=export_id)
    if export.community is not None:
        data = community_data(export.community)
        attachments = Attachment.objects.filter(
            post__communities=export.community
        ) | Attachment.objects.filter(comment__post__communities=export.community)
        name = f"rucher-{export.community.slug}"
    else:
        data = person_data(export.requested_by)
        attachments = Attachment.objects.filter(uploader=export.requested_by)
        name = f"rucher-{export.requested_by.username}"
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=1))
            for attachment in attachments.distinct().order_by("id").iterator(chunk_size=BATCH):
                try:
                    with (
                        attachment.file.open("rb") as source,
                        archive.open(f"files/{attachment.pk}-{attachment.name}", "w") as target,
                    ):
                        for chunk in iter(lambda: source.read(1024 * 1024), b""):
                            target.write(chunk)
                except FileNotFoundError:
                    continue  # a file lost from storage: the JSON still lists it
        size = spool.tell()
        spool.seek(0)
        now = timezone.now()
        export.file.save(f"{name}-{now:%Y%m%d%H%M%S}.zip", File(spool), save=False)
    export.status = DataExport.Status.DONE
    export.size = size
    export.finished_at = now
    export.expires_at = now + timedelta(days=EXPORT_DAYS)
    export.save(update_fields=["status", "file", "size", "finished_at", "expires_at"])
    return export


def exports_purge_expired(*, now: datetime | None = None) -> int:
    """Deletes the files of expired exports (the rows stay, without their file)."""
    now = now or timezone.now()
    count = 0
    for export in DataExport.objects.filter(expires_at__lte=now).exclude(file=""):
        export.file.delete(save=False)
        DataExport.objects.filter(pk=export.pk).update(file="")
        count += 1
    return count
