"""Writes of polls: one transaction each (the poll's post is written by rucher.actions.polls
in the same transaction)."""

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.content.models import Post
from rucher.core.errors import Conflict
from rucher.polls.models import (
    MAX_CHOICE_LENGTH,
    MAX_CHOICES,
    MAX_QUESTION_LENGTH,
    MIN_CHOICES,
    Ballot,
    Poll,
)


def voter_key(poll_id: int, person_id: int) -> str:
    message = f"rucher.polls:{poll_id}:{person_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def poll_clean(
    *, question: str, choices: Sequence[Any], closes_at: datetime | None
) -> dict[str, Any]:
    """Checks a new poll; raises one ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    question = str(question or "").strip()
    if not question:
        errors["question"] = [_("A poll needs a question.")]
    elif len(question) > MAX_QUESTION_LENGTH:
        errors["question"] = [_("At most %(max)d characters.") % {"max": MAX_QUESTION_LENGTH}]
    labels = [str(c or "").strip() for c in choices]
    labels = [label for label in labels if label]
    if not MIN_CHOICES <= len(labels) <= MAX_CHOICES:
        errors["choices"] = [
            _("Between %(min)d and %(max)d choices.") % {"min": MIN_CHOICES, "max": MAX_CHOICES}
        ]
    elif len({label.casefold() for label in labels}) != len(labels):
        errors["choices"] = [_("Each choice must be different.")]
    elif any(len(label) > MAX_CHOICE_LENGTH for label in labels):
        errors["choices"] = [_("At most %(max)d characters.") % {"max": MAX_CHOICE_LENGTH}]
    if closes_at is not None:
        if timezone.is_naive(closes_at):
            closes_at = timezone.make_aware(closes_at)
        if closes_at <= timezone.now():
            errors["closes_at"] = [_("The closing date must be in the future.")]
    if errors:
        raise ValidationError(errors)
    return {"question": question, "choices": labels, "closes_at": closes_at}


def poll_create(
    *,
    post: Post,
    community: Community,
    clean: dict[str, Any],
    multiple: bool,
    anonymous: bool,
) -> Poll:
    return Poll.objects.create(
        post=post,
        community=community,
        question=clean["question"],
        choices=clean["choices"],
        counts=[0] * len(clean["choices"]),
        closes_at=clean["closes_at"],
        multiple=multiple,
        anonymous=anonymous,
    )


@transaction.atomic
def vote(*, person: User, poll_id: int, choices: Sequence[int]) -> Poll:
    """Casts or changes the person's ballot (an empty list withdraws it). The poll row is
    locked while its counts change, so concurrent ballots are all counted."""
    poll = Poll.objects.select_for_update().get(pk=poll_id)
    if poll.is_closed:
        raise Conflict(_("This poll is closed."), code="poll_closed")
    picked = sorted(set(choices))
    if any(not isinstance(i, int) or not 0 <= i < len(poll.choices) for i in picked):
        raise ValidationError({"choices": [_("This choice does not exist.")]})
    if len(picked) > 1 and not poll.multiple:
        raise ValidationError({"choices": [_("Only one choice in this poll.")]})
    key = voter_key(poll.pk, person.pk)
    ballot = Ballot.objects.filter(poll=poll, voter_key=key).first()
    counts = list(poll.counts)
    if ballot is not None:
        for i in ballot.choices:
            counts[i] -= 1
        poll.voter_count -= 1
    if picked:
        for i in picked:
            counts[i] += 1
        poll.voter_count += 1
        person_id = None if poll.anonymous else person.pk
        if ballot is None:
            Ballot.objects.create(poll=poll, voter_key=key, person_id=person_id, choices=picked)
        else:
            ballot.choices = picked
            ballot.save(update_fields=["choices", "updated_at"])
    elif ballot is not None:
        ballot.delete()
    poll.counts = counts
    poll.save(update_fields=["counts", "voter_count"])
    return poll


def polls_close_due(now: datetime | None = None) -> int:
    """The periodic job: polls whose closing date has passed are marked closed, at their
    closing date. One guarded UPDATE, so a repeated or concurrent run changes nothing twice;
    votes are refused from `closes_at` on whether or not this ran (Poll.is_closed)."""
    now = now or timezone.now()
    return Poll.objects.filter(closed_at__isnull=True, closes_at__lte=now).update(
        closed_at=F("closes_at")
    )
