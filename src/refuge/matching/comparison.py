"""How alike two names are, across scripts, spellings and word order; and the keys of a person's
name that record linkage compares and blocks on, as plain columns it can precompute."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz.distance import Indel, JaroWinkler

from refuge.domain import PersonName
from refuge.matching.names import (
    blocking_key,
    compound_affixes,
    consonant_key,
    name_key,
    skeleton,
    spell,
)
from refuge.matching.rulebook import name_rules

__all__ = [
    "NAME_KEY_COLUMNS",
    "PersonNameKeys",
    "key_similarity",
    "name_similarity",
    "person_name_keys",
]


@dataclass(frozen=True, slots=True)
class PersonNameKeys:
    """The keys of one person's name. `full` keeps the given-then-family order; `full_sorted`
    has the same words in alphabetical order, so it is equal for a name whose given and family
    parts were swapped. The `*_block` keys are consonant skeletons for blocking;
    `full_consonants` the coarser key that also forgets a word's first vowel."""

    given: str
    family: str
    full: str
    full_sorted: str
    given_block: str
    family_block: str
    full_block: str
    full_consonants: str

    def columns(self, prefix: str = "name_") -> dict[str, str]:
        """The keys as columns, e.g. {"name_given": ..., "name_full_sorted": ...}."""
        return {f"{prefix}{field}": getattr(self, field) for field in NAME_KEY_COLUMNS}


_MERGED_WORD_MIN = 0.85
# What two words with the same consonants in the same order but different vowels score at most.
_SKELETON_WEIGHT = 0.82

NAME_KEY_COLUMNS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(PersonNameKeys))


def person_name_keys(name: PersonName) -> PersonNameKeys:
    """Keys for a person's given, family and full name. The romanised form is used where the
    record has one, else the name as written (romanised here if in Perso-Arabic script).
    Compounds are never joined across the given/family boundary."""
    given, given_blocks, given_consonants = _part_keys(name.given_romanised or name.given)
    family, family_blocks, family_consonants = _part_keys(name.family_romanised or name.family)
    full = " ".join(part for part in (given, family) if part)
    # The full name's keys are its words' keys, sorted: made from the parts' words, they equal
    # blocking_key(full) and consonant_key(full) without keying any word twice.
    return PersonNameKeys(
        given=given,
        family=family,
        full=full,
        full_sorted=" ".join(sorted(full.split())),
        given_block=" ".join(given_blocks),
        family_block=" ".join(family_blocks),
        full_block=" ".join(sorted(given_blocks + family_blocks)),
        full_consonants=" ".join(sorted(given_consonants + family_consonants)),
    )


@lru_cache(maxsize=1 << 19)
def _part_keys(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """A name part's key, and its words' blocking and consonant keys (each sorted). Parts repeat
    across a national operation's lists far more than whole names do."""
    key = name_key(text)
    return key, tuple(blocking_key(key).split()), tuple(consonant_key(key).split())


def name_similarity(a: str, b: str) -> float:
    """How alike two names are, from 0 (nothing alike, or a name missing) to 1 (same key), in
    any script and either word order. Built on Jaro-Winkler between the words of the keys, each
    word matched with its best counterpart on the other side; words that differ only by an
    ending that makes another name (Hamid / Hamida) score low however alike their letters are."""
    return key_similarity(name_key(a), name_key(b))


def key_similarity(a: str, b: str) -> float:
    """`name_similarity` for two keys already made by `name_key` (for precomputed columns)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    left, right = a.split(), b.split()
    best = _aligned(left, right)
    # Two words on one side may be one word on the other (Noor Ahmad / Noorahmad).
    if len(left) > len(right):
        best = max([best, *(_aligned(merged, right) for merged in _merges(left, right))])
    elif len(right) > len(left):
        best = max([best, *(_aligned(left, merged) for merged in _merges(right, left))])
    return best


def _merges(words: Sequence[str], other: Sequence[str]) -> list[list[str]]:
    """`words` with two neighbours written as one, where the one word is nearly a word of
    `other`: by Indel, which unlike Jaro-Winkler gives no bonus for a shared beginning, so
    Mohammad Rahimi is not taken for a long spelling of Mohammad."""
    merges = []
    for i in range(len(words) - 1):
        joined = words[i] + words[i + 1]
        if max(Indel.normalized_similarity(joined, word) for word in other) >= _MERGED_WORD_MIN:
            merges.append([*words[:i], joined, *words[i + 2 :]])
    return merges


def _aligned(left: Sequence[str], right: Sequence[str]) -> float:
    """Symmetric Monge-Elkan: each word's best match on the other side, averaged over all the
    words of both sides, so a word missing on one side costs as much as a mismatched one."""
    total = sum(max(_word_similarity(x, y) for y in right) for x in left)
    total += sum(max(_word_similarity(x, y) for x in left) for y in right)
    return total / (len(left) + len(right))


def _word_similarity(x: str, y: str) -> float:
    if x == y:
        return 1.0
    x, y = _without_shared_affixes(x, y)
    # Vowels are where romanisations of one name differ most (Sadiqi from صدیقی, Sediqi on a
    # list), so agreeing consonants earn a good score even when the vowels disagree.
    score = max(
        float(JaroWinkler.similarity(x, y)),
        _SKELETON_WEIGHT * float(JaroWinkler.similarity(skeleton(x), skeleton(y))),
    )
    shorter, longer = (x, y) if len(x) <= len(y) else (y, x)
    endings, cap = _different_name_endings()
    if longer.startswith(shorter) and longer[len(shorter) :] in endings:
        return min(score, cap)
    return score


def _without_shared_affixes(x: str, y: str) -> tuple[str, str]:
    """Two compounds compared by what tells them apart: Abdul Rahman and Abdul Karim share
    "abdul", which Jaro-Winkler would otherwise reward as a long common beginning."""
    starts, ends = compound_affixes()
    for affix in starts:
        if x.startswith(affix) and y.startswith(affix) and x != affix and y != affix:
            x, y = x[len(affix) :], y[len(affix) :]
    for affix in ends:
        if x.endswith(affix) and y.endswith(affix) and x != affix and y != affix:
            x, y = x[: -len(affix)], y[: -len(affix)]
    return x, y


@cache
def _different_name_endings() -> tuple[frozenset[str], float]:
    rules = name_rules()
    endings = frozenset(spell(ending.lower()) for ending in rules.different_name_endings)
    return endings, rules.derived_name_score
