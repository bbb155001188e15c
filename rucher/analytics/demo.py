"""Demo analytics: twelve weeks of activity facts and their rollups, so that `make run` shows
a dashboard with a history (F-ANALYTICS).

Called by `rucher demo` after the demo content. People "arrived" over the past year (a few in
the last month: the newcomers), came on most working days (a bit more each week: the network
grows) and their memberships date from their arrival. Everything is derived from the usernames
with a fixed seed, and facts are inserted ignoring conflicts, so a second run changes nothing;
the rollups of the days with content are rebuilt (idempotent by design).
"""

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction

from rucher.accounts.models import User
from rucher.analytics.facts import local_day, organisation_tz
from rucher.analytics.models import ActivityDay
from rucher.analytics.rollups import days_between, rollup_day
from rucher.communities.models import Community, Membership
from rucher.content.models import Comment, Post

SEED = 2026
WEEKS = 12
NEWCOMERS = 6


def _arrivals(people: list[User], today: Any, rng: random.Random) -> dict[int, datetime]:
    tz = organisation_tz()
    arrivals: dict[int, datetime] = {}
    for index, person in enumerate(people):
        if index % max(len(people) // NEWCOMERS, 1) == 1:
            days = rng.randint(2, 25)  # arrived this month: a newcomer
        else:
            days = rng.randint(120, 700)
        arrivals[person.pk] = datetime.combine(today - timedelta(days=days), time(9), tzinfo=tz)
    return arrivals


@transaction.atomic
def demo_analytics_load(seed: int = SEED) -> dict[str, Any]:
    # One generator per use: a second run (which backdates nothing) draws the same presence.
    today = local_day()
    people = list(User.objects.filter(is_active=True).order_by("username"))
    arrivals = _arrivals(people, today, random.Random(seed))
    rng = random.Random(seed + 1)
    # Backdate only what the demo created today (a real installation's dates are never touched:
    # the demo runs on demo data, and a second run finds nothing created today).
    start_of_today = datetime.combine(today, time(0), tzinfo=organisation_tz())
    joined_today = [p for p in people if p.date_joined >= start_of_today]
    for person in joined_today:
        person.date_joined = arrivals[person.pk]
    User.objects.bulk_update(joined_today, ["date_joined"], batch_size=500)
    Community.objects.filter(created_at__gte=start_of_today).update(
        created_at=start_of_today - timedelta(days=800)
    )
    memberships = list(Membership.objects.filter(created_at__gte=start_of_today))
    for membership in memberships:
        arrived = arrivals.get(membership.person_id)
        if arrived is not None:
            membership.created_at = arrived + timedelta(days=rng.randint(0, 10))
    Membership.objects.bulk_update(memberships, ["created_at"], batch_size=500)
    # Presence: a "habit" per person, growing week after week; weekends are quiet.
    rng = random.Random(seed + 2)
    habits = {p.pk: rng.uniform(0.15, 0.85) for p in people}
    facts = []
    first = today - timedelta(weeks=WEEKS)
    for day in days_between(first, today - timedelta(days=1)):
        growth = 0.6 + 0.4 * (day - first).days / (WEEKS * 7)
        weekend = 0.15 if day.weekday() >= 5 else 1.0
        for person in people:
            if arrivals[person.pk].date() > day:
                continue
            if rng.random() < habits[person.pk] * growth * weekend:
                facts.append(ActivityDay.of(person.pk, day))
    before = ActivityDay.objects.count()
    ActivityDay.objects.bulk_create(facts, ignore_conflicts=True, batch_size=1000)
    created = ActivityDay.objects.count() - before
    # Rollups of the days something was published (the demo's content spans a few weeks; a
    # day with nothing published would be a row of zeros): cheap enough for `make run`.
    days = sorted(
        {local_day(moment) for moment in Post.objects.values_list("created_at", flat=True)}
        | {local_day(moment) for moment in Comment.objects.values_list("created_at", flat=True)}
    )
    built = 0
    for day in days:
        if first <= day < today:
            rollup_day(day=day)
            built += 1
    return {"facts": created, "days": built}
