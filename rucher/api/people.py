"""People: me, the directory, profiles, creating people, following (API.md, "People")."""

from typing import Annotated, Any, Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool, field_validator
from pydantic_core import PydanticCustomError

from rucher.accounts import selectors, services
from rucher.accounts.access import access_person
from rucher.accounts.models import User
from rucher.actions import people as people_actions
from rucher.api.auth import AuthedRequest
from rucher.api.errors import ApiError
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, InputSchema, QuerySchema, UsernamePath
from rucher.recognition.badges import person_badges
from rucher.recognition.models import PersonScore
from rucher.recognition.selectors import earned_skills, readable_evidence

router = Router(tags=["people"])

# Cheap bounds checked before the services, which apply the exact rules (20 entries of 50).
MAX_LIST_ENTRIES = 100
MAX_LIST_ENTRY_LENGTH = 100
ListEntry = Annotated[CleanStr, Field(max_length=MAX_LIST_ENTRY_LENGTH)]
EARNED_SKILLS_SHOWN = 20


class PersonSummaryOut(Schema):
    username: str
    display_name: str
    job_title: str
    department: str
    site: str
    photo_url: str | None
    expertise: list[str]
    following: bool


class PersonOut(Schema):
    """What any member sees of a colleague."""

    username: str
    display_name: str
    email: str
    job_title: str
    department: str
    site: str
    phone: str
    manager: str | None = Field(description="The manager's username.")
    bio: str
    expertise: list[str] = Field(description="Declared skills, as typed.")
    interests: list[str]
    offers: str
    reading: str
    photo_url: str | None
    follower_count: int
    following_count: int
    is_administrator: bool


class EarnedSkillOut(Schema):
    tag: str = Field(description="The tag's slug.")
    reputation: int


class ProfileOut(PersonOut):
    earned_skills: list[EarnedSkillOut] = Field(
        description="Skills earned from colleagues' likes and accepted answers, best first."
    )
    score: int = Field(description="Recognition points: the sum of the points ledger.")
    badges: list[str] = Field(
        description="Codes of the badges earned, newest first; a tag badge is `code:tag`"
        " (details: GET /people/{username}/badges)."
    )
    following: bool = Field(description="Whether the caller follows this person.")


class MeOut(PersonOut):
    language: str = Field(description='"fr", "en" or "" for the browser\'s language.')
    grammatical_gender: str = Field(
        description='"f", "m" or "" (neutral wording): how French text addressing the person '
        "agrees."
    )
    meet_opt_out: bool
    charter_accepted: bool
    profile_completeness: int = Field(ge=0, le=100)


class MeUpdateIn(InputSchema):
    """Send only what changes; a field left out is left alone (null is refused)."""

    display_name: CleanStr | None = Field(default=None, max_length=150)
    job_title: CleanStr | None = Field(default=None, max_length=150)
    department: CleanStr | None = Field(default=None, max_length=100)
    site: CleanStr | None = Field(default=None, max_length=100)
    phone: CleanStr | None = Field(default=None, max_length=40)
    bio: CleanStr | None = Field(default=None, max_length=4000)
    offers: CleanStr | None = Field(default=None, max_length=2000)
    reading: CleanStr | None = Field(default=None, max_length=2000)
    expertise: list[ListEntry] | None = Field(default=None, max_length=MAX_LIST_ENTRIES)
    interests: list[ListEntry] | None = Field(default=None, max_length=MAX_LIST_ENTRIES)
    language: Literal["", "fr", "en"] | None = None
    grammatical_gender: Literal["", "f", "m"] | None = None
    meet_opt_out: StrictBool | None = None
    manager: CleanStr | None = Field(
        default=None,
        max_length=150,
        description="Whom the caller reports to: a username (or a unique display name); "
        '"" for nobody.',
    )

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError("null", _("Leave the field out rather than sending null."))
        return value


class PersonCreateIn(InputSchema):
    username: CleanStr = Field(max_length=150)
    email: CleanStr = Field(max_length=254)
    password: CleanStr | None = Field(default=None, max_length=4096)
    display_name: CleanStr = Field(max_length=150)
    department: CleanStr = Field(default="", max_length=100)
    site: CleanStr = Field(default="", max_length=100)
    job_title: CleanStr = Field(default="", max_length=150)


class PeopleFilters(QuerySchema):
    q: CleanStr = Field(default="", max_length=200)
    department: CleanStr = Field(default="", max_length=100)
    site: CleanStr = Field(default="", max_length=100)
    skill: CleanStr = Field(default="", max_length=MAX_LIST_ENTRY_LENGTH)
    cursor: CleanStr | None = Field(default=None, max_length=1000)
    limit: int = Field(default=20, ge=1, le=100)


class PeoplePageOut(Schema):
    items: list[PersonSummaryOut]
    next: str | None


class FollowOut(Schema):
    following: bool
    follower_count: int


def _photo_url(person: User) -> str | None:
    return reverse("profile_photo", args=[person.username]) if person.photo else None


def _person_fields(person: User) -> dict[str, Any]:
    return {
        "username": person.username,
        "display_name": person.display_name,
        "email": person.email,
        "job_title": person.job_title,
        "department": person.department,
        "site": person.site,
        "phone": person.phone,
        "manager": person.manager.username if person.manager else None,
        "bio": person.bio,
        "expertise": services.person_expertise(person),
        "interests": list(person.interests or []),
        "offers": person.offers,
        "reading": person.reading,
        "photo_url": _photo_url(person),
        "follower_count": person.follower_count,
        "following_count": person.following_count,
        "is_administrator": person.is_administrator,
    }


def _me_out(person: User) -> MeOut:
    return MeOut(
        **_person_fields(person),
        language=person.language,
        grammatical_gender=person.grammatical_gender,
        meet_opt_out=person.meet_opt_out,
        charter_accepted=selectors.charter_is_accepted(person),
        profile_completeness=person.profile_completeness,
    )


def _profile_out(viewer: User, person: User, *, following: bool) -> ProfileOut:
    skills = [
        EarnedSkillOut(tag=s.slug, reputation=s.reputation)
        for s in earned_skills(viewer, person, limit=EARNED_SKILLS_SHOWN)
    ]
    score = PersonScore.objects.filter(person=person.pk).values_list("total", flat=True).first()
    badges = [
        f"{b.code}:{b.tag_slug}" if b.tag_slug else b.code for b in person_badges(viewer, person)
    ]
    return ProfileOut(
        **_person_fields(person),
        earned_skills=skills,
        score=score or 0,
        badges=badges,
        following=following,
    )


def _summary_out(person: User) -> PersonSummaryOut:
    return PersonSummaryOut(
        username=person.username,
        display_name=person.display_name,
        job_title=person.job_title,
        department=person.department,
        site=person.site,
        photo_url=_photo_url(person),
        expertise=services.person_expertise(person),  # prefetched by the selector
        following=getattr(person, "followed_by_me", False),
    )


@router.get("/me", response={200: MeOut, ERRORS: ErrorOut})
def me_get(request: AuthedRequest) -> MeOut:
    return _me_out(request.auth)


@router.patch("/me", response={200: MeOut, ERRORS: ErrorOut})
def me_update(request: AuthedRequest, payload: MeUpdateIn) -> MeOut:
    person = people_actions.profile_edit(
        person=request.auth, changes=payload.model_dump(exclude_unset=True)
    )
    return _me_out(person)


@router.get("/people", response={200: PeoplePageOut, ERRORS: ErrorOut})
def people_list(request: AuthedRequest, filters: Query[PeopleFilters]) -> PeoplePageOut:
    page = selectors.directory_page(
        viewer=request.auth,
        q=filters.q,
        department=filters.department,
        site=filters.site,
        skill=filters.skill,
        evidence=readable_evidence(request.auth),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return PeoplePageOut(items=[_summary_out(p) for p in page.items], next=page.next_cursor)


@router.post("/people", response={201: ProfileOut, ERRORS: ErrorOut})
def people_create(request: AuthedRequest, payload: PersonCreateIn) -> Status[ProfileOut]:
    if not request.auth.is_administrator:
        raise ApiError(403, "forbidden", _("Only administrators can create people."))
    person = people_actions.person_create(**payload.model_dump(), created_by=request.auth)
    return Status(201, _profile_out(request.auth, person, following=False))


@router.get("/people/{username}", response={200: ProfileOut, ERRORS: ErrorOut})
def people_detail(request: AuthedRequest, username: UsernamePath) -> ProfileOut:
    person = access_person(request.auth, username)
    return _profile_out(
        request.auth, person, following=selectors.is_following(request.auth, person)
    )


@router.post(
    "/people/{username}/follow", response={200: FollowOut, 201: FollowOut, ERRORS: ErrorOut}
)
def people_follow(request: AuthedRequest, username: UsernamePath) -> Status[FollowOut]:
    person = access_person(request.auth, username)
    created = services.follow_create(follower=request.auth, followee=person)
    person.refresh_from_db(fields=["follower_count"])
    return Status(
        201 if created else 200, FollowOut(following=True, follower_count=person.follower_count)
    )


@router.delete("/people/{username}/follow", response={200: FollowOut, ERRORS: ErrorOut})
def people_unfollow(request: AuthedRequest, username: UsernamePath) -> FollowOut:
    person = access_person(request.auth, username)
    services.follow_delete(follower=request.auth, followee=person)
    person.refresh_from_db(fields=["follower_count"])
    return FollowOut(following=False, follower_count=person.follower_count)
