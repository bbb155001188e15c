"""The badge rule that reads acceptance, which rucher.qa owns (registered by QaConfig.ready)."""

from datetime import datetime

from rucher.accounts.models import User
from rucher.qa.models import Question
from rucher.recognition.badges import Award


def first_accepted_answer(person: User, now: datetime) -> list[Award]:
    # The person's comments (author index) joined to questions on accepted_comment (FK index).
    found = (
        Question.objects.filter(accepted_comment__author=person.pk)
        .exclude(post__author=person.pk)
        .exists()
    )
    return [Award("first_accepted_answer")] if found else []
