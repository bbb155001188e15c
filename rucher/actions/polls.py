"""Asking a poll: its post (so it shows in the stream) and the poll, in one transaction."""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.actions.posts import post_publish
from rucher.communities.models import Community
from rucher.polls import services
from rucher.polls.models import Poll


@transaction.atomic
def poll_ask(
    *,
    author: User,
    community: Community,
    question: str,
    choices: Sequence[str],
    multiple: bool = False,
    anonymous: bool = False,
    closes_at: datetime | None = None,
) -> Poll:
    clean = services.poll_clean(question=question, choices=choices, closes_at=closes_at)
    lines = "\n".join(f"- {label}" for label in clean["choices"])
    # The post links to the community's Polls tab (the poll's own id is not known yet).
    link = reverse("community_polls", args=[community.slug])
    post = post_publish(
        author=author,
        communities=[community],
        title=clean["question"],
        body=f"{lines}\n\n[{_('Vote in the poll.')}]({link})",
    )
    return services.poll_create(
        post=post, community=community, clean=clean, multiple=multiple, anonymous=anonymous
    )
