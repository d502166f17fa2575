"""What every normaliser returns: the clean value and the warnings about how it was read.

A value that cannot be read at all raises `InvalidInput` with a message that says what was wrong
without repeating the value (it is a person's data).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Generic, TypeVar

from refuge.domain.frozen import quick_init

__all__ = ["Normalised", "ascii_digits", "clean_text", "lookup_key"]

T = TypeVar("T")

# Persian (U+06F0..) and Arabic-Indic (U+0660..) digits, as Dari and Pashto lists write them.
_DIGITS: Final = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
# Arabic letter forms that Dari and Pashto keyboards type differently for the same letter.
_LETTERS: Final = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "أ": "ا"})
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\u200e\u200f\u202a-\u202e\ufeff]")
_SPACE: Final = re.compile(r"\s+")
_PUNCTUATION: Final = re.compile(r"[^\w\s]")


@quick_init
@dataclass(frozen=True, slots=True)
class Normalised(Generic[T]):
    value: T
    warnings: tuple[str, ...] = ()


def ascii_digits(text: str) -> str:
    return text.translate(_DIGITS)


def clean_text(text: str) -> str:
    """Text as written, minus invisible controls and stray whitespace, in Unicode NFC."""
    if (
        text.isprintable()
        and "  " not in text
        and text == text.strip()
        and unicodedata.is_normalized("NFC", text)
    ):
        return text  # most cells are clean already; this is the hot path of a long list
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text)
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=65536)  # vocabulary words and values repeat down every column
def lookup_key(text: str) -> str:
    """A form of a word for looking it up in a vocabulary: case, accents, punctuation, the
    zero-width non-joiner and Arabic letter variants do not matter."""
    text = clean_text(text).replace("\u200c", " ").translate(_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(char for char in decomposed if not unicodedata.combining(char))
    text = _PUNCTUATION.sub(" ", text).replace("_", " ")
    return _SPACE.sub(" ", ascii_digits(text)).strip()
