"""Reads about people: the current charter (cached) and the newcomer checklist."""

from rucher.accounts import services
from rucher.accounts.selectors import charter_is_accepted, current_charter
from rucher.content.newcomers import newcomer_checklist
from rucher.core.factories import PersonFactory


def test_it_caches_the_current_charter(db, django_assert_num_queries):
    assert current_charter().version == 1
    with django_assert_num_queries(0):
        assert current_charter().version == 1


def test_it_sees_a_new_charter_after_commit(admin_user, django_capture_on_commit_callbacks):
    assert current_charter().version == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.charter_publish(author=admin_user, text_fr="v2", text_en="")
    assert current_charter().version == 2


def test_it_knows_who_accepted_the_charter(db):
    assert not charter_is_accepted(PersonFactory(accepted_charter_version=0))
    assert charter_is_accepted(PersonFactory(accepted_charter_version=1))


def test_it_lists_newcomer_steps(db):
    person = PersonFactory(accepted_charter_version=0)
    assert [(i.key, i.done) for i in newcomer_checklist(person)] == [
        ("charter", False),
        ("photo", False),
        ("profile", False),
        ("follow", False),
        ("communities", False),
        ("contribution", False),
    ]
