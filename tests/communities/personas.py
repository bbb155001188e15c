"""One community of each visibility, with a person in every position around it."""

from dataclasses import dataclass, field

from rucher.accounts.models import User
from rucher.communities import services
from rucher.communities.models import Community, Membership
from rucher.core.factories import PersonFactory

VISIBILITIES = ("open", "private", "secret")
# Who stands where around each community (the administrator has no membership at all).
POSITIONS = (
    "anonymous",
    "outsider",
    "requester",
    "member",
    "ambassador",
    "manager",
    "owner",
    "administrator",
    "leaver",
    # A member a manager removed (moderation): a ban, they read nothing of the community, not
    # even an open one's content, and cannot rejoin alone.
    "removed",
)


@dataclass
class World:
    people: dict[str, User] = field(default_factory=dict)
    communities: dict[str, Community] = field(default_factory=dict)


def build_world(admin_user: User) -> World:
    world = World()
    for position in POSITIONS:
        if position == "anonymous":
            continue
        if position == "administrator":
            world.people[position] = admin_user
        else:
            world.people[position] = PersonFactory(
                username=position, display_name=position.capitalize()
            )
    p = world.people
    for visibility in VISIBILITIES:
        community = services.community_create(
            creator=p["owner"],
            name=f"{visibility.capitalize()} club",
            kind="interest",
            visibility=visibility,
            description="About *us*",
        )
        for position, role in (
            ("manager", "manager"),
            ("ambassador", "ambassador"),
            ("member", "member"),
            ("leaver", "member"),
            ("removed", "member"),
        ):
            services.membership_set_role(
                actor=p["owner"], community=community, person=p[position], role=role
            )
        # A pending request, whatever the visibility (e.g. left from before a visibility change).
        Membership.objects.create(
            community=community,
            person=p["requester"],
            role=Membership.Role.MEMBER,
            status=Membership.Status.REQUESTED,
        )
        services.community_leave(person=p["leaver"], community=community)
        services.membership_remove(actor=p["owner"], community=community, person=p["removed"])
        community.refresh_from_db()
        world.communities[visibility] = community
    return world
