"""The weekly success report (F-SUCCESS-REPORT)."""

from datetime import date

from django.db import transaction

from rucher.analytics.models import CommunityReportSetting
from rucher.communities.models import Community


def post_setting(community: Community) -> bool:
    return CommunityReportSetting.objects.filter(
        community=community, post_weekly_report=True
    ).exists()


@transaction.atomic
def post_setting_set(*, community: Community, enabled: bool) -> None:
    CommunityReportSetting.objects.update_or_create(
        community=community, defaults={"post_weekly_report": enabled}
    )


def success_report_due_week() -> date | None:
    return None


def success_report_send(*, week_start: date) -> int:
    return 0
