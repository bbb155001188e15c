"""Posting the weekly success report in the communities that opted in (F-SUCCESS-REPORT):
an analytics report published as a post, so it composes analytics and content."""

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _

from rucher.actions.posts import post_publish
from rucher.analytics import report as reports
from rucher.analytics.access import Scope
from rucher.analytics.models import SuccessReportPost
from rucher.communities.models import Community, Membership
from rucher.content.models import Post


def _author(community: Community) -> Membership | None:
    """The post's author: the longest-standing active owner, else manager."""
    return (
        Membership.objects.filter(
            community=community,
            status=Membership.Status.MEMBER,
            role__in=(Membership.Role.OWNER, Membership.Role.MANAGER),
            person__is_active=True,
        )
        .select_related("person")
        .order_by("-role", "created_at", "id")  # "owner" > "manager": owners first
        .first()
    )


def success_report_post(*, community: Community, week_start: date) -> Post | None:
    """Posts the week's report in the community, once (the claim row and the post commit
    together); None when already posted or when nobody manages the community any more."""
    membership = _author(community)
    if membership is None:
        return None
    scope = Scope((community.pk,), [community], chosen=community)
    # The post is for everyone in the community: written in the organisation's language.
    with translation.override(settings.LANGUAGE_CODE):
        report = reports.build_report(scope, week_start)
        title = _("Success in numbers: the week of %(day)s") % {
            "day": formats.date_format(week_start, "SHORT_DATE_FORMAT")
        }
        body = render_to_string("analytics/report_post.md", {"report": report}).strip()
    try:
        with transaction.atomic():
            claim = SuccessReportPost.objects.create(community=community, week_start=week_start)
            post = post_publish(
                author=membership.person, communities=[community], title=title, body=body
            )
            claim.post = post
            claim.save(update_fields=["post"])
    except IntegrityError:
        return None  # posted by an earlier run
    return post


def success_report_run(*, week_start: date) -> tuple[int, int]:
    """The weekly job: the emails, then the posts, then the run row (so a job that failed
    halfway is retried and completes without doing anything twice)."""
    queued = reports.success_report_send(week_start=week_start)
    posted = 0
    for community in reports.communities_to_post_in(week_start):
        if success_report_post(community=community, week_start=week_start) is not None:
            posted += 1
    reports.success_report_finish(week_start=week_start, queued=queued, posted=posted)
    return queued, posted
