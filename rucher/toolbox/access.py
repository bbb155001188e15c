"""Loading toolbox objects a person may see. Posts (articles, topics, ideas) load through
rucher.content.access (the one readability rule); drafts are their author's alone."""

from django.http import Http404

from rucher.accounts.models import User
from rucher.content.access import MAX_ID
from rucher.toolbox.models import ArticleDraft


def access_draft(viewer: User, draft_id: int) -> ArticleDraft:
    """A draft is seen by its author only: anyone else gets the same 404 as a missing one."""
    if not (viewer.is_authenticated and viewer.is_active) or not 0 < draft_id <= MAX_ID:
        raise Http404
    draft = (
        ArticleDraft.objects.filter(pk=draft_id, author=viewer.pk)
        .select_related("community")
        .first()
    )
    if draft is None:
        raise Http404
    return draft
