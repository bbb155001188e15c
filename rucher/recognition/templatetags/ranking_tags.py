"""Template tags of recognition for pages of other apps: the standing card of a profile and the
top 3 of the week on the home page. Each costs a fixed, small number of queries."""

from dataclasses import dataclass

from django import template

from rucher.accounts.models import User
from rucher.recognition import leaderboard as boards
from rucher.recognition.badges import EarnedBadge, person_badges

register = template.Library()

PROFILE_BADGES_SHOWN = 50


@dataclass
class ProfileStanding:
    score: int
    excluded: bool
    week: boards.Standing | None
    badges: list[EarnedBadge]


@register.simple_tag
def profile_standing(viewer: User, person: User) -> ProfileStanding:
    """Score, rank this week and badges (as the viewer may see them): 2 queries, 3 when the
    person is ranked this week (whatever their number of badges or points)."""
    card = boards.score_card(person)
    return ProfileStanding(
        score=card.score,
        excluded=card.excluded,
        week=card.week,
        badges=person_badges(viewer, person, limit=PROFILE_BADGES_SHOWN),
    )


@register.simple_tag
def home_top3() -> boards.FrozenTop:
    """The last frozen week's top 3: one query."""
    return boards.top3_current()
