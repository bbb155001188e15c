"""Communities: browse, create, read, edit, join, leave, members, requests (API.md)."""

from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import StrictBool, StrictInt, field_validator
from pydantic_core import PydanticCustomError

from rucher.accounts.access import access_person
from rucher.actions import communities as community_actions
from rucher.actions import memberships
from rucher.api.auth import AuthedRequest
from rucher.api.errors import ApiError
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, InputSchema, QuerySchema, UsernamePath
from rucher.communities import access, selectors, services
from rucher.communities.models import Community, Membership
from rucher.core.markdown import render_markdown
from rucher.mail.posting import posting_address_for

router = Router(tags=["communities"])

KindIn = Literal["thematic", "practice", "expertise", "interest", "project", "process"]
VisibilityIn = Literal["open", "private", "secret"]
RoleIn = Literal["owner", "manager", "ambassador", "member"]
SlugPath = Annotated[CleanStr, Path(max_length=access.MAX_SLUG_LENGTH)]


class CommunityOut(Schema):
    slug: str
    name: str
    description: str
    description_html: str = Field(description="The description rendered from Markdown.")
    kind: str
    visibility: str
    objectives: str
    rules: str
    answer_promise_hours: int | None = Field(
        description="Every question answered within this many working hours (F-COMMUNITY-GOALS)."
    )
    member_count: int
    default_role: str = Field(description='"welcome", "help" or "" (F-DEFAULT-COMMUNITIES).')
    created_at: datetime
    my_role: str | None = Field(description="The caller's role, when they have a link.")
    my_status: str | None = Field(
        description='"member", "requested", "invited", "removed" (by a manager) or null.'
    )
    can_read: bool = Field(description="Whether the caller may read the stream and members.")
    can_manage: bool
    cover_url: str | None = Field(
        description="The cover image (a 3:1 JPEG band), for whoever may see the community; "
        "null when it has none. Accepts the Bearer token."
    )
    email_address: str | None = Field(
        description="The caller's own address for posting to this community by email "
        "(F-POST-BY-EMAIL): members only; null for others, or when they turned it off."
    )


class CommunitySummaryOut(Schema):
    slug: str
    name: str
    kind: str
    visibility: str
    member_count: int
    answer_promise_hours: int | None
    my_role: str | None
    my_status: str | None


class CommunityPageOut(Schema):
    items: list[CommunitySummaryOut]
    next: str | None


class CommunityFilters(QuerySchema):
    kind: KindIn | None = None
    mine: bool = False
    cursor: CleanStr | None = Field(default=None, max_length=1000)
    limit: int = Field(default=20, ge=1, le=100)


class PageFilters(QuerySchema):
    cursor: CleanStr | None = Field(default=None, max_length=1000)
    limit: int = Field(default=20, ge=1, le=100)


class CommunityCreateIn(InputSchema):
    name: CleanStr = Field(max_length=100)
    slug: CleanStr | None = Field(default=None, max_length=60)
    description: CleanStr = Field(default="", max_length=10000)
    kind: KindIn
    visibility: VisibilityIn
    objectives: CleanStr = Field(default="", max_length=4000)
    rules: CleanStr = Field(default="", max_length=10000)
    # Range checked by the service (400 naming the field), as the web form does.
    answer_promise_hours: StrictInt | None = None


class CommunityUpdateIn(InputSchema):
    """Send only what changes; `answer_promise_hours: null` removes the promise."""

    name: CleanStr | None = Field(default=None, max_length=100)
    description: CleanStr | None = Field(default=None, max_length=10000)
    kind: KindIn | None = None
    visibility: VisibilityIn | None = None
    objectives: CleanStr | None = Field(default=None, max_length=4000)
    rules: CleanStr | None = Field(default=None, max_length=10000)
    answer_promise_hours: StrictInt | None = None

    @field_validator(
        "name", "description", "kind", "visibility", "objectives", "rules", mode="before"
    )
    @classmethod
    def _refuse_null(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError("null", _("Leave the field out rather than sending null."))
        return value


class MembershipOut(Schema):
    status: str | None = Field(description='"member", "requested", "invited" or null.')
    role: str | None
    member_count: int


class MemberOut(Schema):
    username: str
    display_name: str
    role: str
    status: str


class MemberPageOut(Schema):
    items: list[MemberOut]
    next: str | None


class MemberSetIn(InputSchema):
    username: CleanStr = Field(max_length=150)
    role: RoleIn = "member"
    invite: StrictBool = Field(
        default=False,
        description="Invite (the person accepts by joining) instead of adding at once.",
    )


class DecisionOut(Schema):
    username: str
    status: Literal["member", "rejected"]


def _community_out(request: AuthedRequest, community: Community) -> CommunityOut:
    return CommunityOut(
        slug=community.slug,
        name=community.name,
        description=community.description,
        description_html=render_markdown(community.description),
        kind=community.kind,
        visibility=community.visibility,
        objectives=community.objectives,
        rules=community.rules,
        answer_promise_hours=community.answer_promise_hours,
        member_count=community.member_count,
        default_role=community.default_role,
        created_at=community.created_at,
        my_role=getattr(community, "my_role", None),
        my_status=getattr(community, "my_status", None),
        can_read=access.can_read_content(request.auth, community),
        can_manage=access.can_manage(request.auth, community),
        cover_url=_cover_url(community),
        email_address=(
            posting_address_for(person=request.auth, community=community)
            if access.is_member(request.auth, community)
            else None
        ),
    )


def _cover_url(community: Community) -> str | None:
    if not community.cover:
        return None
    # The file's name changes with each upload: a new cover is never served from a cache.
    version = quote(community.cover.name or "")
    return f"{reverse('community_cover', args=[community.slug])}?v={version}"


def _summary_out(community: Community) -> CommunitySummaryOut:
    return CommunitySummaryOut(
        slug=community.slug,
        name=community.name,
        kind=community.kind,
        visibility=community.visibility,
        member_count=community.member_count,
        answer_promise_hours=community.answer_promise_hours,
        my_role=getattr(community, "my_role", None),
        my_status=getattr(community, "my_status", None),
    )


def _member_out(membership: Membership) -> MemberOut:
    return MemberOut(
        username=membership.person.username,
        display_name=membership.person.display_name,
        role=membership.role,
        status=membership.status,
    )


def _reload(request: AuthedRequest, slug: str) -> Community:
    return access.access_community(request.auth, slug)


@router.get("/communities", response={200: CommunityPageOut, ERRORS: ErrorOut})
def communities_list(request: AuthedRequest, filters: Query[CommunityFilters]) -> CommunityPageOut:
    page = selectors.communities_visible_to(
        request.auth,
        kind=filters.kind,
        mine=filters.mine,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return CommunityPageOut(items=[_summary_out(c) for c in page.items], next=page.next_cursor)


@router.post("/communities", response={201: CommunityOut, ERRORS: ErrorOut})
def communities_create(request: AuthedRequest, payload: CommunityCreateIn) -> Status[CommunityOut]:
    community = community_actions.community_create(creator=request.auth, **payload.model_dump())
    return Status(201, _community_out(request, _reload(request, community.slug)))


@router.get("/communities/{slug}", response={200: CommunityOut, ERRORS: ErrorOut})
def communities_detail(request: AuthedRequest, slug: SlugPath) -> CommunityOut:
    return _community_out(request, access.access_community(request.auth, slug))


@router.post("/communities/{slug}/cover", response={200: CommunityOut, ERRORS: ErrorOut})
def communities_cover_set(
    request: AuthedRequest, slug: SlugPath, file: File[UploadedFile]
) -> CommunityOut:
    """Managers upload the cover (multipart `file`): re-encoded as a 3:1 JPEG band."""
    community = access.access_community(request.auth, slug, for_manage=True)
    services.community_cover_set(actor=request.auth, community=community, upload=file)
    return _community_out(request, _reload(request, slug))


@router.delete("/communities/{slug}/cover", response={200: CommunityOut, ERRORS: ErrorOut})
def communities_cover_remove(request: AuthedRequest, slug: SlugPath) -> CommunityOut:
    community = access.access_community(request.auth, slug, for_manage=True)
    services.community_cover_remove(actor=request.auth, community=community)
    return _community_out(request, _reload(request, slug))


@router.patch("/communities/{slug}", response={200: CommunityOut, ERRORS: ErrorOut})
def communities_update(
    request: AuthedRequest, slug: SlugPath, payload: CommunityUpdateIn
) -> CommunityOut:
    community = access.access_community(request.auth, slug, for_manage=True)
    community_actions.community_edit(
        actor=request.auth, community=community, changes=payload.model_dump(exclude_unset=True)
    )
    return _community_out(request, _reload(request, slug))


@router.post(
    "/communities/{slug}/join",
    response={200: MembershipOut, 201: MembershipOut, ERRORS: ErrorOut},
)
def communities_join(request: AuthedRequest, slug: SlugPath) -> Status[MembershipOut]:
    community = access.access_community(request.auth, slug)
    before = getattr(community, "my_status", None)
    try:
        membership = memberships.community_join(person=request.auth, community=community)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "removed":
            raise ApiError(403, "removed", exc.messages[0]) from exc
        raise
    community.refresh_from_db(fields=["member_count"])
    return Status(
        200 if before == membership.status else 201,
        MembershipOut(
            status=membership.status, role=membership.role, member_count=community.member_count
        ),
    )


@router.post("/communities/{slug}/leave", response={200: MembershipOut, ERRORS: ErrorOut})
def communities_leave(request: AuthedRequest, slug: SlugPath) -> MembershipOut:
    community = access.access_community(request.auth, slug)
    try:
        services.community_leave(person=request.auth, community=community)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "last_owner":
            raise ApiError(409, "last_owner", exc.messages[0]) from exc
        raise
    community.refresh_from_db(fields=["member_count"])
    return MembershipOut(status=None, role=None, member_count=community.member_count)


@router.get("/communities/{slug}/members", response={200: MemberPageOut, ERRORS: ErrorOut})
def communities_members(
    request: AuthedRequest, slug: SlugPath, filters: Query[PageFilters]
) -> MemberPageOut:
    community = access.access_community_content(request.auth, slug)
    page = selectors.members_page(community, cursor=filters.cursor, limit=filters.limit)
    return MemberPageOut(items=[_member_out(m) for m in page.items], next=page.next_cursor)


@router.post(
    "/communities/{slug}/members",
    response={200: MemberOut, 201: MemberOut, ERRORS: ErrorOut},
)
def communities_member_set(
    request: AuthedRequest, slug: SlugPath, payload: MemberSetIn
) -> Status[MemberOut]:
    community = access.access_community(request.auth, slug, for_manage=True)
    try:
        person = access_person(request.auth, payload.username)
    except Http404 as exc:  # an unknown person is a bad field, not a missing page
        raise ValidationError({"username": [_("Unknown person.")]}) from exc
    membership, created = memberships.membership_set_role(
        actor=request.auth,
        community=community,
        person=person,
        role=payload.role,
        invite=payload.invite,
    )
    return Status(201 if created else 200, _member_out(membership))


@router.delete(
    "/communities/{slug}/members/{username}",
    response={204: None, ERRORS: ErrorOut},
    summary="Remove a member (managers)",
)
def communities_member_remove(
    request: AuthedRequest, slug: SlugPath, username: UsernamePath
) -> Status[None]:
    """The person loses access at once, cannot rejoin alone and loses the points earned in the
    community. 404 for whoever may not read the community, or a person who is not a member;
    403 for members who do not manage it (and for an owner, unless the caller is an owner);
    409 for oneself or the last owner."""
    community = access.access_community_content(request.auth, slug)
    if not access.can_manage(request.auth, community):
        raise ApiError(403, "forbidden", _("Only the community's managers can remove members."))
    person = access_person(request.auth, username)
    try:
        memberships.membership_remove(actor=request.auth, community=community, person=person)
    except ValidationError as exc:
        code = getattr(exc, "code", None) or "conflict"
        raise ApiError(403 if code == "owner_only" else 409, code, exc.messages[0]) from exc
    return Status(204, None)


@router.get(
    "/communities/{slug}/requests",
    response={200: MemberPageOut, ERRORS: ErrorOut},
    summary="Pending join requests (managers)",
)
def communities_requests(request: AuthedRequest, slug: SlugPath) -> MemberPageOut:
    """An extension of the contract: what a manager decides on, oldest first."""
    community = access.access_community(request.auth, slug, for_manage=True)
    return MemberPageOut(
        items=[_member_out(m) for m in selectors.pending_requests(community)], next=None
    )


def _decide(request: AuthedRequest, slug: str, username: str, *, approve: bool) -> DecisionOut:
    community = access.access_community(request.auth, slug, for_manage=True)
    person = access_person(request.auth, username)
    if approve:
        memberships.request_approve(actor=request.auth, community=community, person=person)
    else:
        memberships.request_reject(actor=request.auth, community=community, person=person)
    return DecisionOut(username=person.username, status="member" if approve else "rejected")


@router.post(
    "/communities/{slug}/requests/{username}/approve",
    response={200: DecisionOut, ERRORS: ErrorOut},
)
def communities_request_approve(
    request: AuthedRequest, slug: SlugPath, username: UsernamePath
) -> DecisionOut:
    return _decide(request, slug, username, approve=True)


@router.post(
    "/communities/{slug}/requests/{username}/reject",
    response={200: DecisionOut, ERRORS: ErrorOut},
)
def communities_request_reject(
    request: AuthedRequest, slug: SlugPath, username: UsernamePath
) -> DecisionOut:
    return _decide(request, slug, username, approve=False)
