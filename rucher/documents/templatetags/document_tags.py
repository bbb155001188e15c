"""{% document_cards post %}: the documents a post links to (a Markdown link to a document's
page or file), as cards under its text — only those the viewer may read; any other link stays
a plain link."""

import re
from typing import Any

from django import template

from rucher.documents.access import readable_documents

register = template.Library()

# Links rendered by rucher.core.markdown: relative, or absolute to any host (the card is
# shown only for documents of this site that the viewer may read, so a foreign host's
# look-alike path costs a query at most).
_DOCUMENT_LINK = re.compile(r'href="(?:https?://[^"/]+)?/documents/(\d{1,18})/')
MAX_CARDS = 5


def linked_document_ids(html: str) -> list[int]:
    ids: list[int] = []
    for found in _DOCUMENT_LINK.finditer(html or ""):
        pk = int(found[1])
        if pk not in ids:
            ids.append(pk)
        if len(ids) == MAX_CARDS:
            break
    return ids


@register.inclusion_tag("documents/_cards.html", takes_context=True)
def document_cards(context: dict[str, Any], post: Any) -> dict[str, Any]:
    ids = linked_document_ids(getattr(post, "body_html", ""))
    if not ids:  # most posts: no query
        return {"cards": []}
    request = context.get("request")
    viewer = getattr(request, "user", None)
    if viewer is None:
        return {"cards": []}
    found = {
        d.pk: d
        for d in readable_documents(viewer).filter(pk__in=ids).select_related("latest", "community")
    }
    return {"cards": [found[pk] for pk in ids if pk in found]}
