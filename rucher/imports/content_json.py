"""Communities with their posts and comments from JSON (F-IMPORT):

    {"communities": [{"id": "c1", "name": "…", "description": "…", "visibility": "open",
      "posts": [{"id": "p1", "author": "username", "title": "…", "body": "…",
                 "created_at": "2024-01-02T10:00:00Z",
                 "comments": [{"id": "k1", "author": "username", "body": "…",
                               "created_at": "…"}]}]}]}

Ids are the source's own; they make the import idempotent. Authors are usernames already
here (import people first); an unknown author keeps the content as "former member". The file
is read whole (JSON has no row boundaries): the people and Yammer imports are the streaming
ones, and this one is for the smaller exports of other tools."""

import json
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.communities import services as communities
from rucher.communities.models import Community
from rucher.content import services as content
from rucher.content.models import Post, PostKind
from rucher.imports.models import ExternalRef
from rucher.imports.readers import ImportRejected, Report
from rucher.imports.yammer import parse_date

SOURCE = "content_json"
FILE = "content.json"
MAX_JSON_BYTES = 200 * 1024 * 1024


def _ref(kind: str, external_id: str) -> int | None:
    return (
        ExternalRef.objects.filter(source=SOURCE, kind=kind, external_id=external_id)
        .values_list("object_id", flat=True)
        .first()
    )


def _add_ref(kind: str, external_id: str, object_id: int) -> None:
    ExternalRef.objects.create(
        source=SOURCE, kind=kind, external_id=external_id, object_id=object_id
    )


def import_content(raw: IO[bytes], *, actor: User, report: Report, progress: Any) -> None:
    data = raw.read(MAX_JSON_BYTES + 1)
    if len(data) > MAX_JSON_BYTES:
        raise ImportRejected("too_large", _("This JSON file is too large (at most 200 MB)."))
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ImportRejected(
            "bad_json", _("This file is not valid JSON: %(error)s") % {"error": str(exc)[:200]}
        ) from exc
    if not isinstance(document, dict) or not isinstance(document.get("communities"), list):
        raise ImportRejected("bad_json", _("The JSON must be an object with a “communities” list."))
    people: dict[str, User | None] = {}

    def person(username: object) -> User | None:
        if not isinstance(username, str) or not username:
            return None
        if username not in people:
            people[username] = User.objects.filter(username__iexact=username).first()
        return people[username]

    items = document["communities"]
    total = sum(1 + len(c.get("posts") or []) if isinstance(c, dict) else 1 for c in items)
    done = 0
    for index, entry in enumerate(items, start=1):
        done += 1
        progress(done, total)
        where = f"communities[{index}]"
        if not isinstance(entry, dict) or not str(entry.get("id", "")).strip():
            report.reject(file=FILE, row=index, reason=_("%(where)s: no id.") % {"where": where})
            continue
        cid = str(entry["id"])[:100]
        pk = _ref("community", cid)
        if pk is not None:
            report.skipped["communities"] += 1
            community = Community.objects.get(pk=pk)
        else:
            try:
                with transaction.atomic():
                    community = communities.community_create(
                        creator=actor,
                        name=str(entry.get("name", "")),
                        kind="interest",
                        visibility=str(entry.get("visibility", "open")),
                        description=str(entry.get("description", "")),
                    )
                    _add_ref("community", cid, community.pk)
            except ValidationError as exc:
                report.reject(file=FILE, row=index, reason=f"{where}: " + "; ".join(exc.messages))
                continue
            report.created["communities"] += 1
        for p_index, post_entry in enumerate(entry.get("posts") or [], start=1):
            done += 1
            _import_post(post_entry, community, f"{where}.posts[{p_index}]", index, report, person)
        progress(done, total)


def _import_post(
    entry: Any, community: Community, where: str, row: int, report: Report, person: Any
) -> None:
    if not isinstance(entry, dict) or not str(entry.get("id", "")).strip():
        report.reject(file=FILE, row=row, reason=_("%(where)s: no id.") % {"where": where})
        return
    pid = str(entry["id"])[:100]
    post_pk = _ref("post", pid)
    if post_pk is not None:
        report.skipped["posts"] += 1
    else:
        body = entry.get("body")
        created = parse_date(str(entry.get("created_at", "")))
        if not isinstance(body, str) or not body.strip() or created is None:
            report.reject(
                file=FILE,
                row=row,
                reason=_("%(where)s: a body and a created_at date are required.")
                % {"where": where},
            )
            return
        with transaction.atomic():
            post = content.post_create_unattended(
                author=person(entry.get("author")),
                communities=[community],
                kind=PostKind.POST,
                title=str(entry.get("title") or ""),
                body=body,
                created_at=created,
            )
            _add_ref("post", pid, post.pk)
        post_pk = post.pk
        report.created["posts"] += 1
    for c_index, comment in enumerate(entry.get("comments") or [], start=1):
        here = f"{where}.comments[{c_index}]"
        if not isinstance(comment, dict) or not str(comment.get("id", "")).strip():
            report.reject(file=FILE, row=row, reason=_("%(where)s: no id.") % {"where": here})
            continue
        kid = str(comment["id"])[:100]
        if _ref("comment", kid) is not None:
            report.skipped["comments"] += 1
            continue
        body, created = comment.get("body"), parse_date(str(comment.get("created_at", "")))
        if not isinstance(body, str) or not body.strip() or created is None:
            report.reject(
                file=FILE,
                row=row,
                reason=_("%(where)s: a body and a created_at date are required.") % {"where": here},
            )
            continue
        with transaction.atomic():
            made = content.comment_create_unattended(
                author=person(comment.get("author")),
                post=Post(pk=post_pk),
                body=body,
                created_at=created,
            )
            _add_ref("comment", kid, made.pk)
        report.created["comments"] += 1
