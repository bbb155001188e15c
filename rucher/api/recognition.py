"""Earned skills: the expertise finder (API.md, "Questions": GET /experts?tag=); a person's
points ledger and public thanks (API.md, "Recognition")."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt

from rucher.accounts.access import access_person
from rucher.actions import kudos as kudos_actions
from rucher.api.auth import AuthedRequest
from rucher.api.content import PostOut, _read_post
from rucher.api.errors import ApiError
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, InputSchema, QuerySchema, UsernamePath
from rucher.communities import access as community_access
from rucher.core.text import normalise_tag
from rucher.recognition import kudos as kudos_services
from rucher.recognition import points, selectors

router = Router(tags=["questions"])


class ExpertsFilters(QuerySchema):
    tag: CleanStr = Field(max_length=100)
    cursor: CleanStr | None = Field(default=None, max_length=1000)
    limit: int = Field(default=20, ge=1, le=100)


class ExpertOut(Schema):
    username: str
    display_name: str
    reputation: int = Field(description="Earned reputation in the tag (0: declared only).")
    declared: bool = Field(description="Whether the person declared this skill.")


class ExpertsPageOut(Schema):
    items: list[ExpertOut]
    next: str | None


@router.get("/experts", response={200: ExpertsPageOut, ERRORS: ErrorOut})
def experts_list(request: AuthedRequest, filters: Query[ExpertsFilters]) -> ExpertsPageOut:
    """People only, best first: earned reputation in the tag, then declared expertise by name.
    Never content, so nothing of a community the caller cannot read shows through."""
    slug = normalise_tag(filters.tag)
    if not slug:
        raise ApiError(422, "invalid", _("Give a tag to find experts in."))
    page = selectors.experts_page(
        request.auth, tag=slug, cursor=filters.cursor, limit=filters.limit
    )
    return ExpertsPageOut(
        items=[
            ExpertOut(
                username=p.username,
                display_name=p.display_name,
                reputation=p.reputation,  # type: ignore[attr-defined]
                declared=p.declared,  # type: ignore[attr-defined]
            )
            for p in page.items
        ],
        next=page.next_cursor,
    )


# --- points and thanks (F-POINTS, F-RECOGNITION) ---------------------------------------------


class LedgerFilters(QuerySchema):
    cursor: CleanStr | None = Field(default=None, max_length=1000)
    limit: int = Field(default=20, ge=1, le=100)


class LedgerObjectOut(Schema):
    type: str = Field(description='"post" or "comment".')
    id: int
    post: int = Field(description="The post (itself, or the comment's post).")
    title: str
    url: str


class LedgerEntryOut(Schema):
    reason: str = Field(
        description="post, question, answer, comment, like_received, answer_accepted, "
        "first_contribution, kudos_received or event_attended."
    )
    points: int = Field(description="Negative for a withdrawal.")
    withdrawal: bool = Field(description="Whether this entry withdraws an earlier grant.")
    at: datetime
    object: LedgerObjectOut | None = Field(
        description="What earned it, only when the caller may read it (otherwise null)."
    )


class LedgerPageOut(Schema):
    total: int = Field(description="The person's score: the sum of their ledger.")
    items: list[LedgerEntryOut]
    next: str | None


class KudosIn(InputSchema):
    to: CleanStr = Field(max_length=150, description="The colleague's username.")
    message: CleanStr = Field(max_length=kudos_services.MAX_MESSAGE_LENGTH)
    community: CleanStr = Field(max_length=community_access.MAX_SLUG_LENGTH)
    value: StrictInt | CleanStr | None = Field(
        default=None,
        description="One of the organisation's active values, by name or id; required while "
        "any is active.",
    )


class KudosInfoOut(Schema):
    id: int
    to: str = Field(description="The receiver's username.")
    value: str | None


class KudosOut(PostOut):
    kudos: KudosInfoOut


@router.get(
    "/people/{username}/points",
    response={200: LedgerPageOut, ERRORS: ErrorOut},
    tags=["recognition"],
)
def people_points(
    request: AuthedRequest, username: UsernamePath, filters: Query[LedgerFilters]
) -> LedgerPageOut:
    """A person's points ledger, newest first, and their total. Any colleague may read it; an
    entry's object is given only when the caller may read it."""
    person = access_person(request.auth, username)
    page = points.points_ledger_page(
        request.auth, person, cursor=filters.cursor, limit=filters.limit
    )
    items = [
        LedgerEntryOut(
            reason=item.entry.reason,
            points=item.entry.points,
            withdrawal=item.withdrawn,
            at=item.entry.created_at,
            object=LedgerObjectOut(
                type=item.object_type,
                id=item.object_id or 0,
                post=item.post_id or 0,
                title=item.title,
                url=item.url,
            )
            if item.object_type
            else None,
        )
        for item in page.items
    ]
    return LedgerPageOut(total=points.points_total(person.pk), items=items, next=page.next_cursor)


class ValueOut(Schema):
    id: int
    name: str
    description: str


class ValuesOut(Schema):
    items: list[ValueOut] = Field(description="The active values, in the organisation's order.")
    next: str | None = Field(description="Always null: the list is short and comes whole.")


@router.get("/values", response={200: ValuesOut, ERRORS: ErrorOut}, tags=["recognition"])
def values_list(request: AuthedRequest) -> ValuesOut:
    """The organisation's values a public thanks may name (`value` of POST /kudos: a name or
    an id from here; required while any is active)."""
    return ValuesOut(
        items=[
            ValueOut(id=v.pk, name=v.name, description=v.description)
            for v in kudos_services.active_values()
        ],
        next=None,
    )


@router.post("/kudos", response={201: KudosOut, ERRORS: ErrorOut}, tags=["recognition"])
def kudos_create(request: AuthedRequest, payload: KudosIn) -> Status[KudosOut]:
    """Thank a colleague publicly in one of one's communities: 201 with the thanks post."""
    try:
        community = community_access.access_community(request.auth, payload.community)
    except Http404 as exc:  # unknown and unseeable are the same bad field
        raise ValidationError(
            {"community": [_("Unknown community: “%(slug)s”.") % {"slug": payload.community}]}
        ) from exc
    kudos = kudos_actions.kudos_give(
        giver=request.auth,
        community=community,
        to=payload.to,
        message=payload.message,
        value=payload.value,
    )
    post = _read_post(request, kudos.post_id)
    return Status(
        201,
        KudosOut(
            **post.model_dump(),
            kudos=KudosInfoOut(
                id=kudos.pk,
                to=kudos.receiver.username,
                value=kudos.value.name if kudos.value else None,
            ),
        ),
    )
