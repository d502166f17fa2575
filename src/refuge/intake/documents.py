"""Passport and tazkira numbers cleaned into the capital letters and digits Refuge stores.

Tazkiras come in two kinds. The electronic tazkira (e-NIC) number is 13 digits, usually written
4-4-5 ("1400-0101-12345"), and is stored as the 13 digits. The paper tazkira is identified by
volume (jild, جلد), page (safha, صفحه) and registration number (ثبت); joining those digits would
let 12/345/6 and 123/45/6 collide, so it is stored as J<volume>S<page>N<number>, the form the
scenario generator and the rest of Refuge use.
"""

from __future__ import annotations

import re
from typing import Final

from refuge.domain.errors import InvalidInput
from refuge.intake.normalised import Normalised, ascii_digits, clean_text

__all__ = ["parse_passport_number", "parse_tazkira_number"]

_MAX: Final = 20
_SEPARATORS: Final = re.compile(r"[\s\-./\\_#:,،]+")
_ALNUM: Final = re.compile(r"^[A-Z0-9]+$")
_E_TAZKIRA: Final = re.compile(r"^(\d{4})[\s\-./]*(\d{4})[\s\-./]*(\d{5})$")
_PAPER_PARTS: Final = re.compile(r"^(\d{1,5})\s*[-/\\.]\s*(\d{1,5})\s*[-/\\.]\s*(\d{1,7})$")
# "جلد 12 صفحه 34 ثبت 5678", "Vol 12 Page 34 Reg 5678", "J12 S34 Sabt 5678" and their mixtures.
_LABELLED: Final = re.compile(
    r"^(?:جلد|vol(?:ume)?|j(?:ild)?)\s*[:.\-]?\s*(\d{1,5})[\s,،\-/]*"
    r"(?:صفحه|ص|page|p(?:g)?|s(?:afha)?)\s*[:.\-]?\s*(\d{1,5})[\s,،\-/]*"
    r"(?:ثبت|شماره ثبت|reg(?:istration)?|no|nr|n|sabt|r)\s*[:.\-]?\s*(\d{1,7})$",
    re.IGNORECASE,
)
_PAPER_FORM: Final = re.compile(r"^J\d{1,5}S\d{1,5}N\d{1,7}$")


def _compact(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return ascii_digits(clean_text(str(value)))


def parse_passport_number(value: object) -> Normalised[str | None]:
    """Spaces, dashes and dots removed, letters in capitals: "p 0123-4567" is P01234567."""
    if value is None:
        return Normalised(None)
    text = _compact(value)
    if not text:
        return Normalised(None)
    number = _SEPARATORS.sub("", text).upper()
    if not _ALNUM.match(number):
        raise InvalidInput("passport number has characters other than letters and digits")
    if len(number) > _MAX:
        raise InvalidInput(f"passport number longer than {_MAX} characters")
    warnings: list[str] = []
    corrected = _letter_o_as_zero(number)
    if corrected != number:
        number = corrected
        warnings.append("letter O among the digits read as zero")
    if len(number) < 6:
        warnings.append("passport number shorter than any state issues")
    return Normalised(number, tuple(warnings))


def _letter_o_as_zero(number: str) -> str:
    """Passport numbers are a short letter prefix and digits; an O typed among the digits
    ("P4O24641", or "PO518802" after a one-letter prefix) is a zero."""
    prefix = len(number) - len(number.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    head, digits = number[:prefix], number[prefix:]
    if prefix >= 2 and head.endswith("O") and digits.isdigit() and digits:
        head, digits = head[:-1], "0" + digits  # "PO518802": one letter, then zero
    if "O" in digits and digits.replace("O", "").isdigit():
        digits = digits.replace("O", "0")
    return head + digits


def parse_tazkira_number(value: object) -> Normalised[str | None]:
    if value is None:
        return Normalised(None)
    text = _compact(value)
    if not text:
        return Normalised(None)
    if found := _E_TAZKIRA.match(text):
        return Normalised("".join(found.groups()))
    if _PAPER_FORM.match(text.upper().replace(" ", "")):
        return Normalised(text.upper().replace(" ", ""))
    if found := _LABELLED.match(text) or _PAPER_PARTS.match(text):
        volume, page, registration = (int(part) for part in found.groups())
        return Normalised(f"J{volume}S{page}N{registration}")
    number = _SEPARATORS.sub("", text).upper()
    if not _ALNUM.match(number):
        raise InvalidInput("tazkira number has characters other than letters and digits")
    if len(number) > _MAX:
        raise InvalidInput(f"tazkira number longer than {_MAX} characters")
    return Normalised(number, ("tazkira number in neither the electronic nor the paper form",))
