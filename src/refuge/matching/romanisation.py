"""Romanisation of names written in Perso-Arabic script (Dari, Pashto, Arabic) into the Latin
spelling Afghan documents use: a lexicon of name words first, letter rules as the fallback.

Both tables are data files in `rules/` (lexicon.yaml, letters.yaml); this module owns what
depends on context: vowel letters by position, compounds (Abdul X, X-ullah, X-uddin) and
suffixes (-i, -zai, -zada, feminine -a) on known stems.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from refuge.matching.rulebook import romanisation_rules

__all__ = ["romanise"]

ZWNJ = "\u200c"

# Letters of the Arabic blocks that romanise as words (digits and punctuation are symbols).
_ARABIC_LETTER = "\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff"
_WORD = re.compile(f"[{_ARABIC_LETTER}]+(?:{ZWNJ}[{_ARABIC_LETTER}]+)*")
# "X الله", "X الدین" and "عبد الX" are one name written in two words; joining them with a ZWNJ
# lets the word rules see them whole.
_SPLIT_ALLAH = re.compile(f"(?<=[{_ARABIC_LETTER}])\\s+(?=(?:الله|الدین)(?![{_ARABIC_LETTER}]))")
_SPLIT_ABD = re.compile(f"(?<![{_ARABIC_LETTER}])(عبد)\\s+(?=ال[{_ARABIC_LETTER}])")
_SPACES = re.compile(r"\s+")

# Spelling variants that romanise the same, unified in the text before anything else.
_TEXT_FOLD = str.maketrans(
    {
        "ي": "ی",  # Arabic ya
        "ك": "ک",  # Arabic kaf
        "ٱ": "ا",  # alef wasla
        "أ": "ا",
        "إ": "ا",
        "ھ": "ه",  # heh doachashmee
        "ہ": "ه",  # heh goal
        "ە": "ه",  # ae
        "ؤ": "و",
    }
)
# Further folds for lexicon look-up only: they lose a vowel or a Pashto letter that the letter
# rules still use. One character to one, so indices stay aligned with the unfolded word.
_LOOKUP_FOLD = str.maketrans(
    {
        "ى": "ی",
        "ې": "ی",
        "ۍ": "ی",
        "ئ": "ی",
        "ة": "ه",
        "ګ": "گ",
        "ړ": "ر",
        "ډ": "د",
        "ټ": "ت",
        "ڼ": "ن",
        "ښ": "ش",
        "ږ": "ژ",
        "آ": "ا",
    }
)
_DROPPED = {"\u0640", "\u0621"}  # tatweel (a stretch, not a letter); standalone hamza
_ALEFS = {"ا", "آ"}
_LATIN_VOWELS = frozenset("aeiou")
_VOWEL_LETTERS = {"ا", "آ", "و", "ی", "ې", "ۍ", "ى"}
# Suffixes romanised on a stem the lexicon knows, longest first.
_KNOWN_STEM_SUFFIXES = (("زاده", "zada"), ("زی", "zai"), ("ی", "i"), ("ه", "a"))


@dataclass(frozen=True, slots=True)
class _Rules:
    words: dict[str, str]
    consonants: dict[str, str]
    symbols: dict[int, str]


@cache
def _rules() -> _Rules:
    tables = romanisation_rules()
    words = {_lookup_form(_clean(k)): v for k, v in tables.words.items()}
    symbols = {ord(k): v for k, v in tables.symbols.items()}
    return _Rules(words, dict(tables.consonants), symbols)


def lexicon() -> dict[str, str]:
    """The name-word lexicon as loaded, keyed by look-up form (for tests and inspection)."""
    return dict(_rules().words)


def _clean(text: str) -> str:
    """Compatibility forms resolved, diacritics, tatweel and invisible marks dropped, ZWNJ kept."""
    out = []
    for char in unicodedata.normalize("NFKD", text):
        category = unicodedata.category(char)
        if category in ("Mn", "Me") or char in _DROPPED:
            continue
        if category == "Cf" and char != ZWNJ:
            continue
        out.append(char)
    return "".join(out).translate(_TEXT_FOLD)


def _lookup_form(word: str) -> str:
    return word.translate(_LOOKUP_FOLD)


def romanise(text: str) -> str:
    """`text` with its Perso-Arabic words romanised, Latin letters kept without accents, digits
    made ASCII, spaces collapsed. Always ASCII; letters of other scripts are dropped.

    >>> romanise("محمد رحیمی")
    'Mohammad Rahimi'
    """
    if text.isascii():
        return _SPACES.sub(" ", text).strip()
    rules = _rules()
    text = _clean(text).translate(rules.symbols)
    text = _SPLIT_ALLAH.sub(ZWNJ, text)
    text = _SPLIT_ABD.sub(lambda m: m.group(1) + ZWNJ, text)
    text = _WORD.sub(lambda m: _compound(m.group(0), rules), text)
    ascii_only = "".join(char for char in text if char.isascii())
    return _SPACES.sub(" ", ascii_only).strip()


def _compound(token: str, rules: _Rules) -> str:
    """A word, possibly made of pieces joined by ZWNJ."""
    joined = token.replace(ZWNJ, "")
    if _lookup_form(joined) in rules.words or ZWNJ not in token:
        return _word(joined, rules)
    pieces = token.split(ZWNJ)
    out = _word(pieces[0], rules)
    previous = _lookup_form(pieces[0])
    for piece in pieces[1:]:
        folded = _lookup_form(piece)
        if folded == "الله":
            out = "Abdullah" if previous == "عبد" else out + "ullah"
        elif folded == "الدین":
            out += "uddin"
        elif previous == "عبد" and folded.startswith("ال") and len(folded) > 2:
            out += " " + _word(piece[2:], rules)
        else:
            suffix = dict(_KNOWN_STEM_SUFFIXES).get(folded)
            out += suffix if suffix is not None else _word(piece, rules).lower()
        previous = folded
    return out


def _word(word: str, rules: _Rules) -> str:
    folded = _lookup_form(word)
    known = _known(folded, rules)
    if known is not None:
        return known
    if folded.startswith("عبدال") and len(folded) > 5:
        return "Abdul " + _word(word[5:], rules)
    if folded.endswith("الله") and len(folded) > 4:
        return _word(word[:-4], rules) + "ullah"
    if folded.endswith("الدین") and len(folded) > 5:
        return _word(word[:-5], rules) + "uddin"
    for suffix, roman in _KNOWN_STEM_SUFFIXES:
        stem = folded[: -len(suffix)]
        if folded.endswith(suffix) and stem in rules.words:
            return rules.words[stem] + roman
    # Pashto tribal names: any stem of three letters or more before -zai.
    if folded.endswith("زی") and len(folded) > 4:
        return _word(word[:-2], rules) + "zai"
    # Two names written without a space, as happens after a letter that does not join the next
    # (نثاراحمد): split where both halves are known, the longer first half first.
    for cut in range(len(folded) - 2, 1, -1):
        left, right = _known(folded[:cut], rules), _known(folded[cut:], rules)
        if left is not None and right is not None:
            return f"{left} {right}"
    return _letters(word, rules).capitalize()


def _known(folded: str, rules: _Rules) -> str | None:
    """The lexicon's romanisation of a look-up form; a final alef also read as the alef maqsura
    Dari writes it for (مرتضا for مرتضی)."""
    known = rules.words.get(folded)
    if known is None and folded.endswith("ا"):
        known = rules.words.get(folded[:-1] + "ی")
    return known


def _letters(word: str, rules: _Rules) -> str:
    """Letter-by-letter romanisation, vowel letters decided by their neighbours."""
    out: list[str] = []
    last = len(word) - 1
    for i, char in enumerate(word):
        prev = word[i - 1] if i > 0 else ""
        nxt = word[i + 1] if i < last else ""
        if char in _ALEFS:
            out.append("a")
        elif char == "و":
            # Between consonants waw is the long o or u; Afghan spellings favour o (Popal, Hotak).
            at_vowel = prev in _ALEFS or nxt in _VOWEL_LETTERS
            out.append("w" if i == 0 or at_vowel else "o")
        elif char == "ی":
            before_vowel = nxt in _ALEFS or nxt == "و"
            after_vowel = bool(out) and out[-1][-1:] in _LATIN_VOWELS
            if after_vowel and nxt == "ی" and i + 1 == last:
                out.append("")  # -ایی is -ai (رضایی Rezai)
            else:
                out.append("y" if i == 0 or before_vowel or (after_vowel and i < last) else "i")
        elif char == "ه":
            silent = i == last and i > 0 and prev not in _ALEFS and prev != "و"
            out.append("a" if silent else "h")
        elif char == "ع":
            # Ain is a vowel's carrier: silent after a long vowel (ذبیع Zabi) or before alef.
            after_long_vowel = prev in _VOWEL_LETTERS and (not nxt or _is_consonant(nxt, rules))
            out.append("" if nxt in _ALEFS or after_long_vowel else "a")
        elif char == "ې":
            out.append("e")
        elif char == "ۍ":
            out.append("ai")
        elif char in ("ى", "ة"):
            out.append("a")
        elif char == "ئ":
            out.append("i")
        else:
            out.append(rules.consonants.get(char, ""))
        # Short vowels are unwritten; "a" after a first consonant that another consonant follows
        # gives Karim, Sharif, Farzana rather than Krim, Shrif, Frzana.
    # Short vowels are unwritten; "a" between a first and a second consonant gives Karim, Navid,
    # Hamt rather than Krim, Nvid, Hmt.
    sounds = [piece for piece in out if piece]
    if len(sounds) > 1 and sounds[0][-1] not in _LATIN_VOWELS and sounds[1][0] not in _LATIN_VOWELS:
        sounds.insert(1, "a")
    return "".join(sounds)


def _is_consonant(char: str, rules: _Rules) -> bool:
    return char in rules.consonants
