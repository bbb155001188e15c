"""Earned skills: the expertise finder (API.md, "Questions": GET /experts?tag=)."""

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from rucher.api.auth import AuthedRequest
from rucher.api.errors import ApiError
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, QuerySchema
from rucher.core.text import normalise_tag
from rucher.recognition import selectors

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
    page = selectors.experts_page(tag=slug, cursor=filters.cursor, limit=filters.limit)
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
