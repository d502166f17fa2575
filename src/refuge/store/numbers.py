"""Case numbers: "RF-", eight random Crockford base32 characters and a check character.

Numbers are drawn from `secrets`, so nobody can guess another household's case number from their
own (applicants check their status with a case number). The check character (Luhn mod 32) catches
every single mistyped character and most swaps of two neighbours. Crockford's alphabet leaves out
I, L, O and U, so a number read aloud or copied by hand is hard to get wrong.
"""

from __future__ import annotations

import re
import secrets

__all__ = ["CASE_NUMBER_PREFIX", "is_case_number", "new_case_number", "normalise_case_number"]

CASE_NUMBER_PREFIX = "RF-"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {char: value for value, char in enumerate(_ALPHABET)}
_BODY = 8
_SHAPE = re.compile(rf"^{CASE_NUMBER_PREFIX}[{_ALPHABET}]{{{_BODY + 1}}}$")
# Crockford decoding: letters easily mistaken for digits read as those digits.
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_case_number() -> str:
    body = "".join(secrets.choice(_ALPHABET) for _ in range(_BODY))
    return f"{CASE_NUMBER_PREFIX}{body}{_check(body)}"


def normalise_case_number(text: str) -> str:
    """A case number as typed (lower case, spaces, dashes, O for 0) in its canonical form."""
    compact = re.sub(r"[\s-]", "", text).upper()
    if compact.startswith(CASE_NUMBER_PREFIX[:-1]):
        compact = compact[len(CASE_NUMBER_PREFIX) - 1 :]
    return CASE_NUMBER_PREFIX + compact.translate(_CONFUSABLE)


def is_case_number(text: str) -> bool:
    """Whether `text` is a well-formed case number with a correct check character."""
    if not _SHAPE.match(text):
        return False
    body = text[len(CASE_NUMBER_PREFIX) :]
    return _check(body[:-1]) == body[-1]


def _check(body: str) -> str:
    # Luhn mod N (N = 32): double every second value from the right, fold the digits base N.
    base = len(_ALPHABET)
    total = 0
    double = True
    for char in reversed(body):
        value = _VALUE[char] * (2 if double else 1)
        total += value // base + value % base
        double = not double
    return _ALPHABET[(base - total % base) % base]
