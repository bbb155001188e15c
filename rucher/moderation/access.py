"""The only way to load a report: through the post it is about, for its moderators."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rucher.accounts.models import User
from rucher.content.access import MAX_ID, can_moderate_post, readable_posts
from rucher.moderation.models import Report


def access_report(viewer: User, report_id: int) -> Report:
    """404 unless the viewer may read the reported post; 403 when they read it but do not
    moderate any of its communities."""
    if not (viewer.is_authenticated and viewer.is_active):
        raise Http404
    if not 0 < report_id <= MAX_ID:
        raise Http404
    report = (
        Report.objects.filter(pk=report_id, post__in=readable_posts(viewer))
        .select_related("post", "comment", "reporter")
        .first()
    )
    if report is None:
        raise Http404
    if not can_moderate_post(viewer, report.post):
        raise PermissionDenied
    return report
