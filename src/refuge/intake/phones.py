"""Phone numbers as lists write them ("0700 123 456", "0093 700 123456", "+1 202 ..."), read
into E.164 with phonenumbers; numbers without a country code are read in the list's region."""

from __future__ import annotations

import re
from typing import Final

import phonenumbers
from phonenumbers import NumberParseException, ValidationResult

from refuge.domain.errors import InvalidInput
from refuge.intake.normalised import Normalised, ascii_digits, clean_text

__all__ = ["DEFAULT_REGION", "e164_of", "parse_phones"]

DEFAULT_REGION: Final = "AF"
_SEPARATORS: Final = re.compile(r"\s*[/,;|،؛\n]\s*|\s+(?:or|یا)\s+")
_REASONS: Final = {
    ValidationResult.INVALID_COUNTRY_CODE: "unknown country calling code",
    ValidationResult.TOO_SHORT: "too short",
    ValidationResult.TOO_LONG: "too long",
    ValidationResult.INVALID_LENGTH: "wrong length for its country",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "a local number without its area code",
}
_PARSE_REASONS: Final = {
    NumberParseException.INVALID_COUNTRY_CODE: "unknown country calling code",
    NumberParseException.NOT_A_NUMBER: "not a phone number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
    NumberParseException.TOO_SHORT_NSN: "too short",
    NumberParseException.TOO_LONG: "too long",
}


def parse_phones(value: object, *, region: str = DEFAULT_REGION) -> Normalised[tuple[str, ...]]:
    """Every number in a cell ("0700123456 / 0799123456"), each in E.164."""
    if value is None:
        return Normalised(())
    if isinstance(value, float) and value.is_integer():
        # A spreadsheet that took the number for a quantity dropped its leading zero too;
        # phonenumbers reads the rest as a national number all the same.
        value = int(value)
    text = ascii_digits(clean_text(str(value)))
    numbers: list[str] = []
    for part in _SEPARATORS.split(text):
        if part:
            number = e164_of(part, region=region)
            if number not in numbers:
                numbers.append(number)
    return Normalised(tuple(numbers))


def e164_of(text: str, *, region: str = DEFAULT_REGION) -> str:
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as exc:
        reason = _PARSE_REASONS.get(exc.error_type, "not a phone number")
        raise InvalidInput(f"phone number not readable: {reason}") from exc
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible != ValidationResult.IS_POSSIBLE:
        raise InvalidInput(f"phone number not valid: {_REASONS.get(possible, 'wrong length')}")
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput("phone number not valid: no such number range in its country")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
