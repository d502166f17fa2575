"""Matching: name normalisation for romanised and Perso-Arabic Dari, Pashto and Arabic names,
name similarity across scripts, and the name keys record linkage compares and blocks on."""

from refuge.matching.comparison import (
    NAME_KEY_COLUMNS,
    PersonNameKeys,
    key_similarity,
    name_similarity,
    person_name_keys,
)
from refuge.matching.names import blocking_key, canonical_word, name_key, normalise_name
from refuge.matching.romanisation import romanise

__all__ = [
    "NAME_KEY_COLUMNS",
    "PersonNameKeys",
    "blocking_key",
    "canonical_word",
    "key_similarity",
    "name_key",
    "name_similarity",
    "normalise_name",
    "person_name_keys",
    "romanise",
]
