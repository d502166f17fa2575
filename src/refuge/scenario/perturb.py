"""How names go wrong between lists, as tables: transliteration variants of romanised Dari and
Pashto names, Arabic-keyboard and spacing variants of Perso-Arabic spellings, and typing slips."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence

__all__ = ["arabic_variant", "latin_variant", "typo"]

# (pattern, replacements): spellings the same name takes in different hands.
TRANSLITERATION_RULES: Sequence[tuple[re.Pattern[str], Sequence[str]]] = tuple(
    (re.compile(pattern), replacements)
    for pattern, replacements in (
        (r"\bMohammad", ("Muhammad", "Mohammed", "Mohd", "Md", "Mohamad", "Muhammed", "Mohamed")),
        (r"\bMuhammad", ("Mohammad", "Mohammed", "Mohd", "Md")),
        (r"\bMohammed", ("Mohammad", "Muhammad", "Mohd")),
        (r"ullah\b", ("ulla", "allah", "ollah", "ulah", "ullha")),
        (r"allah\b", ("ullah", "ulla")),
        (r" Ullah\b", ("ullah", "-Ullah", " Ulla")),
        (r"\bSayed", ("Sayyid", "Syed", "Sayyed", "Said", "Saeed")),
        (r"\bSyed", ("Sayed", "Sayyid")),
        (r"\bAbdul ?", ("Abdul ", "Abdul", "Abdol", "Abd-ul-", "Abdel ")),
        (r"oo", ("u", "ou", "o")),
        (r"ou", ("u", "oo")),
        (r"ee", ("i", "ie")),
        (r"(?<=[a-z])i\b", ("y", "ee", "ie")),
        (r"(?<=[a-z])y\b", ("i",)),
        (r"(?<=[a-z])a\b", ("ah", "e")),
        (r"w", ("v",)),
        (r"v", ("w",)),
        (r"q", ("k", "gh")),
        (r"\bQ", ("K",)),
        (r"zai\b", ("zay", "zi", "zoy", "zaee")),
        (r"\bGul", ("Gol", "Gull")),
        (r"\bNoor", ("Nur", "Nour", "Nor")),
        (r"\bNur", ("Noor",)),
        (r"kh", ("x", "k")),
        (r"(?<=[a-z])e(?=[a-z])", ("i", "a")),
        (r"(?<=[a-z])u(?=[a-z])", ("o",)),
        (r"(?<=[a-z])o(?=[a-z])", ("u",)),
        (r"ss", ("s",)),
        (r"(?<=[aeiou])s(?=[aeiou])", ("ss",)),
    )
)

# Perso-Arabic spelling variants: Arabic-keyboard ye and kaf, final he or ta marbuta, spaces in
# and out of compounds.
ARABIC_SPELLINGS: Sequence[tuple[str, str]] = (
    ("ی", "ي"),
    ("ک", "ك"),
    ("ه", "ة"),
    (" الله", "الله"),
    ("الله", " الله"),
    ("عبدال", "عبد ال"),
    ("محمد", "محمد "),
    ("گ", "ګ"),
)

# Letters a typist confuses: QWERTY neighbours, and Perso-Arabic letters told apart by dots.
QWERTY_NEIGHBOURS: Mapping[str, str] = {
    "a": "qwsz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc",
    "g": "ftyhbv", "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop",
    "m": "njk", "n": "bhjm", "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz",
    "t": "rfgy", "u": "yhji", "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx",
}  # fmt: skip
ARABIC_LOOKALIKES: Mapping[str, str] = {
    "ب": "پتث", "پ": "بت", "ت": "بثپ", "ث": "تس", "ج": "چحخ", "چ": "جح", "ح": "جخه",
    "خ": "حج", "د": "ذ", "ذ": "دز", "ر": "زژ", "ز": "رژذ", "ژ": "زر", "س": "شص", "ش": "سص",
    "ص": "ضس", "ض": "صظ", "ط": "ظت", "ظ": "طض", "ع": "غ", "غ": "ع", "ف": "ق", "ق": "فک",
    "ک": "گق", "گ": "ک", "ی": "ئ", "و": "ؤ", "ه": "ح", "ن": "ت", "ا": "آ", "آ": "ا",
}  # fmt: skip


def latin_variant(
    rng: random.Random, name: str, dataset_variants: Sequence[str]
) -> tuple[str, str]:
    """Another spelling of `name` and where it came from ("dataset" or "rule"), or the name and
    "" when none applies."""
    if dataset_variants and rng.random() < 0.5:
        return rng.choice(dataset_variants), "dataset"
    applicable = [(rule, options) for rule, options in TRANSLITERATION_RULES if rule.search(name)]
    if not applicable:
        if dataset_variants:
            return rng.choice(dataset_variants), "dataset"
        return name, ""
    rule, options = rng.choice(applicable)
    changed = rule.sub(rng.choice(options), name, count=1).strip()
    if not changed or changed == name:
        return name, ""
    return changed[0].upper() + changed[1:], "rule"


def arabic_variant(rng: random.Random, name: str, dataset_variants: Sequence[str]) -> str:
    if dataset_variants and rng.random() < 0.3:
        return rng.choice(dataset_variants)
    applicable = [(old, new) for old, new in ARABIC_SPELLINGS if old in name]
    if not applicable:
        return name
    old, new = rng.choice(applicable)
    if old in ("ی", "ک"):
        return name.replace(old, new)  # the keyboard changes every one of them
    if old == "ه":
        return name[:-1] + new if name.endswith(old) else name
    return name.replace(old, new, 1).strip()


def typo(rng: random.Random, name: str) -> str:
    """One slip of the hand: a letter inserted, dropped, swapped with the next, or mistyped."""
    positions = [i for i, char in enumerate(name) if char.isalpha()]
    if len(positions) < 3:
        return name
    index = rng.choice(positions[1:])  # first letters are typed with more care
    char = name[index]
    kind = rng.randrange(4)
    if kind == 0:
        return name[:index] + _neighbour(rng, char) + name[index:]
    if kind == 1:
        return name[:index] + name[index + 1 :]
    if kind == 2 and index + 1 < len(name) and name[index + 1].isalpha():
        return name[:index] + name[index + 1] + char + name[index + 2 :]
    return name[:index] + _neighbour(rng, char) + name[index + 1 :]


def _neighbour(rng: random.Random, char: str) -> str:
    lower = char.lower()
    options = QWERTY_NEIGHBOURS.get(lower) or ARABIC_LOOKALIKES.get(char)
    if not options:
        return char
    picked = rng.choice(options)
    return picked.upper() if char.isupper() else picked
