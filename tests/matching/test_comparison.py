"""Name similarity across scripts, spellings and word order, and the name keys of a person."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.domain import PersonName
from refuge.matching import (
    NAME_KEY_COLUMNS,
    key_similarity,
    name_key,
    name_similarity,
    person_name_keys,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mohammad Rahimi", "Muhammad Rahimi"),
        ("Mohd Rahimi", "Mohammed Rahimy"),
        ("محمد رحیمی", "Mohammad Rahimi"),
        ("عبدالرحمن احمدزی", "Abdurrahman Ahmedzai"),
        ("Noor Ahmad", "Noorahmad"),
        ("Haji Najib Ullah", "Najibullah"),
    ],
)
def test_spellings_and_scripts_of_one_name_are_fully_similar(a: str, b: str) -> None:
    assert name_similarity(a, b) == 1.0


def test_swapped_given_and_family_name_stays_fully_similar() -> None:
    assert name_similarity("Mohammad Rahimi", "Rahimi Mohammad") == 1.0
    assert name_similarity("محمد رحیمی", "Rahimi, Mohammed") == 1.0


def test_a_small_spelling_difference_stays_highly_similar() -> None:
    assert name_similarity("Mohammad Rahimi", "Mohammad Rahimee") == 1.0  # ee/i
    assert name_similarity("Mohammad Rahimi", "Mohammad Rahini") > 0.9


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ahmad", "Mahmud"),
        ("Hamid", "Hamida"),
        ("Rahim", "Rahimi"),
        ("Najib", "Najibullah"),
        ("Mohammad", "Mahmud"),
        ("Abdul Rahman", "Abdul Karim"),
    ],
)
def test_distinct_names_score_clearly_below_spellings_of_one_name(a: str, b: str) -> None:
    assert name_similarity(a, b) <= 0.85
    assert name_similarity(a, b) < name_similarity(a, a) - 0.15


def test_male_and_female_forms_stay_apart_in_full_names() -> None:
    same_person = name_similarity("Hamid Rahimi", "Hamid Rahimy")
    sister = name_similarity("Hamid Rahimi", "Hamida Rahimi")
    assert same_person == 1.0
    assert sister < 0.85


def test_a_missing_name_part_lowers_similarity() -> None:
    assert name_similarity("Mohammad", "Mohammad Rahimi") < 0.9
    assert name_similarity("Mohammad Nabi Rahimi", "Mohammad Rahimi") < 1.0
    assert name_similarity("Mohammad Nabi Rahimi", "Mohammad Rahimi") > name_similarity(
        "Mohammad Nabi Rahimi", "Ahmad Karimi"
    )


def test_an_empty_name_is_similar_to_nothing() -> None:
    assert name_similarity("", "Mohammad") == 0.0
    assert name_similarity("", "") == 0.0
    assert name_similarity("...", "...") == 0.0


def test_key_similarity_on_precomputed_keys_agrees_with_name_similarity() -> None:
    a, b = "محمد رحیمی", "Rahimi Mohd"
    assert key_similarity(name_key(a), name_key(b)) == name_similarity(a, b)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_similarity_is_a_symmetric_score_between_0_and_1(a: str, b: str) -> None:
    score = name_similarity(a, b)
    assert 0.0 <= score <= 1.0
    assert score == pytest.approx(name_similarity(b, a))


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=30))
def test_a_name_is_fully_similar_to_itself(text: str) -> None:
    assert name_similarity(text, text) == (1.0 if name_key(text) else 0.0)


# Person name keys


def test_person_keys_match_across_scripts() -> None:
    written = person_name_keys(PersonName.written("محمد", "رحیمی"))
    latin = person_name_keys(PersonName("Mohammed", "Rahimy"))
    assert written == latin
    assert written.given == "muhamad"
    assert written.full == "muhamad rahimi"


def test_swapped_given_and_family_share_the_sorted_full_key() -> None:
    straight = person_name_keys(PersonName("Mohammad", "Rahimi"))
    swapped = person_name_keys(PersonName("Rahimi", "Mohammad"))
    assert straight.full != swapped.full
    assert straight.full_sorted == swapped.full_sorted
    assert straight.full_block == swapped.full_block


def test_person_keys_prefer_the_recorded_romanisation() -> None:
    name = PersonName.written("ګل", "احمدزی", romanised=("Gul Agha", "Ahmadzai"))
    keys = person_name_keys(name)
    assert keys.given == name_key("Gul Agha")
    assert keys.family == name_key("Ahmadzai")


def test_compounds_do_not_join_across_given_and_family_name() -> None:
    keys = person_name_keys(PersonName("Sher Gul", "Khan"))
    assert keys.given == name_key("Shergul")
    assert keys.family == "khan"
    assert keys.full == name_key("Shergul") + " khan"


def test_person_keys_give_one_column_per_key() -> None:
    columns = person_name_keys(PersonName("Mohammad", "Rahimi")).columns()
    assert list(columns) == [f"name_{field}" for field in NAME_KEY_COLUMNS]
    assert columns["name_family_block"] == "rhm"
    assert person_name_keys(PersonName("Mohammad", "Rahimi")).columns(prefix="l_")["l_given"] == (
        "muhamad"
    )
