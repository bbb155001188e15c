"""People and communities for the French browser journeys (modules marked `french`)."""

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.communities.services import community_create
from rucher.core.factories import PersonFactory


def personne(username: str, display_name: str, **fields) -> User:
    """A person who chose French, so that every page they see after logging in is French."""
    return PersonFactory(username=username, display_name=display_name, language="fr", **fields)


def communaute(
    owner: User,
    name: str,
    slug: str,
    *,
    visibility: str = Community.Visibility.OPEN,
    hours: int | None = None,
) -> Community:
    """A community for mutual help, open unless told otherwise, answering within `hours`
    working hours when given."""
    return community_create(
        creator=owner,
        name=name,
        slug=slug,
        kind=Community.Kind.EXPERTISE,
        visibility=visibility,
        description="Entraide.",
        answer_promise_hours=hours,
    )
