"""Name keys: every rule of rules/names.yaml on its own examples, hand-picked cases that show each
kind of rule does what it says and no more, and properties that hold for any text."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.matching import (
    blocking_key,
    canonical_word,
    consonant_key,
    name_key,
    normalise_name,
)
from refuge.matching.rulebook import name_rules, read_rule_file


def _rule_examples() -> list[Any]:
    """(rule label, a, b, same?) for every example of every rule in the data file."""
    rules = read_rule_file("names.yaml")
    entries: list[tuple[str, dict[str, Any]]] = []
    entries += [(f"title {t['title']}", t) for t in rules["titles"]]
    entries += [(f"variant {v['name']}", v) for v in rules["variants"]]
    entries += [("compound abdul", rules["compounds"]["abdul"])]
    entries += [(f"suffix {a['canonical']}", a) for a in rules["compounds"]["suffixes"]]
    entries += [(f"prefix {a['canonical']}", a) for a in rules["compounds"]["prefixes"]]
    entries += [(f"spelling {r['rule']}", r) for r in rules["spelling"]]
    cases = []
    for label, entry in entries:
        for a, b in entry.get("same", []):
            cases.append(pytest.param(a, b, True, id=f"{label}: {a} = {b}"))
        for a, b in entry.get("different", []):
            cases.append(pytest.param(a, b, False, id=f"{label}: {a} != {b}"))
    return cases


def test_every_rule_in_the_data_file_has_an_example_of_what_it_merges() -> None:
    rules = read_rule_file("names.yaml")
    entries = [
        *rules["titles"],
        *rules["variants"],
        rules["compounds"]["abdul"],
        *rules["compounds"]["suffixes"],
        *rules["compounds"]["prefixes"],
        *rules["spelling"],
    ]
    assert all(entry.get("same") for entry in entries)


@pytest.mark.parametrize(("a", "b", "same"), _rule_examples())
def test_rule_example(a: str, b: str, same: bool) -> None:
    assert (name_key(a) == name_key(b)) is same, (name_key(a), name_key(b))


# Variants


@pytest.mark.parametrize(
    "spelling", ["Mohammad", "Muhammad", "Mohammed", "Mohamad", "Mohd", "Md", "Mhd", "MOHAMMAD"]
)
def test_spellings_of_muhammad_share_one_key(spelling: str) -> None:
    assert name_key(spelling) == name_key("Muhammad")


def test_a_variant_fold_leaves_names_that_only_look_alike_apart() -> None:
    keys = {name_key(n) for n in ["Ahmad", "Mahmud", "Hamid", "Hamida", "Mohammad", "Mohammadi"]}
    assert len(keys) == 6


def test_derived_names_fold_with_their_stem_but_stay_apart_from_it() -> None:
    assert name_key("Mohammadi") == name_key("Muhammady") == name_key("Mohamadi")
    assert name_key("Ahmadzai") == name_key("Ahmedzay")
    assert name_key("Mohammadi") != name_key("Mohammad")


def test_said_is_sayed_but_saeed_is_another_name() -> None:
    assert name_key("Said") == name_key("Sayyid") == name_key("Syed") == name_key("Sayed")
    assert name_key("Saeed") == name_key("Saeid")
    assert name_key("Saeed") != name_key("Sayed")


# Titles


def test_titles_are_dropped_before_the_name() -> None:
    assert name_key("Haji Eng. Dr. Mohammad Rahimi") == name_key("Mohammad Rahimi")


def test_a_leading_title_is_kept_when_it_stands_after_the_name() -> None:
    assert name_key("Ahmad Haji") != name_key("Ahmad")


def test_sayed_is_a_title_before_a_longer_name_and_a_name_otherwise() -> None:
    assert name_key("Sayed Ahmad Hashimi") == name_key("Ahmad Hashimi")
    assert name_key("Sayed Hashimi") == name_key("Sayed") + " " + name_key("Hashimi")
    assert name_key("Sayed") != ""


def test_a_name_made_only_of_titles_is_kept() -> None:
    assert name_key("Haji") == "haji"
    assert name_key("Mr Haji") == "mr haji"


# Compounds


@pytest.mark.parametrize(
    "spelling",
    ["Abdul Rahman", "Abdulrahman", "Abdurrahman", "Abdul-Rahman", "Abd al-Rahman", "Abdel Rahman"],
)
def test_abdul_rahman_has_one_key_however_it_is_joined(spelling: str) -> None:
    assert name_key(spelling) == "abdulrahman"


def test_abdul_compounds_keep_the_name_after_abdul() -> None:
    assert name_key("Abdul Rahman") != name_key("Abdul Rahim")
    assert name_key("Abdul Rahman") != name_key("Rahman")
    assert name_key("Abdali") != name_key("Abdul Ali")


@pytest.mark.parametrize("spelling", ["Najibullah", "Najib Ullah", "Najibulla", "Najib-Allah"])
def test_ullah_compounds_have_one_key(spelling: str) -> None:
    assert name_key(spelling) == name_key("Najibullah")


def test_compounds_join_khan_jan_and_gul() -> None:
    assert name_key("Ahmad Khan Rahimi") == name_key("Ahmadkhan Rahimi")
    assert name_key("Ahmad Jan") == name_key("Ahmadjan")
    assert name_key("Gul Ahmad") == name_key("Gulahmad")
    assert name_key("Sher Gul Rahimi") == name_key("Shergul Rahimi")
    # First in a name Khan and Jan have nothing to join.
    assert name_key("Khan Mohammad") == "khan muhamad"


# Spelling rules


def test_spelling_rules_fold_the_usual_romanisation_differences() -> None:
    assert name_key("Yousuf Noori") == name_key("Yusuf Nuri")
    assert name_key("Naseer Ahmady") == name_key("Nasir Ahmadi")
    assert name_key("Vahid") == name_key("Wahid")
    assert name_key("Dhakir") == name_key("Zakir")
    assert name_key("Qasim") == name_key("Kasim")


def test_spelling_rules_do_not_merge_male_and_female_forms() -> None:
    for male, female in [("Hamid", "Hamida"), ("Karim", "Karima"), ("Jamil", "Jamila")]:
        assert name_key(male) != name_key(female)


# Cross-script


def test_perso_arabic_names_get_the_key_of_their_romanised_form() -> None:
    assert name_key("محمد رحیمی") == name_key("Mohammad Rahimi")
    assert name_key("عبدالرحمن") == name_key("Abdurrahman")
    assert name_key("نجیب الله احمدزی") == name_key("Najibullah Ahmadzai")
    assert name_key("حاجی محمد") == name_key("Mohammad")


def test_normalise_name_alone_ignores_perso_arabic_letters() -> None:
    assert normalise_name("محمد") == ""
    assert name_key("محمد") == "muhamad"


def test_case_accents_and_punctuation_do_not_change_the_key() -> None:
    assert name_key("  MOHAMMAD   rahimi. ") == name_key("Mohammad Rahimi")
    assert name_key("Sa'id") == name_key("Said")
    assert name_key("Moḥammad Raḥīmī") == name_key("Mohammad Rahimi")


def test_canonical_word_folds_one_word() -> None:
    assert canonical_word("mohd") == canonical_word("muhammad")


# Blocking


def test_blocking_key_survives_vowel_spelling_and_word_order() -> None:
    assert blocking_key(name_key("Mohammad Rahimi")) == blocking_key(name_key("Rahimi Mohammed"))
    assert blocking_key(name_key("Hamid")) == blocking_key(name_key("Hamed"))
    assert blocking_key(name_key("Hamid")) != blocking_key(name_key("Amid"))
    assert blocking_key("") == ""


def test_consonant_key_forgets_a_first_vowel_and_word_order() -> None:
    # Ismail / Esmail / Asmail: one Perso-Arabic initial, three romanised vowels.
    assert consonant_key(name_key("Ismail Nasiri")) == consonant_key(name_key("Nasiri Asmail"))
    assert consonant_key(name_key("Ikbal")) == consonant_key(name_key("Akbal"))
    assert blocking_key(name_key("Ikbal")) != blocking_key(name_key("Akbal"))
    assert consonant_key(name_key("Hamid")) != consonant_key(name_key("Amid"))
    assert consonant_key(name_key("Ali Ahmadi")) == "hmd l"
    assert consonant_key("") == ""


def test_every_variant_key_word_is_its_own_key() -> None:
    for variant in name_rules().variants:
        key = name_key(variant.key or variant.name)
        assert name_key(key) == key


# Properties

_NAME_ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzAEIOU -'.,")
    + ["Abdul", "ullah", "Haji", "Sayed", " Khan", " Jan", "Gul ", "Mohammad", "ud-din", "abd "]
)
_NAMEISH = st.lists(_NAME_ALPHABET, max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(_NAMEISH)
def test_keys_are_idempotent_on_name_like_text(text: str) -> None:
    key = name_key(text)
    assert name_key(key) == key


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_keys_are_idempotent_and_ascii_for_any_text(text: str) -> None:
    key = name_key(text)
    assert key.isascii()
    assert key == key.strip()
    assert "  " not in key
    assert name_key(key) == key
    assert blocking_key(key).isascii()
