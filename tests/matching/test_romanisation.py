"""Romanisation of Perso-Arabic names into the Latin spelling Afghan documents use."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.matching import romanise
from refuge.matching.romanisation import lexicon

ZWNJ = "\u200c"


@pytest.mark.parametrize(
    ("written", "romanised"),
    [
        ("محمد", "Mohammad"),
        ("احمدی", "Ahmadi"),
        ("عبدالرحمن", "Abdul Rahman"),
        ("نجیب الله", "Najibullah"),
        ("رحیمی", "Rahimi"),
        ("محمد رحیمی", "Mohammad Rahimi"),
        ("عبدالله", "Abdullah"),
        ("فاطمه", "Fatima"),
    ],
)
def test_common_names_romanise_as_afghan_documents_spell_them(written: str, romanised: str) -> None:
    assert romanise(written) == romanised


@pytest.mark.parametrize(
    "written",
    ["نجیب الله", "نجیب" + ZWNJ + "الله", "نجیبالله"],
)
def test_ullah_compounds_join_however_they_are_spaced(written: str) -> None:
    assert romanise(written) == "Najibullah"


@pytest.mark.parametrize("written", ["عبدالرحمن", "عبد الرحمن", "عبد" + ZWNJ + "الرحمن"])
def test_abdul_compounds_keep_abdul_apart_from_the_name(written: str) -> None:
    assert romanise(written) == "Abdul Rahman"


def test_uddin_compounds_join() -> None:
    assert romanise("جلال الدین") == "Jalaluddin"
    assert romanise("صلاح‌الدين") == "Salahuddin"


def test_arabic_letter_forms_read_like_persian_ones() -> None:
    # Arabic ya, kaf and teh marbuta against Persian ya, kaf and he.
    assert romanise("علي") == romanise("علی") == "Ali"
    assert romanise("فاطمة") == romanise("فاطمه") == "Fatima"
    assert romanise("كريم") == romanise("کریم") == "Karim"


def test_pashto_letters_romanise() -> None:
    assert romanise("ملالۍ") == "Malalai"
    assert romanise("ګل") == "Gul"
    assert romanise("کاکړ") == "Kakar"
    assert romanise("پښتون") == "Pashtun"
    assert romanise("ټډړږښڼ") == "Tadrzhshn"
    assert romanise("ې").lower() == "e"


def test_persian_letters_romanise() -> None:
    assert romanise("پچژگ") == "Pachzhg"


def test_diacritics_and_tatweel_are_dropped() -> None:
    assert romanise("مُحَمَّد") == "Mohammad"
    assert romanise("محـــمد") == "Mohammad"


def test_suffixes_on_known_stems() -> None:
    assert romanise("کریمی") == "Karimi"
    assert romanise("رحیمه") == "Rahima"
    assert romanise("محمدزی") == "Mohammadzai"
    assert romanise("حسین" + ZWNJ + "زاده") == "Hussainzada"


def test_unknown_words_fall_back_to_letter_rules() -> None:
    # Not in the lexicon: consonants romanised, vowel letters by position.
    assert romanise("زرغونه") == "Zarghona"
    assert romanise("شریف" + "الله") == "Sharifullah"
    assert romanise("ولید") == "Walid"


def test_digits_become_ascii() -> None:
    assert romanise("۱۲۳۴۵۶۷۸۹۰") == "1234567890"
    assert romanise("١٢٣٤٥٦٧٨٩٠") == "1234567890"


def test_latin_text_keeps_its_letters_without_accents() -> None:
    assert romanise("Mohammad Rahimi") == "Mohammad Rahimi"
    assert romanise("Zoë  Müller") == "Zoe Muller"


def test_mixed_scripts_romanise_only_the_perso_arabic_words() -> None:
    assert romanise("Mohammad رحیمی") == "Mohammad Rahimi"


def test_arabic_presentation_forms_read_as_letters() -> None:
    assert romanise("\ufdf2") == "Allah"  # the Allah ligature


def test_every_lexicon_entry_is_ascii_and_reached_by_its_own_spelling() -> None:
    text = resources.files("refuge.matching").joinpath("rules/lexicon.yaml").read_text("utf-8")
    words = yaml.safe_load(text)["words"]
    assert len(lexicon()) > 150
    for written, romanised in words.items():
        assert romanised.isascii(), romanised
        assert romanise(written) == romanised, written


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_romanise_never_crashes_and_is_always_ascii(text: str) -> None:
    assert romanise(text).isascii()


_PERSO_ARABIC = st.text(
    alphabet=st.sampled_from(
        list("ابپتټثجچحخځڅدډذرړزژږسشښصضطظعغفقکګگلمنڼوهیېۍيكةى ًٌٍَُِّ") + [ZWNJ, " "]
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(_PERSO_ARABIC)
def test_perso_arabic_text_romanises_to_ascii_letters_and_spaces(text: str) -> None:
    result = romanise(text)
    assert all(char.isascii() and (char.isalpha() or char == " ") for char in result)
    assert bool(result.strip()) == any(char.isalpha() for char in text)


def test_two_known_names_written_without_a_space_are_split() -> None:
    assert romanise("محمدنبی") == "Mohammad Nabi"
    assert romanise("گلاحمد") == "Gul Ahmad"


def test_a_final_alef_reads_as_the_alef_maqsura_it_often_replaces() -> None:
    assert romanise("مرتضا") == romanise("مرتضی") == "Murtaza"


def test_vowel_carriers_in_context() -> None:
    assert romanise("ذبیع") == "Zabi"  # ain after a long vowel is silent
    assert romanise("رضایی") == "Razai"  # -ایی is -ai
    assert romanise("همت") == "Hamt"  # a short vowel after the first consonant, even he
    assert romanise("نوید") == "Nawid"  # waw before a vowel letter is w
    assert romanise("هوتک") == "Hotak"
