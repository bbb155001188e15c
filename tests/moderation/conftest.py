"""The world of communities (one per visibility, a person in every position) and its posts."""

from tests.communities.personas import build_world
from tests.moderation.helpers import make_post
from tests.shared import shared_fixture


@shared_fixture
def world(admin_user):
    return build_world(admin_user)


@shared_fixture
def posts(world):
    """One post per visibility, written by the member."""
    return {
        visibility: make_post(world.people["member"], community, title=f"{visibility} post")
        for visibility, community in world.communities.items()
    }
