"""The demo events and polls load, and loading them again adds nothing."""

import pytest

from rucher.accounts.demo import demo_load
from rucher.agenda.demo import demo_agenda_load
from rucher.agenda.models import Event, Rsvp
from rucher.content.demo import demo_content_load
from rucher.polls.demo import demo_polls_load
from rucher.polls.models import Poll

pytestmark = pytest.mark.django_db


def test_demo_events_and_polls_are_idempotent():
    demo_load()
    demo_content_load()
    first = demo_agenda_load()["events"]
    polls = demo_polls_load()["polls"]
    assert first > 0 and polls > 0
    assert Rsvp.objects.exists()
    assert Poll.objects.filter(anonymous=True, ballots__person__isnull=False).count() == 0
    assert demo_agenda_load()["events"] == 0
    assert demo_polls_load()["polls"] == 0
    assert Event.objects.count() == first
