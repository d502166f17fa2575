"""Phone numbers as lists write them ("0700 123 456", "0093 700 123456", "+1 202 ..."), read
into E.164 with phonenumbers; numbers without a country code are read in the list's region."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Final

import phonenumbers
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumberType, ValidationResult

from refuge.domain.errors import InvalidInput
from refuge.intake.normalised import Normalised, ascii_digits, clean_text

__all__ = ["DEFAULT_FALLBACK_REGIONS", "DEFAULT_REGION", "e164_of", "parse_phones"]

DEFAULT_REGION: Final = "AF"
# Afghanistan, and the neighbours where most Afghans abroad have lived: numbers written without
# their country code in a list are most likely from one of them.
DEFAULT_FALLBACK_REGIONS: Final = ("AF", "PK", "IR")
_LAYOUT: Final = re.compile(r"[\s\-.()]")
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


def parse_phones(
    value: object,
    *,
    region: str = DEFAULT_REGION,
    fallback_regions: Sequence[str] = DEFAULT_FALLBACK_REGIONS,
) -> Normalised[tuple[str, ...]]:
    """Every number in a cell ("0700123456 / 0799123456"), each in E.164.

    A number written without its country code is read in `region`; if it is no number there,
    in each of `fallback_regions` in turn (Afghans abroad keep Pakistani and Iranian numbers),
    with a warning naming the region that fitted.
    """
    if value is None:
        return Normalised(())
    if isinstance(value, float) and value.is_integer():
        # A spreadsheet that took the number for a quantity dropped its leading zero too;
        # phonenumbers reads the rest as a national number all the same.
        value = int(value)
    text = ascii_digits(clean_text(str(value)))
    numbers: list[str] = []
    warnings: list[str] = []
    for part in _SEPARATORS.split(text):
        if not part:
            continue
        try:
            number = e164_of(part, region=region)
        except InvalidInput:
            others = [other for other in fallback_regions if other != region]
            found = _in_fallback(part, others)
            if found is None:
                raise  # the reason it is no number of the list's own region
            number, fitted = found
            warnings.append(f"number without country code read as one of {fitted}")
        if number not in numbers:
            numbers.append(number)
    return Normalised(tuple(numbers), tuple(dict.fromkeys(warnings)))


def _in_fallback(text: str, regions: Sequence[str]) -> tuple[str, str] | None:
    """The number read in whichever fallback region it is valid in; when several fit, the one
    where it is a mobile, as listed numbers are; refused when that still leaves a choice."""
    if text.startswith(("+", "00")):
        return None  # the number names its country; another region would not change that
    fits: list[tuple[str, str, bool]] = []
    for region in regions:
        try:
            number = phonenumbers.parse(text, region)
        except NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            kind = phonenumbers.number_type(number)
            mobile = kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
            formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            fits.append((formatted, region, mobile))
    if len(fits) > 1:
        fits = [fit for fit in fits if fit[2]]
    if len(fits) == 1:
        return fits[0][0], fits[0][1]
    if fits:
        places = ", ".join(region for _, region, _ in fits)
        raise InvalidInput(
            f"phone number without country code fits more than one country ({places}); "
            "write it with its country code"
        )
    return None


@cache
def _quick_pattern(region: str) -> tuple[re.Pattern[str], str] | None:
    """A pattern for the region's own mobile and fixed-line numbers, built from phonenumbers'
    metadata, with the country code to put before them.

    Lists are mostly numbers of one country written a few ways; matching those against the
    metadata directly is twenty times quicker than a full parse and gives the same answer. Only
    regions whose national prefix is stripped as written (no transform rule) get one.
    """
    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.national_prefix_transform_rule:
        return None
    prefix = metadata.national_prefix or ""
    if metadata.national_prefix_for_parsing not in (None, prefix):
        return None
    kinds = [
        f"(?:{desc.national_number_pattern})"
        for desc in (metadata.mobile, metadata.fixed_line)
        if desc is not None and desc.national_number_pattern
    ]
    if not kinds or not metadata.international_prefix:
        return None
    code = str(metadata.country_code)
    pattern = (
        rf"^(?:\+{code}|(?:{metadata.international_prefix}){code}|{re.escape(prefix)})?"
        rf"({'|'.join(kinds)})$"
    )
    return re.compile(pattern), code


def e164_of(text: str, *, region: str = DEFAULT_REGION) -> str:
    quick = _quick_pattern(region)
    if quick is not None:
        found = quick[0].match(_LAYOUT.sub("", text))
        if found:
            return f"+{quick[1]}{found.group(1)}"
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
