"""Validation of user text and tag normalisation."""

import pytest
from django.core.exceptions import ValidationError

from rucher.core.text import check_clean_text, normalise_tag


def test_it_accepts_ordinary_text_with_newlines_and_tabs():
    assert check_clean_text("Bonjour,\n\tça va ?\r\n") == "Bonjour,\n\tça va ?\r\n"


@pytest.mark.parametrize("bad", ["a\x00b", "\x07bell", "esc\x1b[31m", "\x0b"])
def test_it_rejects_nul_and_control_characters(bad):
    with pytest.raises(ValidationError) as info:
        check_clean_text(bad)
    assert info.value.code == "control_characters"


def test_it_rejects_text_over_the_max_length():
    with pytest.raises(ValidationError) as info:
        check_clean_text("x" * 11, max_length=10)
    assert info.value.code == "max_length"


def test_it_accepts_text_at_the_max_length():
    assert check_clean_text("x" * 10, max_length=10) == "x" * 10


@pytest.mark.parametrize(
    ("raw", "tag"),
    [
        ("Python", "python"),
        ("  #Python  ", "python"),
        ("Lean   management", "lean-management"),
        ("# Data Science ", "data-science"),
        ("Qualité ISO 9001", "qualite-iso-9001"),
    ],
)
def test_it_normalises_tags(raw, tag):
    assert normalise_tag(raw) == tag


def test_it_gives_one_spelling_for_variants():
    assert len({normalise_tag(v) for v in ["Python", "python", " PYTHON", "#python"]}) == 1


def test_it_accepts_only_keys_that_can_name_an_object():
    from rucher.core.text import is_lookup_key

    assert is_lookup_key("camille.martin", max_length=150)
    assert not is_lookup_key("", max_length=150)
    assert not is_lookup_key("a" * 151, max_length=150)
    assert not is_lookup_key("bob\x00", max_length=150)
