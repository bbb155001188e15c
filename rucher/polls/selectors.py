"""Reads of polls: results (names only in public polls) and a community's Polls tab."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.content.access import readable_posts
from rucher.polls.models import Ballot, Poll
from rucher.polls.services import voter_key


@dataclass
class Choice:
    label: str
    votes: int
    percent: int
    voters: list[User] = field(default_factory=list)


@dataclass
class Results:
    poll: Poll
    choices: list[Choice]
    voters: int
    closed: bool
    my_choices: list[int]


def results(poll: Poll, viewer: User, *, names: bool = True) -> Results:
    mine = (
        Ballot.objects.filter(poll=poll, voter_key=voter_key(poll.pk, viewer.pk))
        .values_list("choices", flat=True)
        .first()
    )
    total = max(poll.voter_count, 1)
    out = [
        Choice(label, poll.counts[i], round(100 * poll.counts[i] / total))
        for i, label in enumerate(poll.choices)
    ]
    if names and not poll.anonymous:
        for ballot in Ballot.objects.filter(poll=poll, person__isnull=False).select_related(
            "person"
        )[:1000]:
            for i in ballot.choices:
                out[i].voters.append(ballot.person)
    return Results(poll, out, poll.voter_count, poll.is_closed, list(mine or []))


def community_polls(viewer: User, community: Community, *, limit: int = 50) -> QuerySet[Poll]:
    """The newest polls asked in the community whose post the viewer may read."""
    return (
        Poll.objects.filter(community=community, post__in=readable_posts(viewer))
        .select_related("community")
        .order_by("-created_at", "-id")[:limit]
    )
