"""Demo polls: in each of the first demo communities, an open public poll, an anonymous one
and a closed one, with ballots. Idempotent (a poll is identified by its community and
question); written through the ORM, counts set from the ballots, no notification."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from rucher.communities.models import Community, Membership
from rucher.content.models import Post, PostCommunity
from rucher.core.markdown import render_markdown
from rucher.polls.models import Ballot, Poll
from rucher.polls.services import voter_key

POLLS = [
    # question, choices, anonymous, multiple, closes in days (None: never; <0: closed)
    (
        "Quel créneau pour la prochaine réunion ?",
        ["Mardi matin", "Jeudi midi", "Vendredi"],
        False,
        False,
        7,
    ),
    (
        "Êtes-vous satisfait de l’organisation actuelle ?",
        ["Oui", "Plutôt oui", "Plutôt non", "Non"],
        True,
        False,
        None,
    ),
    (
        "Quels thèmes pour le séminaire ?",
        ["Outils", "Méthodes", "Retours clients", "Convivialité"],
        False,
        True,
        -3,
    ),
]


@transaction.atomic
def demo_polls_load() -> dict[str, Any]:
    communities = list(Community.objects.order_by("slug")[:4])
    existing = set(Poll.objects.values_list("community_id", "question"))
    now = timezone.now()
    created = 0
    for community in communities:
        members = list(
            Membership.objects.filter(community=community, status=Membership.Status.MEMBER)
            .order_by("person_id")
            .values_list("person_id", flat=True)[:15]
        )
        for question, choices, anonymous, multiple, days in POLLS:
            if (community.pk, question) in existing or len(members) < 2:
                continue
            lines = "\n".join(f"- {c}" for c in choices)
            body = f"{lines}\n\n[Voter]({reverse('community_polls', args=[community.slug])})"
            post = Post.objects.create(
                author_id=members[0], title=question, body=body, body_html=render_markdown(body)
            )
            PostCommunity.objects.create(post=post, community=community, created_at=post.created_at)
            poll = Poll.objects.create(
                post=post,
                community=community,
                question=question,
                choices=choices,
                counts=[0] * len(choices),
                anonymous=anonymous,
                multiple=multiple,
                closes_at=None if days is None else now + timedelta(days=days),
            )
            ballots = []
            for i, pk in enumerate(members[1:]):
                picked = sorted(
                    {i % len(choices), (i * 3) % len(choices)} if multiple else {i % len(choices)}
                )
                for c in picked:
                    poll.counts[c] += 1
                ballots.append(
                    Ballot(
                        poll=poll,
                        voter_key=voter_key(poll.pk, pk),
                        person_id=None if anonymous else pk,
                        choices=picked,
                    )
                )
            Ballot.objects.bulk_create(ballots)
            poll.voter_count = len(ballots)
            poll.save(update_fields=["counts", "voter_count"])
            created += 1
    return {"polls": created}
