"""The newcomer's checklist (F-PROFILE-COMPLETE): it reads the profile, the memberships and
the first contribution, so it sits with content, above accounts and communities."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rucher.accounts.models import User
from rucher.accounts.selectors import COMPLETE_PROFILE_THRESHOLD, charter_is_accepted
from rucher.content.access import member_community_ids
from rucher.content.models import Post
from rucher.core.prepared import prepared_rows


@dataclass
class ChecklistItem:
    key: str
    label: str | Promise
    done: bool
    url_name: str


JOIN_GOAL = 3


def _any_post(values: Mapping[str, Any]) -> QuerySet[Post, tuple[int]]:
    return Post.objects.filter(author=values["person"]).values_list("pk")[:1]


def newcomer_checklist(person: User) -> list[ChecklistItem]:
    """The newcomer's next steps (F-PROFILE-COMPLETE): one small query beyond the person and
    their memberships (read once per request by the access functions)."""
    joined = len(member_community_ids(person))
    # On every home page: compiled once per process (rucher.core.prepared).
    contributed = bool(prepared_rows("newcomers:contributed", _any_post, {"person": person.pk}))
    return [
        ChecklistItem(
            "charter", _("Accept the network charter"), charter_is_accepted(person), "charter"
        ),
        ChecklistItem("photo", _("Add a photo"), bool(person.photo), "profile_edit"),
        ChecklistItem(
            "profile",
            _("Complete your profile (%(pct)d%% or more)") % {"pct": COMPLETE_PROFILE_THRESHOLD},
            person.profile_completeness >= COMPLETE_PROFILE_THRESHOLD,
            "profile_edit",
        ),
        ChecklistItem("follow", _("Follow a colleague"), person.following_count > 0, "directory"),
        ChecklistItem(
            "communities",
            _("Join %(n)d communities") % {"n": JOIN_GOAL},
            joined >= JOIN_GOAL,
            "communities",
        ),
        ChecklistItem(
            "contribution", _("Make your first contribution"), contributed, "communities"
        ),
    ]
