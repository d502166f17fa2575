"""Names kept as written and romanised; full names split; fathers' names found."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.domain import InvalidInput, Script
from refuge.intake import NameOrder, parse_name, parse_written_name


def test_a_perso_arabic_name_is_kept_as_written_and_romanised() -> None:
    result = parse_name("محمد", "رحیمی")
    name, father = result.value

    assert (name.given, name.family) == ("محمد", "رحیمی")
    assert name.script is Script.ARABIC
    assert (name.given_romanised, name.family_romanised) == ("Mohammad", "Rahimi")
    assert father is None
    assert result.warnings == ()


def test_a_latin_name_is_its_own_romanisation_accents_and_all() -> None:
    name, _ = parse_name("Zoë", "Müller").value

    assert name.script is Script.LATIN
    assert (name.given_romanised, name.family_romanised) == ("Zoë", "Müller")


def test_whitespace_and_invisible_marks_are_cleaned_but_letters_kept() -> None:
    name, _ = parse_name("  Ahmad\u200f  Shah ", "Karimi\t").value

    assert (name.given, name.family) == ("Ahmad Shah", "Karimi")


def test_a_full_name_is_split_at_its_last_word_with_a_warning() -> None:
    result = parse_name(full="Abdul Rahman Karimi")
    name, _ = result.value

    assert (name.given, name.family) == ("Abdul Rahman", "Karimi")
    assert result.warnings == ("full name split at its last word into given and family name",)


def test_a_full_name_written_family_first_with_a_comma() -> None:
    name, _ = parse_name(full="Karimi, Ahmad").value

    assert (name.given, name.family) == ("Ahmad", "Karimi")


def test_a_one_word_name_is_a_given_name() -> None:
    result = parse_name(full="گلالی")
    name, _ = result.value

    assert (name.given, name.family) == ("گلالی", "")
    assert name.given_romanised.isascii()
    assert name.given_romanised
    assert result.warnings == ("one-word name read as a given name",)


def test_a_fathers_name_written_into_the_full_name_is_taken_out() -> None:
    name, father = parse_name(full="احمد کریمی ولد محمد").value

    assert (name.given, name.family) == ("احمد", "کریمی")
    assert father is not None
    assert (father.written, father.romanised) == ("محمد", "Mohammad")

    _, father = parse_name(full="Ahmad Karimi s/o Mohammad").value
    assert father is not None
    assert father.written == "Mohammad"


def test_given_and_family_columns_win_over_a_full_name() -> None:
    name, _ = parse_name("Ahmad", "Karimi", "Something Else").value

    assert (name.given, name.family) == ("Ahmad", "Karimi")


def test_no_name_at_all_is_refused() -> None:
    with pytest.raises(InvalidInput, match="no name"):
        parse_name(" ", None, "")


def test_digits_in_a_name_are_a_warning() -> None:
    assert parse_name("Ahmad2", "Karimi").warnings == ("name contains digits",)


def test_a_fathers_name_column() -> None:
    father = parse_written_name("د پلار", what="father's name").value

    assert father is not None
    assert father.written == "د پلار"
    assert parse_written_name("").value is None


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40), st.text(max_size=60))
def test_any_name_is_read_or_refused_cleanly_and_reading_again_changes_nothing(
    given_name: str, family: str, full: str
) -> None:
    try:
        name, _ = parse_name(given_name, family, full).value
    except InvalidInput:
        return
    again, _ = parse_name(name.given, name.family).value
    assert again == name


def test_a_family_name_in_capitals_comes_first_whatever_the_order() -> None:
    result = parse_name(full="KARIMI Ahmad Shah")
    name, _ = result.value

    assert (name.given, name.family) == ("Ahmad Shah", "KARIMI")
    assert result.warnings == ("full name read as family name in capitals, then given name",)


def test_a_list_that_writes_family_names_first_is_split_after_the_first_word() -> None:
    name, _ = parse_name(full="Иванов Иван Петрович", order=NameOrder.FAMILY_FIRST).value

    assert (name.given, name.family) == ("Иван Петрович", "Иванов")
    assert name.script is Script.OTHER
    assert name.given_romanised == ""  # Refuge romanises Perso-Arabic, not Cyrillic
