"""Thanking a colleague publicly, with the thanks' post in search."""

from typing import Any

from django.db import transaction

from rucher.recognition import kudos as recognition_kudos
from rucher.recognition.models import Kudos
from rucher.search import services as search


@transaction.atomic
def kudos_give(**fields: Any) -> Kudos:
    """rucher.recognition.kudos.kudos_give (which validates and writes the thanks' post and
    points), then the post's search entry: thanks are posts like any other kind."""
    kudos = recognition_kudos.kudos_give(**fields)
    search.index_post(post=kudos.post, created=True)
    return kudos
