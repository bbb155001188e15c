"""The Yammer / Viva Engage network export (F-IMPORT): Users.csv → people, Groups.csv →
communities, Messages.csv → posts (thread starters) and comments (replies), Files/ →
attachments; original authors and dates kept.

Streaming: each CSV is read row by row from the archive; what is kept in memory is the map of
external ids to our ids (integers), not the rows. Each row is written in its own savepoint
inside batches of BATCH rows, so a bad row is reported and skipped without half-writing it.
Idempotent: every imported row leaves an ExternalRef; a row whose ref exists is skipped.
Imported content earns no points and notifies nobody (content's unattended services).
"""

import dataclasses
import itertools
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rucher.accounts import services as accounts
from rucher.accounts.models import User
from rucher.communities import services as communities
from rucher.communities.models import Community
from rucher.content import attachments as uploads
from rucher.content import services as content
from rucher.content.models import PostCommunity
from rucher.content.services import ImportedComment, ImportedPost
from rucher.imports.models import ExternalRef
from rucher.imports.readers import (
    ImportRejected,
    Report,
    count_csv_rows,
    find_member,
    read_csv,
    safe_zip,
)

SOURCE = "yammer"
BATCH = 200
MESSAGE_BATCH = 500
ALL_COMPANY = "all_company"
Progress = Callable[[int, int], None]

_TRUE = {"true", "1", "yes", "y", "oui", "vrai", "t"}
_FILE_REF = re.compile(r"uploadedfile:(\d+)")


class _DryRun(Exception):
    """Raised at the end of a dry run to roll everything back."""


def _flag(value: str) -> bool:
    return value.strip().lower() in _TRUE


def parse_date(value: str) -> datetime | None:
    """Yammer writes `2019-03-04 10:11:12 UTC`; ISO 8601 is accepted too."""
    value = value.strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S UTC", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S"):
        try:
            moment = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Refs:
    """External id → our id, per kind: loaded once, extended as rows are imported."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.maps: dict[str, dict[str, int]] = defaultdict(dict)
        for kind, external_id, object_id in ExternalRef.objects.filter(source=source).values_list(
            "kind", "external_id", "object_id"
        ):
            self.maps[kind][external_id] = object_id

    def get(self, kind: str, external_id: str) -> int | None:
        return self.maps[kind].get(external_id)

    def add_many(self, kind: str, pairs: list[tuple[str, int]]) -> None:
        ExternalRef.objects.bulk_create(
            [
                ExternalRef(source=self.source, kind=kind, external_id=e, object_id=pk)
                for e, pk in pairs
            ]
        )
        self.maps[kind].update(pairs)

    def add(self, kind: str, external_id: str, object_id: int) -> None:
        ExternalRef.objects.create(
            source=self.source, kind=kind, external_id=external_id, object_id=object_id
        )
        self.maps[kind][external_id] = object_id


def _unique_username(base: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9._-]", "", slugify(base).replace("-", ".")) or "person"
    base = base[:140]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    taken.add(candidate)
    return candidate


class YammerImport:
    def __init__(
        self,
        archive_path: Any,
        *,
        actor: User,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> None:
        self.archive_path = archive_path
        self.actor = actor
        self.dry_run = dry_run
        self.progress = progress or (lambda done, total: None)
        self.report = Report()
        self.done = 0
        self.total = 0
        self._people: dict[int, User | None] = {}
        self._communities: dict[int, Community] = {}
        self._post_community: dict[int, int | None] = {}
        # Yammer id of a comment → Yammer id of its top-level comment (itself when top-level).
        self._comment_top: dict[str, str] = {}
        self._seen_messages: set[str] = set()

    # --- driving ---------------------------------------------------------------------------

    def run(self) -> Report:
        archive = safe_zip(self.archive_path)
        with archive:
            members = {
                name: find_member(archive, name)
                for name in ("Users.csv", "Groups.csv", "Messages.csv")
            }
            if members["Messages.csv"] is None and members["Users.csv"] is None:
                raise ImportRejected(
                    "not_a_yammer_export",
                    _("This ZIP is not a Yammer export: no Users.csv nor Messages.csv in it."),
                )
            for info in members.values():
                if info is not None:
                    with archive.open(info) as raw:
                        self.total += count_csv_rows(raw)
            self.progress(0, self.total)
            self.files = self._index_files(archive)
            self.refs = _Refs(SOURCE)
            try:
                with transaction.atomic() if self.dry_run else _nothing():
                    if members["Users.csv"] is not None:
                        self._import_users(archive, members["Users.csv"])
                    if members["Groups.csv"] is not None:
                        self._import_groups(archive, members["Groups.csv"])
                    if members["Messages.csv"] is not None:
                        self._import_messages(archive, members["Messages.csv"])
                    if self.dry_run:
                        raise _DryRun
            except _DryRun:
                pass
        self.progress(self.total, self.total)
        return self.report

    def _rows(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, required: tuple[str, ...]
    ) -> Iterator[tuple[int, dict[str, str]]]:
        label = info.filename.rsplit("/", 1)[-1]
        with archive.open(info) as raw:
            parsed = read_csv(raw, required=required, file_label=label)
            for batch, (line, row) in enumerate(parsed.rows, start=1):
                self.done += 1
                if "__error__" in row:
                    self.report.reject(
                        file=label,
                        row=line,
                        reason=_(
                            "Unreadable CSV (quoting broken?): %(error)s; "
                            "the rest of the file is skipped."
                        )
                        % {"error": row["__error__"]},
                    )
                    return
                yield line, row
                if batch % BATCH == 0:
                    self.progress(self.done, self.total)

    @contextmanager
    def _row(self, file: str, line: int) -> Iterator[None]:
        """One row in its own savepoint: a failure rolls back that row only."""
        try:
            with transaction.atomic():
                yield
        except ValidationError as exc:
            messages = (
                [f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()]
                if hasattr(exc, "error_dict")
                else exc.messages
            )
            self.report.reject(file=file, row=line, reason="; ".join(messages))
        except (IntegrityError, ValueError) as exc:
            self.report.reject(file=file, row=line, reason=str(exc)[:300])

    def _batches(
        self, rows: Iterator[tuple[int, dict[str, str]]]
    ) -> Iterator[tuple[int, dict[str, str]]]:
        """Commits every BATCH rows (a dry run keeps its one outer transaction)."""
        while True:
            with transaction.atomic():
                for count, item in enumerate(rows, start=1):
                    yield item
                    if count >= BATCH:
                        break
                else:
                    return

    # --- users -----------------------------------------------------------------------------

    def _import_users(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        taken = {u.lower() for u in User.objects.values_list("username", flat=True)}
        by_email = {
            e.lower(): pk for pk, e in User.objects.exclude(email="").values_list("pk", "email")
        }
        for line, row in self._batches(self._rows(archive, info, ("id", "name", "email"))):
            external_id = row["id"].strip()
            if not external_id:
                self.report.reject(file="Users.csv", row=line, reason=_("No id."))
                continue
            if self.refs.get("user", external_id) is not None:
                self.report.skipped["people"] += 1
                continue
            email = row["email"].strip()
            with self._row("Users.csv", line):
                existing = by_email.get(email.lower()) if email else None
                if existing is not None:  # already here (SSO, an earlier people import…)
                    self.refs.add("user", external_id, existing)
                    self.report.skipped["people"] += 1
                    continue
                person = accounts.person_create(
                    username=_unique_username(email.split("@")[0] or row["name"], taken),
                    email=email,
                    display_name=row["name"].strip()[:150] or email,
                    department=row.get("department", "").strip()[:100],
                    site=row.get("location", "").strip()[:100],
                    job_title=row.get("job_title", "").strip()[:150],
                )
                state = row.get("state", "active").strip().lower() or "active"
                if state != "active" or row.get("deleted_at", "").strip():
                    User.objects.filter(pk=person.pk).update(is_active=False)
                joined = parse_date(row.get("joined_at", ""))
                if joined is not None:
                    User.objects.filter(pk=person.pk).update(date_joined=joined)
                self.refs.add("user", external_id, person.pk)
                by_email[email.lower()] = person.pk
                self.report.created["people"] += 1

    # --- groups ----------------------------------------------------------------------------

    def _import_groups(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        for line, row in self._batches(self._rows(archive, info, ("id", "name"))):
            external_id = row["id"].strip()
            if not external_id:
                self.report.reject(file="Groups.csv", row=line, reason=_("No id."))
                continue
            if self.refs.get("group", external_id) is not None:
                self.report.skipped["communities"] += 1
                continue
            if _flag(row.get("deleted", "")):
                self.refs.maps["deleted_group"][external_id] = 0
                self.report.skipped["deleted communities"] += 1
                continue
            with self._row("Groups.csv", line):
                creator = self._person(row.get("creator_id", "")) or self.actor
                community = communities.community_create(
                    creator=creator,
                    name=" ".join(row["name"].split())[:100] or external_id,
                    kind="interest",
                    visibility="private" if _flag(row.get("private", "")) else "open",
                    description=row.get("description", "").strip()[:10000],
                )
                created = parse_date(row.get("created_at", ""))
                if created is not None:
                    Community.objects.filter(pk=community.pk).update(created_at=created)
                self.refs.add("group", external_id, community.pk)
                self.report.created["communities"] += 1

    def _person(self, external_id: str) -> User | None:
        pk = self.refs.get("user", external_id.strip()) if external_id.strip() else None
        if pk is None:
            return None
        if pk not in self._people:
            self._people[pk] = User.objects.filter(pk=pk).first()
        return self._people[pk]

    def _all_company(self) -> Community:
        pk = self.refs.get("group", ALL_COMPANY)
        if pk is not None:
            found = Community.objects.filter(pk=pk).first()
            if found is not None:
                return found
        community = communities.community_create(
            creator=self.actor,
            name="All Company",
            kind="interest",
            visibility="open",
            description=_("Messages of Yammer's “All Company” feed."),
        )
        self.refs.add("group", ALL_COMPANY, community.pk)
        self.report.created["communities"] += 1
        return community

    # --- messages --------------------------------------------------------------------------

    def _index_files(self, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
        """Files/<id>.<ext> (or Files/<id>-name.ext) by their Yammer id."""
        files: dict[str, zipfile.ZipInfo] = {}
        for info in archive.infolist():
            parts = info.filename.replace("\\", "/").split("/")
            if len(parts) >= 2 and parts[-2].lower() == "files" and parts[-1]:
                match = re.match(r"(\d+)", parts[-1])
                if match:
                    files.setdefault(match.group(1), info)
        return files

    def _attachments(
        self, archive: zipfile.ZipFile, value: str, uploader: User, line: int
    ) -> list[int]:
        ids = []
        for file_id in _FILE_REF.findall(value or ""):
            info = self.files.get(file_id)
            if info is None:
                self.report.skipped["missing files"] += 1
                continue
            name = info.filename.rsplit("/", 1)[-1]
            name = re.sub(r"^\d+[-_]?", "", name) or name
            try:
                with transaction.atomic():
                    if info.file_size > uploads.attachment_max_bytes():
                        raise ValidationError(_("The file is too large."))
                    data = archive.read(info)
                    attachment = uploads.attachment_upload(
                        uploader=uploader, file=SimpleUploadedFile(name, data)
                    )
            except ValidationError as exc:
                self.report.reject(
                    file="Messages.csv",
                    row=line,
                    reason=_("File %(name)s not attached: %(reason)s")
                    % {"name": name, "reason": " ".join(exc.messages)},
                )
                continue
            ids.append(attachment.pk)
            self.report.created["files"] += 1
        return ids

    def _import_messages(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        """Messages in batches of MESSAGE_BATCH rows: each row is checked first (skipped or
        rejected rows write nothing), then the batch's posts and comments are inserted in a
        few queries and committed together."""
        members: dict[int, set[int]] = defaultdict(set)
        rows = self._rows(archive, info, ("id", "thread_id", "body", "created_at"))
        while True:
            chunk = list(itertools.islice(rows, MESSAGE_BATCH))
            if not chunk:
                break
            with transaction.atomic():
                self._messages_batch(archive, chunk, members)
        # The authors become members of the communities they wrote in (private groups'
        # content stays readable to them); counts are recounted once per community.
        for community_pk, person_ids in members.items():
            community = self._communities.get(community_pk) or Community.objects.get(
                pk=community_pk
            )
            communities.memberships_import(community=community, person_ids=person_ids)

    def _message_checked(self, line: int, row: dict[str, str]) -> datetime | None:
        """The message's date when it is to be imported; None when skipped or rejected."""
        external_id = row["id"].strip()
        if not external_id:
            self.report.reject(file="Messages.csv", row=line, reason=_("No id."))
            return None
        if (
            external_id in self._seen_messages
            or self.refs.get("post", external_id)
            or (self.refs.get("comment", external_id))
        ):
            self.report.skipped["messages already imported"] += 1
            return None
        if _flag(row.get("in_private_conversation", "")):
            self.report.skipped["private messages"] += 1
            return None
        if row.get("deleted_at", "").strip():
            self.report.skipped["deleted messages"] += 1
            return None
        if row.get("group_id", "").strip() in self.refs.maps["deleted_group"]:
            self.report.skipped["messages of deleted communities"] += 1
            return None
        created_at = parse_date(row["created_at"])
        if created_at is None:
            self.report.reject(
                file="Messages.csv",
                row=line,
                reason=_("Unreadable date: “%(value)s”.") % {"value": row["created_at"][:40]},
            )
        return created_at

    def _messages_batch(
        self,
        archive: zipfile.ZipFile,
        chunk: list[tuple[int, dict[str, str]]],
        members: dict[int, set[int]],
    ) -> None:
        starters: list[tuple[str, ImportedPost]] = []
        replies: list[tuple[int, dict[str, str], datetime]] = []
        for line, row in chunk:
            created_at = self._message_checked(line, row)
            if created_at is None:
                continue
            external_id = row["id"].strip()
            thread_id = row["thread_id"].strip() or external_id
            if thread_id != external_id or row.get("replied_to_id", "").strip():
                replies.append((line, row, created_at))
                continue
            community = self._community_for(row, line)
            if community is None:
                continue
            author = self._person(row.get("sender_id", ""))
            files = self._attachments(
                archive, row.get("attachments", ""), author or self.actor, line
            )
            self._seen_messages.add(external_id)
            starters.append(
                (
                    external_id,
                    ImportedPost(
                        author_id=author.pk if author else None,
                        community_id=community.pk,
                        body=row["body"].strip(),
                        created_at=created_at,
                        attachment_ids=files,
                    ),
                )
            )
            if author is not None:
                members[community.pk].add(author.pk)
        if starters:
            posts = content.posts_import_bulk(items=[item for _e, item in starters])
            for (_e, item), post in zip(starters, posts, strict=True):
                self._post_community[post.pk] = item.community_id
            self.refs.add_many(
                "post", [(e, p.pk) for (e, _i), p in zip(starters, posts, strict=True)]
            )
            self.report.created["posts"] += len(posts)
        # Comments: a reply to a reply hangs under the top-level comment (one level only), so
        # top-level comments go in first, then the replies pointing at them.
        waves: tuple[list[tuple[str, str | None, ImportedComment]], ...] = ([], [])
        for line, row, created_at in replies:
            external_id = row["id"].strip()
            thread_id = row["thread_id"].strip()
            post_pk = self.refs.get("post", thread_id)
            if post_pk is None:
                self.report.reject(
                    file="Messages.csv",
                    row=line,
                    reason=_("Reply to thread %(thread)s, which is missing, private or deleted.")
                    % {"thread": thread_id[:40]},
                )
                continue
            replied_to = row.get("replied_to_id", "").strip()
            top = self._comment_top.get(replied_to) if replied_to else None
            author = self._person(row.get("sender_id", ""))
            files = self._attachments(
                archive, row.get("attachments", ""), author or self.actor, line
            )
            self._seen_messages.add(external_id)
            self._comment_top[external_id] = top or external_id
            comment_item = ImportedComment(
                author_id=author.pk if author else None,
                post_id=post_pk,
                parent_id=None,
                body=row["body"].strip(),
                created_at=created_at,
                attachment_ids=files,
            )
            waves[1 if top else 0].append((external_id, top, comment_item))
            community_pk = self._post_community.get(post_pk)
            if community_pk is None:
                community_pk = (
                    PostCommunity.objects.filter(post_id=post_pk)
                    .values_list("community_id", flat=True)
                    .first()
                )
                self._post_community[post_pk] = community_pk
            if author is not None and community_pk is not None:
                members[community_pk].add(author.pk)
        for wave in waves:
            if not wave:
                continue
            items = [
                dataclasses.replace(item, parent_id=self.refs.get("comment", top) if top else None)
                for _e, top, item in wave
            ]
            made = content.comments_import_bulk(items=items)
            self.refs.add_many(
                "comment", [(e, c.pk) for (e, _t, _i), c in zip(wave, made, strict=True)]
            )
            self.report.created["comments"] += len(made)

    def _community_for(self, row: dict[str, str], line: int) -> Community | None:
        group_id = row.get("group_id", "").strip()
        if not group_id:
            return self._all_company()
        if group_id in self.refs.maps["deleted_group"]:
            self.report.skipped["messages of deleted communities"] += 1
            return None
        pk = self.refs.get("group", group_id)
        if pk is None:
            self.report.reject(
                file="Messages.csv",
                row=line,
                reason=_("Unknown group %(group)s (not in Groups.csv).") % {"group": group_id[:40]},
            )
            return None
        if pk not in self._communities:
            self._communities[pk] = Community.objects.get(pk=pk)
        return self._communities[pk]


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def import_yammer(
    path: Any, *, actor: User, dry_run: bool = False, progress: Progress | None = None
) -> Report:
    """Imports a Yammer export ZIP (path or file object); see the module's docstring."""
    return YammerImport(path, actor=actor, dry_run=dry_run, progress=progress).run()
