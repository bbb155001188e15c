"""The periodic schedule: run by the worker that owns the schedule (`rucher worker`).

Each job imports the app it drives when it runs: this module is imported while the task
registry is built, before the apps' models are ready (an entry point: it may import any app).
"""

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="17", hour="3"))
def clear_expired_sessions() -> None:
    """Nightly: database sessions past their expiry are deleted."""
    call_command("clearsessions")


@db_periodic_task(crontab(minute="7"))
def send_read_reminders() -> None:
    """Hourly: one task per must-read post due for reminders (F-ANNOUNCE)."""
    from rucher.notifications.announcements import read_reminders_enqueue

    read_reminders_enqueue()


@db_periodic_task(crontab(minute="*/15"))
def route_questions() -> None:
    """Every 15 minutes: one task per unanswered question with a routing stage due (F-SLA)."""
    from rucher.qa.services import questions_route_enqueue

    questions_route_enqueue()


@db_periodic_task(crontab(minute="3"))
def send_digests() -> None:
    """Hourly (crontabs are UTC): the daily and weekly digests, once their local hour has
    come (RUCHER_DIGEST_HOUR, TIME_ZONE); one task per batch of people still lacking theirs."""
    from rucher.mail.digests import digests_enqueue

    digests_enqueue(period="daily")
    digests_enqueue(period="weekly")


@db_periodic_task(crontab(minute="*"))
def send_outbox() -> None:
    """Every minute: emails whose time has come are sent in batches (F-EMAIL-NOTIFY), and
    claims of dead workers are marked unknown (never resent)."""
    from rucher.mail.outbox import outbox_send_due

    outbox_send_due()


@db_periodic_task(crontab(minute="11"))
def freeze_weekly_top() -> None:
    """Hourly (crontabs are UTC): freezes and announces last week's top 3 once Monday 06:00 has
    passed in TIME_ZONE (F-LEADERBOARD); a week already frozen costs one indexed read."""
    from rucher.recognition.leaderboard import weekly_top_freeze

    weekly_top_freeze()


@db_periodic_task(crontab(minute="23", hour="*/6"))
def expire_services() -> None:
    """Every 6 hours: open services whose end date has passed become expired (F-SERVICES);
    one guarded UPDATE, so a repeated or concurrent run changes nothing twice."""
    from rucher.life.services import services_expire

    services_expire()


@db_periodic_task(crontab(minute="29"))
def build_analytics_rollups() -> None:
    """Hourly (crontabs are UTC): once the local day is over, one task per day to (re)build —
    yesterday and the days before it whose late answers may have changed (F-ANALYTICS)."""
    from rucher.analytics.rollups import rollup_days_due
    from rucher.analytics.tasks import rollup_day_task

    for day in rollup_days_due():
        rollup_day_task.enqueue(day.isoformat())


@db_periodic_task(crontab(minute="41"))
def send_success_report() -> None:
    """Hourly (crontabs are UTC): the weekly success report once Monday morning has come in
    TIME_ZONE (F-SUCCESS-REPORT); a week already sent costs one indexed read."""
    from rucher.analytics.report import success_report_due_week
    from rucher.analytics.tasks import success_report_task

    week = success_report_due_week()
    if week is not None:
        success_report_task.enqueue(week.isoformat())


@db_periodic_task(crontab(minute="*"))
def send_webhook_retries() -> None:
    """Every minute: webhook deliveries whose retry time has come, and claims of dead workers
    (at-least-once: receivers deduplicate on the delivery id)."""
    from rucher.integrations.tasks import deliveries_due_enqueue

    deliveries_due_enqueue()


@db_periodic_task(crontab(minute="41", hour="2"))
def sync_directory() -> None:
    """Nightly, when LDAP is configured: attributes and group memberships of the directory's
    people refreshed, people no longer in the directory deactivated (their content stays)."""
    from django.conf import settings

    if getattr(settings, "AUTH_LDAP_SERVER_URI", ""):
        from rucher.actions.sso import directory_sync

        directory_sync()


@db_periodic_task(crontab(minute="*/15"))
def announce_overdue_questions() -> None:
    """Every 15 minutes: `question.overdue` webhooks for questions that missed their promise."""
    from rucher.integrations.tasks import questions_overdue_enqueue

    questions_overdue_enqueue()


@db_periodic_task(crontab(minute="*"))
def poll_watch_feeds() -> None:
    """Every minute: one task per watch feed whose poll is due (F-WATCH-FEEDS); each feed
    comes due on its own interval, spread, so the load is even."""
    from rucher.feeds.tasks import feeds_poll_enqueue

    feeds_poll_enqueue()


@db_periodic_task(crontab(minute="41", hour="4"))
def purge_expired_exports() -> None:
    """Nightly: the ZIPs of data exports older than 7 days are deleted (F-EXPORT)."""
    from rucher.imports.exports import exports_purge_expired

    exports_purge_expired()


@db_periodic_task(crontab(minute="*/10"))
def send_event_reminders() -> None:
    """Every 10 minutes: the day-before reminder of events starting within a day (F-EVENTS)."""
    from rucher.agenda.notify import reminders_send

    reminders_send()


@db_periodic_task(crontab(minute="*/5"))
def close_polls() -> None:
    """Every 5 minutes: polls past their closing date are marked closed (F-POLLS); one guarded
    UPDATE. Votes are refused from the closing date on even before this runs."""
    from rucher.polls.services import polls_close_due

    polls_close_due()


@db_periodic_task(crontab(minute="*/15"))
def grant_attendance_points() -> None:
    """Every 15 minutes: once an event (or an occurrence of a recurring one) is over, those who
    answered yes earn the "event attended" points, once (F-EVENTS, F-POINTS)."""
    from rucher.agenda.attendance import attendance_grant_due

    attendance_grant_due()
