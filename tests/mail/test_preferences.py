"""Email preferences: defaults, changes (all or nothing), the cheap reads digests use, and
unsubscribe tokens."""

import pytest
from django.core.exceptions import ValidationError

from rucher.core.factories import PersonFactory
from rucher.mail import preferences
from rucher.mail.models import EmailPreference

pytestmark = pytest.mark.django_db


def test_defaults(member):
    deliveries = preferences.deliveries_for(member)
    assert set(deliveries) == set(preferences.preference_kinds())
    for kind in ("mention", "answer", "comment", "reply", "question_routed", "question_due"):
        assert deliveries[kind] == "immediate", kind
    assert deliveries["announcement"] == "immediate"
    # Thanks and badges are best felt while fresh.
    assert (deliveries["kudos"], deliveries["badge"]) == ("immediate", "immediate")
    for kind in ("like", "join_request", "read_reminder", "weekly_top"):
        assert deliveries[kind] == "weekly", kind
    assert deliveries["digest"] == "weekly"
    assert not EmailPreference.objects.exists()


def test_changes_are_stored_and_read_back(member, colleague):
    result = preferences.preferences_set(
        person=member, changes={"like": "immediate", "digest": "daily", "mention": "never"}
    )
    assert (result["like"], result["digest"], result["mention"]) == ("immediate", "daily", "never")
    assert preferences.delivery_for(member, "like") == "immediate"
    assert preferences.delivery_for(member.pk, "comment") == "immediate"
    assert preferences.delivery_for(colleague, "like") == "weekly"
    preferences.preferences_set(person=member, changes={"like": "weekly"})
    assert preferences.delivery_for(member, "like") == "weekly"
    assert EmailPreference.objects.filter(person=member).count() == 3


@pytest.mark.parametrize(
    "changes",
    [
        {"like": "daily", "nonsense": "weekly"},
        {"like": "daily", "mention": "sometimes"},
        {"like": "daily", "digest": "immediate"},
        {"like": "daily", "comment": None},
        {"like": "daily", "comment": 3},
    ],
)
def test_a_bad_change_saves_nothing(member, changes):
    with pytest.raises(ValidationError) as caught:
        preferences.preferences_set(person=member, changes=changes)
    bad = next(k for k in changes if k != "like")
    assert list(caught.value.message_dict) == [bad]
    assert not EmailPreference.objects.exists()


def test_deliveries_among_many_people_in_one_query(member, colleague, django_assert_num_queries):
    preferences.preferences_set(person=member, changes={"like": "daily"})
    with django_assert_num_queries(1):
        result = preferences.deliveries_among([member.pk, colleague.pk], "like")
    assert result == {member.pk: "daily", colleague.pk: "weekly"}


def test_people_with_delivery(member, colleague, departed, django_assert_num_queries):
    no_address = PersonFactory(email="")
    preferences.preferences_set(person=member, changes={"digest": "daily"})
    preferences.preferences_set(person=no_address, changes={"digest": "daily"})
    with django_assert_num_queries(1):
        daily = set(preferences.people_with_delivery("digest", "daily"))
    assert daily == {member}
    weekly = set(preferences.people_with_delivery("digest", "weekly"))
    assert colleague in weekly
    assert member not in weekly and departed not in weekly and no_address not in weekly


def test_outbox_kinds_map_to_preferences():
    assert preferences.preference_kind("mention") == "mention"
    assert preferences.preference_kind("digest_daily") == "digest"
    assert preferences.preference_kind("digest_weekly") == "digest"
    assert preferences.preference_kind("account") is None


def test_unsubscribe_tokens(member):
    token = preferences.unsubscribe_token(person_id=member.pk, kind="like")
    assert preferences.unsubscribe_token_read(token) == (member.pk, "like")
    assert preferences.unsubscribe_target(token) == (member, "like")
    # Tampered, another salt, unknown kind, junk.
    assert preferences.unsubscribe_token_read(token[:-2] + "xx") is None
    # Another person's payload under this token's signature.
    other_payload = preferences.unsubscribe_token(person_id=member.pk + 1, kind="like")
    forged = other_payload.split(":")[0] + ":" + token.split(":")[1]
    assert forged != token
    assert preferences.unsubscribe_token_read(forged) is None
    from django.core import signing

    other = signing.Signer(salt="other").sign_object([member.pk, "like"])
    assert preferences.unsubscribe_token_read(other) is None
    bad_kind = signing.Signer(salt=preferences.UNSUBSCRIBE_SALT).sign_object([member.pk, "x"])
    assert preferences.unsubscribe_token_read(bad_kind) is None
    assert preferences.unsubscribe_token_read("") is None
    assert preferences.unsubscribe_token_read("a" * 1000) is None


def test_an_unsubscribe_token_of_a_departed_person_does_nothing(departed):
    token = preferences.unsubscribe_token(person_id=departed.pk, kind="like")
    assert preferences.unsubscribe_target(token) is None


def test_the_defaults_are_the_essential_preset(member):
    assert preferences.preset_of(preferences.deliveries_for(member)) == "essential"


@pytest.mark.parametrize("preset", ["all", "essential", "daily", "pause"])
def test_each_preset_sets_every_kind_to_an_allowed_delivery(member, preset):
    chosen = preferences.preset_deliveries(preset)
    assert set(chosen) == set(preferences.preference_kinds())
    for kind, delivery in chosen.items():
        assert delivery in preferences.allowed_deliveries(kind), (preset, kind)
    assert preferences.preset_of(preferences.preferences_set(person=member, changes=chosen)) == (
        preset
    )


def test_what_the_presets_mean():
    everything = preferences.preset_deliveries("all")
    assert everything["like"] == everything["weekly_top"] == "immediate"
    assert everything["digest"] == "weekly"
    daily = preferences.preset_deliveries("daily")
    assert daily["mention"] == daily["like"] == daily["digest"] == "daily"
    assert set(preferences.preset_deliveries("pause").values()) == {"never"}
    with pytest.raises(ValueError):
        preferences.preset_deliveries("sometimes")


def test_one_changed_kind_makes_the_preferences_custom(member):
    preferences.preferences_set(person=member, changes={"like": "daily"})
    assert preferences.preset_of(preferences.deliveries_for(member)) == "custom"
