"""The rule files are checked when loaded: a broken rule fails with the file and entry named."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from refuge.domain import InvalidConfiguration
from refuge.matching import names
from refuge.matching.rulebook import (
    name_rules,
    parse_name_rules,
    read_rule_file,
    romanisation_rules,
)


def _names_data() -> dict[str, Any]:
    return copy.deepcopy(read_rule_file("names.yaml"))


def test_the_shipped_rule_files_load() -> None:
    assert len(name_rules().variants) >= 20
    assert len(romanisation_rules().words) >= 150


def test_a_regular_expression_that_does_not_compile_is_refused() -> None:
    data = _names_data()
    data["spelling"][0]["pattern"] = "(unclosed"
    with pytest.raises(InvalidConfiguration, match=r"rules/names\.yaml.*spelling\.0\.pattern"):
        parse_name_rules(data)


def test_an_unknown_field_is_refused() -> None:
    data = _names_data()
    data["titles"][0]["position"] = "leading"
    with pytest.raises(InvalidConfiguration, match=r"titles\.0\.position"):
        parse_name_rules(data)


def test_a_spelling_listed_under_two_variants_is_refused() -> None:
    data = _names_data()
    data["variants"][1]["spellings"].append("Mohd")  # Mohd is Muhammad's
    with pytest.raises(InvalidConfiguration, match="Mohd.*two variants"):
        names._compile(parse_name_rules(data))


def test_a_key_word_that_another_variant_would_take_is_refused() -> None:
    data = _names_data()
    saeed = next(v for v in data["variants"] if v["name"] == "Saeed")
    del saeed["key"]  # "Saeed" is spelled "said", which is Sayed's
    with pytest.raises(InvalidConfiguration, match="key word"):
        names._compile(parse_name_rules(data))


def test_abd_prefixes_without_a_common_root_are_refused() -> None:
    data = _names_data()
    data["compounds"]["abdul"]["prefixes"].append("Ab")
    with pytest.raises(InvalidConfiguration, match="root"):
        names._compile(parse_name_rules(data))
