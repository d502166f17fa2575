"""Comparison keys for romanised Dari, Pashto and Arabic names: titles dropped, spelling variants
folded, compounds joined, following rules/names.yaml; and blocking keys made from them.

A key is lower-case ASCII words separated by single spaces. Keys are idempotent (the key of a key
is itself), so they can be stored as precomputed columns and compared with plain equality.

The steps, in order:
1. accents, apostrophes and punctuation go; multi-word compound parts (ud-din) are joined;
2. titles are dropped (Haji, Eng., a leading Sayed before a longer name);
3. each word is split into compound parts (Abdurrahman: Abdul + Rahman; Najibullah: Najib +
   ullah) and each name part is folded to its key word (variants, then spelling rules);
4. the parts are joined again in one way: abdulrahman, najibula, gulahmad, ahmadjan;
and again from 1. on the result until it no longer changes.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from refuge.domain import InvalidConfiguration
from refuge.matching.romanisation import romanise
from refuge.matching.rulebook import NameRules, name_rules

__all__ = [
    "blocking_key",
    "canonical_word",
    "consonant_key",
    "compound_affixes",
    "name_key",
    "normalise_name",
    "skeleton",
    "spell",
]

_APOSTROPHES = re.compile("['`\u2018\u2019\u02bb\u02bc\u02be\u02bf\u00b4]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_MAX_SPELLING_PASSES = 10
_MAX_KEY_PASSES = 4
# Letters dropped from a word to make its consonant skeleton for blocking.
# h stays: it stands for two letters of its own (ح, ه) and tells Hamid from Amid.
_SKELETON_DROPS = frozenset("aeiouyw")
_SUN_LETTER = re.compile(r"[aeiou](sh|[tdszrn])(.+)")
_ARTICLE_L = re.compile(r"[aeiou]l(.+)")
_ASSIMILATED = re.compile(r"[aeiou]([a-z])(?=\1)(.+)")
_LINK_VOWEL = re.compile(r"[aeiou](.+)")


class _Kind(enum.Enum):
    WORD = "word"
    ABD = "abd"  # "Abd" awaiting the name it is the servant of
    ARTICLE = "article"  # al, ur, ... after a stand-alone Abd: dropped
    SUFFIX = "suffix"  # joins the word before it
    PREFIX = "prefix"  # joins the word after it when first, else the one before


@dataclass(frozen=True, slots=True)
class _Part:
    kind: _Kind
    text: str


@dataclass(frozen=True, slots=True)
class _Title:
    words: frozenset[str]
    where: str
    keep_unless_followed_by: int


@dataclass(frozen=True, slots=True)
class _Affix:
    spelling: str
    key: str
    inside: bool


@dataclass(frozen=True, slots=True)
class _Compiled:
    spelling: tuple[tuple[re.Pattern[str], str], ...]
    variants: dict[str, str]  # spelling as written -> key word
    folded_variants: dict[str, str]  # spelling after the spelling rules -> key word
    derived: tuple[tuple[str, str], ...]  # longest first
    titles: tuple[_Title, ...]
    title_words: frozenset[str]
    abd_root: str
    abd_key: str
    abd_prefixes: frozenset[str]
    articles: frozenset[str]
    not_compounds: frozenset[str]
    suffixes: tuple[_Affix, ...]  # longest spelling first
    prefixes: dict[str, str]
    multiword: tuple[tuple[re.Pattern[str], str], ...]


def _plain(text: str) -> str:
    """Lower-case ASCII letters and digits, accents and apostrophes dropped, words spaced."""
    if text.isascii():
        ascii_only = _APOSTROPHES.sub("", text).lower()
    else:
        decomposed = _APOSTROPHES.sub("", unicodedata.normalize("NFKD", text))
        ascii_only = "".join(char for char in decomposed if char.isascii()).lower()
    return _NOT_ALNUM.sub(" ", ascii_only).strip()


def _apply_spelling(word: str, rules: Sequence[tuple[re.Pattern[str], str]]) -> str:
    for _ in range(_MAX_SPELLING_PASSES):
        before = word
        for pattern, replace in rules:
            word = pattern.sub(replace, word)
        if word == before:
            return word
    return word


def _compile(data: NameRules) -> _Compiled:
    spelling = tuple((re.compile(rule.pattern), rule.replace) for rule in data.spelling)

    def spell_(text: str) -> str:
        return _apply_spelling(_plain(text).replace(" ", ""), spelling)

    variants: dict[str, str] = {}
    folded: dict[str, str] = {}
    for variant in data.variants:
        key = _plain(variant.key).replace(" ", "") if variant.key else spell_(variant.name)
        for written in (*variant.spellings, variant.name, variant.key):
            if not written:
                continue
            plain = _plain(written).replace(" ", "")
            if variants.setdefault(plain, key) != key:
                raise InvalidConfiguration(
                    f"matching rule file rules/names.yaml: spelling {written!r} is listed under "
                    f"two variants"
                )
            folded.setdefault(spell_(written), key)
        variants.setdefault(key, key)
    folded = {**folded, **variants}

    derived = tuple(
        sorted(
            ((_plain(k), spell_(v)) for k, v in data.derived_suffixes.items()),
            key=lambda pair: -len(pair[0]),
        )
    )
    abdul = data.compounds.abdul
    prefixes = [_plain(p) for p in abdul.prefixes]
    root = os.path.commonprefix(prefixes)
    if len(root) < 3:
        raise InvalidConfiguration(
            "matching rule file rules/names.yaml: compounds.abdul.prefixes must share a root "
            "of three letters or more"
        )
    suffixes = sorted(
        (
            _Affix(_plain(written).replace(" ", ""), spell_(affix.canonical), affix.inside)
            for affix in data.compounds.suffixes
            for written in affix.spellings
        ),
        key=lambda affix: -len(affix.spelling),
    )
    multiword = tuple(
        (re.compile(r"\b" + r"[\s-]+".join(map(re.escape, parts)) + r"\b"), "".join(parts))
        for affix in data.compounds.suffixes
        for written in affix.spellings
        if len(parts := re.split(r"[\s-]+", written.lower())) > 1
    )
    compiled = _Compiled(
        spelling=spelling,
        variants=variants,
        folded_variants=folded,
        derived=derived,
        titles=(),
        title_words=frozenset(),
        abd_root=root,
        abd_key=spell_(prefixes[0]),
        abd_prefixes=frozenset(prefixes),
        articles=frozenset(_plain(a) for a in abdul.articles),
        not_compounds=frozenset(_plain(w) for w in abdul.not_compounds),
        suffixes=tuple(suffixes),
        prefixes={
            _plain(written): spell_(affix.canonical)
            for affix in data.compounds.prefixes
            for written in affix.spellings
        },
        multiword=multiword,
    )
    titles = tuple(
        _Title(
            frozenset(_canonical(compiled, _plain(w).replace(" ", "")) for w in title.spellings),
            title.where,
            title.keep_unless_followed_by,
        )
        for title in data.titles
    )
    title_words = frozenset(word for title in titles for word in title.words)
    compiled = dataclasses.replace(compiled, titles=titles, title_words=title_words)
    _check_keys_are_fixed(compiled)
    return compiled


def _check_keys_are_fixed(compiled: _Compiled) -> None:
    """A key word must fold to itself, or keys would change when keyed again."""
    for key in set(compiled.variants.values()):
        if _canonical(compiled, key) != key:
            raise InvalidConfiguration(
                f"matching rule file rules/names.yaml: key word {key!r} folds to "
                f"{_canonical(compiled, key)!r}; give the variant a `key` that does not"
            )


@cache
def _rules() -> _Compiled:
    return _compile(name_rules())


def compound_affixes() -> tuple[frozenset[str], frozenset[str]]:
    """The key forms of compound parts that start a key word (abdul, gul) and that end one
    (ula, udin, khan, jan): shared by many different names, so weak evidence of a match."""
    rules = _rules()
    starts = frozenset({rules.abd_key, *rules.prefixes.values()})
    ends = frozenset(affix.key for affix in rules.suffixes)
    return starts, ends


def spell(word: str) -> str:
    """`word` after the spelling rules alone (lower-case ASCII in, lower-case ASCII out)."""
    return _apply_spelling(word, _rules().spelling)


def canonical_word(word: str) -> str:
    """The key word for one plain lower-case word: its variant's key, else its spelling form."""
    return _canonical_cached(word)


@lru_cache(maxsize=1 << 16)
def _canonical_cached(word: str) -> str:
    return _canonical(_rules(), word)


def _canonical(rules: _Compiled, word: str) -> str:
    known = rules.variants.get(word) or _derived(rules.variants, rules, word)
    if known:
        return known
    spelled = _apply_spelling(word, rules.spelling)
    return (
        rules.folded_variants.get(spelled)
        or _derived(rules.folded_variants, rules, spelled)
        or spelled
    )


def _derived(table: dict[str, str], rules: _Compiled, word: str) -> str:
    for suffix, key in rules.derived:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 3 and stem in table:
            return table[stem] + key
    return ""


def _drop_titles(rules: _Compiled, words: list[str]) -> list[str]:
    folded = [_canonical_cached(word) for word in words]
    # A name made only of titles is kept whole: "Haji" alone is what the list says.
    if all(word in rules.title_words for word in folded):
        return words
    if not any(word in rules.title_words for word in folded):
        return words
    kept = list(range(len(words)))
    for title in rules.titles:
        if title.where == "anywhere":
            kept = [i for i in kept if folded[i] not in title.words]
    changed = True
    while changed and kept:
        changed = False
        for title in rules.titles:
            first, last = kept[0], kept[-1]
            following = len(kept) - 1
            if (
                title.where == "leading"
                and folded[first] in title.words
                and following >= max(title.keep_unless_followed_by, 1)
            ):
                kept = kept[1:]
                changed = True
            elif title.where == "trailing" and folded[last] in title.words and following >= 1:
                kept = kept[:-1]
                changed = True
            if not kept:
                break
    return [words[i] for i in kept]


def _split(rules: _Compiled, words: Iterable[str]) -> list[_Part]:
    parts: list[_Part] = []
    for word in words:
        if parts and parts[-1].kind in (_Kind.ABD, _Kind.ARTICLE) and word in rules.articles:
            parts.append(_Part(_Kind.ARTICLE, word))
            continue
        parts.extend(_split_word(word))
    return parts


@lru_cache(maxsize=1 << 16)
def _split_word(word: str) -> tuple[_Part, ...]:
    rules = _rules()
    suffix = next((affix for affix in rules.suffixes if affix.spelling == word), None)
    if suffix is not None:
        return (_Part(_Kind.SUFFIX, suffix.key),)
    if word in rules.prefixes:
        return (_Part(_Kind.PREFIX, rules.prefixes[word]),)
    return tuple(_split_abd(rules, word))


def _split_abd(rules: _Compiled, word: str) -> list[_Part]:
    if word in rules.abd_prefixes:
        return [_Part(_Kind.ABD, rules.abd_key)]
    if word in rules.not_compounds or not word.startswith(rules.abd_root):
        return _split_suffix(rules, word)
    rest = word[len(rules.abd_root) :]
    for affix in rules.suffixes:
        if rest == affix.spelling:  # Abdullah: Abd + ullah
            return [_Part(_Kind.ABD, rules.abd_key), _Part(_Kind.SUFFIX, affix.key)]
    # The article before the name: Abd-ul-Latif, Abd-ur-Rahman (the l assimilated to the sun
    # letter that starts the name, written doubled or not), or only a linking vowel.
    core = rest
    for pattern in (_ARTICLE_L, _ASSIMILATED, _SUN_LETTER, _LINK_VOWEL):
        match = pattern.fullmatch(rest)
        if match:
            # The sun letter starts the name; elsewhere the last group is the name.
            core = "".join(match.groups()) if pattern is _SUN_LETTER else match.groups()[-1]
            break
    if len(core) < 2:
        return _split_suffix(rules, word)
    return [_Part(_Kind.ABD, rules.abd_key), *_split_suffix(rules, core)]


def _split_suffix(rules: _Compiled, word: str) -> list[_Part]:
    for affix in rules.suffixes:
        stem = word[: -len(affix.spelling)]
        if affix.inside and word.endswith(affix.spelling) and len(stem) >= 3:
            return [_Part(_Kind.WORD, stem), _Part(_Kind.SUFFIX, affix.key)]
    return [_Part(_Kind.WORD, word)]


def _join(rules: _Compiled, parts: Sequence[_Part]) -> list[str]:
    def glue(left: str, right: str) -> str:
        return _apply_spelling(left + right, rules.spelling)

    out: list[str] = []
    pending: _Part | None = None
    for index, part in enumerate(parts):
        if part.kind is _Kind.ARTICLE:
            continue
        if part.kind is _Kind.ABD:
            if pending is not None:
                out.append(pending.text)
            pending = part
        elif part.kind is _Kind.SUFFIX:
            if pending is not None:
                left = rules.abd_root if pending.kind is _Kind.ABD else pending.text
                out.append(glue(left, part.text))
                pending = None
            elif out:
                out[-1] = glue(out[-1], part.text)
            else:
                out.append(part.text)
        elif part.kind is _Kind.PREFIX:
            if pending is not None:
                out.append(glue(pending.text, part.text))
                pending = None
            elif not out and index + 1 < len(parts):
                pending = part
            elif out:
                out[-1] = glue(out[-1], part.text)
            else:
                out.append(part.text)
        else:
            word = _canonical_cached(part.text)
            if pending is not None:
                out.append(glue(pending.text, word))
                pending = None
            else:
                out.append(word)
    if pending is not None:
        out.append(pending.text)
    return out


@lru_cache(maxsize=1 << 16)
def normalise_name(text: str) -> str:
    """The comparison key of a name in Latin letters (other letters are dropped; use `name_key`
    for names that may be in Perso-Arabic script).

    >>> normalise_name("Haji Mohd. Abdur-Rahman Ahmady")
    'muhamad abdulrahman ahmadi'
    """
    rules = _rules()
    key = _one_pass(rules, text)
    # A fold can make a word another rule reads ("Aabd" spelled "abd", a stand-alone Abd), so
    # the steps repeat until the key stays put: keys must be their own keys.
    for _ in range(_MAX_KEY_PASSES):
        again = _one_pass(rules, key)
        if again == key:
            break
        key = again
    return key


def _one_pass(rules: _Compiled, text: str) -> str:
    plain = _plain(text)
    for pattern, joined in rules.multiword:
        plain = pattern.sub(joined, plain)
    words = plain.split()
    if not words:
        return ""
    return " ".join(_join(rules, _split(rules, _drop_titles(rules, words))))


def name_key(text: str) -> str:
    """The comparison key of a name in any script: romanised if in Perso-Arabic letters, then
    normalised. "محمد رحیمی" and "Mohammad Rahimi" get the same key."""
    return normalise_name(romanise(text))


def blocking_key(key: str) -> str:
    """A coarse key for blocking candidate pairs: each word of a name key reduced to its first
    letter and its consonants (vowels, w and y dropped, repeats collapsed), words sorted.
    Names that differ in vowels, or in given and family order, share it."""
    skeletons = sorted(skeleton(word) for word in key.split())
    return " ".join(skeletons)


def consonant_key(key: str) -> str:
    """A coarser blocking key: each word's consonants alone, its first letter too when a vowel
    (or w, y), repeats collapsed, words sorted. A name's first vowel is where romanisations of
    one Perso-Arabic letter (alef, ain) differ: Ismail, Esmail and Asmail share this key, which
    `blocking_key` keeps apart. Hamid and Amid still differ (h is a consonant here)."""
    words = []
    for word in key.split():
        out = ""
        for char in word:
            if char not in _SKELETON_DROPS and char != out[-1:]:
                out += char
        words.append(out or word[:1])
    return " ".join(sorted(words))


def skeleton(word: str) -> str:
    """One key word's first letter and its consonants, vowels, w and y dropped, repeats
    collapsed: what a Perso-Arabic spelling and a Latin one of a name most often share."""
    out = word[:1]
    for char in word[1:]:
        if char not in _SKELETON_DROPS and char != out[-1]:
            out += char
    return out
