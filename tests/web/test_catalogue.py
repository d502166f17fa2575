"""The applicant page's catalogues: the same keys in every language, a message for every coarse
status, Dari and Pashto written right to left in Perso-Arabic script, and the language chosen
from the page's own switch before the browser's preference."""

from __future__ import annotations

import pytest

from refuge.accounts import CoarseStatus
from refuge.domain.people import Script, script_of
from refuge.web.catalogue import LANGUAGES, catalogue, choose_language


def test_every_catalogue_tells_every_coarse_status() -> None:
    for code in LANGUAGES:
        words = catalogue(code)
        for status in CoarseStatus:
            assert words(f"status.{status.value}").strip(), (code, status)


@pytest.mark.parametrize(("code", "lang"), [("fa", "fa-AF"), ("ps", "ps")])
def test_dari_and_pashto_are_right_to_left_in_their_own_words(code: str, lang: str) -> None:
    words = catalogue(code)
    english = catalogue("en")
    assert words.direction == "rtl"
    assert words.lang == lang
    for key, text in words.messages.items():
        assert script_of(text) is Script.ARABIC, (code, key)
        assert text != english(key)
    assert english.direction == "ltr"


def test_dari_and_pashto_are_not_one_catalogue_twice() -> None:
    dari, pashto = catalogue("fa"), catalogue("ps")
    same = [key for key in dari.messages if dari(key) == pashto(key)]
    assert same == []


def test_the_page_switch_wins_over_the_browser_and_unknown_falls_back_to_english() -> None:
    assert choose_language("ps", "fa-AF,fa;q=0.9") == "ps"
    assert choose_language(None, "fa-AF,fa;q=0.9,en;q=0.5") == "fa"
    assert choose_language(None, "prs") == "fa"
    assert choose_language(None, "de-DE,ps;q=0.8") == "ps"
    assert choose_language("xx", "de-DE") == "en"
    assert choose_language(None, None) == "en"
    assert catalogue("xx").code == "en"
