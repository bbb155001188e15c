"""API: leaderboards, the weekly top 3 and badges (API.md, "Recognition"; F-LEADERBOARD,
F-BADGES). People and numbers only: no content is ever named, and a community's leaderboard
follows the community's content access (404 for what the caller may not read)."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema

from rucher.accounts.access import access_person
from rucher.api.auth import AuthedRequest
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, QuerySchema, UsernamePath
from rucher.communities import access as community_access
from rucher.recognition import leaderboard as boards
from rucher.recognition.badges import person_badges

router = Router(tags=["leaderboard"])


class LeaderboardFilters(QuerySchema):
    period: boards.Period = "week"
    community: CleanStr | None = Field(
        default=None,
        max_length=community_access.MAX_SLUG_LENGTH,
        description="A community's slug; empty or absent: the whole organisation.",
    )
    cursor: CleanStr | None = Field(default=None, max_length=1000)
    limit: int = Field(default=20, ge=1, le=boards.MAX_LIMIT)


class RankOut(Schema):
    rank: int = Field(description="Dense rank: ties share a rank, the next rank is one more.")
    username: str
    display_name: str
    points: int


class LeaderboardOut(Schema):
    items: list[RankOut]
    next: str | None


class Top3Out(Schema):
    week_start: date | None = Field(
        description="Monday of the frozen week (organisation time zone); null before any."
    )
    items: list[RankOut]


class BadgeOut(Schema):
    code: str
    name: str
    why: str
    tag: str | None = Field(description="The tag's name, for tag badges.")
    awarded_at: datetime


class BadgesOut(Schema):
    items: list[BadgeOut]


def _rank_out(row: boards.Row) -> RankOut:
    return RankOut(
        rank=row.rank,
        username=row.person.username,
        display_name=row.person.display_name,
        points=row.points,
    )


@router.get("/leaderboard", response={200: LeaderboardOut, ERRORS: ErrorOut})
def leaderboard_list(request: AuthedRequest, filters: Query[LeaderboardFilters]) -> LeaderboardOut:
    """Best first. Organisation-wide: points earned everywhere; with `community`: points earned
    there (404 unless the caller may read that community's content)."""
    community = None
    if filters.community:
        community = community_access.access_community_content(request.auth, filters.community)
    board = boards.leaderboard(
        period=filters.period, community=community, limit=filters.limit, cursor=filters.cursor
    )
    return LeaderboardOut(items=[_rank_out(r) for r in board.rows], next=board.next_cursor)


@router.get("/top3", response={200: Top3Out, ERRORS: ErrorOut})
def top3(request: AuthedRequest) -> Top3Out:
    """The last completed week's top 3 (ties included), frozen on Monday morning."""
    top = boards.top3_current(limit=boards.MAX_LIMIT)
    return Top3Out(week_start=top.week_start, items=[_rank_out(r) for r in top.rows])


@router.get("/people/{username}/badges", response={200: BadgesOut, ERRORS: ErrorOut})
def people_badges(request: AuthedRequest, username: UsernamePath) -> BadgesOut:
    """The person's badges, newest first."""
    person = access_person(request.auth, username)
    return BadgesOut(
        items=[
            BadgeOut(code=b.code, name=b.name, why=b.why, tag=b.tag, awarded_at=b.awarded_at)
            for b in person_badges(request.auth, person)
        ]
    )
