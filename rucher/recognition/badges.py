"""Badges (F-BADGES): rules evaluated on events, each awarded once, notified."""


def badges_check_enqueue(*, person_id: int) -> None:
    """Schedules (on commit) the evaluation of every badge rule for one person. Called by the
    points ledger after each grant and by role changes."""
