"""Polls (API.md, "Community toolbox": F-POLLS)."""

from datetime import datetime

from ninja import Field, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from rucher.actions import polls as poll_actions
from rucher.api.auth import AuthedRequest
from rucher.api.content import SlugPath
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, IdPath, InputSchema
from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.core.errors import NotFound
from rucher.polls import selectors, services
from rucher.polls.access import access_poll
from rucher.polls.models import MAX_QUESTION_LENGTH

router = Router(tags=["polls"])


class ChoiceOut(Schema):
    label: str
    votes: int
    voters: list[str] | None = Field(
        None, description="Usernames of who chose it; null in anonymous polls."
    )


class PollOut(Schema):
    id: int
    post_id: int
    community: str
    question: str
    multiple: bool
    anonymous: bool
    closes_at: datetime | None
    closed: bool
    choices: list[ChoiceOut]
    voters: int
    my_choices: list[int]


class PollIn(InputSchema):
    question: CleanStr = Field(max_length=MAX_QUESTION_LENGTH)
    # Counted and checked by the service (400 with a clear message, not a 422).
    choices: list[CleanStr] = Field(max_length=100)
    multiple: StrictBool = False
    anonymous: StrictBool = False
    closes_at: datetime | None = None


class VoteIn(InputSchema):
    choices: list[StrictInt] = Field(max_length=20)


def _out(request: AuthedRequest, poll_id: int) -> PollOut:
    poll = access_poll(request.auth, poll_id)
    res = selectors.results(poll, request.auth)
    return PollOut(
        id=poll.pk,
        post_id=poll.post_id,
        community=poll.community.slug,
        question=poll.question,
        multiple=poll.multiple,
        anonymous=poll.anonymous,
        closes_at=poll.closes_at,
        closed=res.closed,
        choices=[
            ChoiceOut(
                label=c.label,
                votes=c.votes,
                voters=None if poll.anonymous else [p.username for p in c.voters],
            )
            for c in res.choices
        ],
        voters=res.voters,
        my_choices=res.my_choices,
    )


@router.post("/communities/{slug}/polls", response={201: PollOut, ERRORS: ErrorOut})
def poll_create(request: AuthedRequest, slug: SlugPath, payload: PollIn) -> Status[PollOut]:
    community = community_access.access_community_tab(request.auth, slug, Community.Tab.POLLS)
    if not community_access.is_member(request.auth, community):
        raise NotFound
    poll = poll_actions.poll_ask(author=request.auth, community=community, **payload.model_dump())
    return Status(201, _out(request, poll.pk))


@router.get("/polls/{poll_id}", response={200: PollOut, ERRORS: ErrorOut})
def poll_get(request: AuthedRequest, poll_id: IdPath) -> PollOut:
    return _out(request, poll_id)


@router.post("/polls/{poll_id}/vote", response={200: PollOut, ERRORS: ErrorOut})
def poll_vote(request: AuthedRequest, poll_id: IdPath, payload: VoteIn) -> PollOut:
    poll = access_poll(request.auth, poll_id)
    services.vote(person=request.auth, poll_id=poll.pk, choices=payload.choices)
    return _out(request, poll_id)
