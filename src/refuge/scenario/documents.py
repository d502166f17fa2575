"""Document and phone numbers of synthetic people: canonical forms the domain accepts (capital
letters and digits, E.164) and the messier ways lists write them."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import phonenumbers

from refuge.domain import Document, DocumentKind, InvalidConfiguration

__all__ = [
    "PERSIAN_DIGITS",
    "PhonePlan",
    "make_passport",
    "make_phone",
    "make_tazkira",
    "make_visa",
    "passport_as_written",
    "persian_digits",
    "phone_as_written",
    "tazkira_as_written",
]

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
# German passport numbers avoid letters that read like digits.
_DEU_CHARS = "CFGHJKLMNPRTVWXYZ0123456789"


def persian_digits(text: str) -> str:
    return text.translate(PERSIAN_DIGITS)


# Passport number shapes by issuing state: (series prefixes, body). In a body, "#" is a digit,
# "L" a capital letter, "*" a German passport character; anything else is literal.
PASSPORT_SHAPES: Mapping[str, tuple[Sequence[str], str]] = {
    "AFG": (("P",), "#######"),
    "USA": (("5", "6", "4"), "########"),
    "GBR": (("1", "5", "12", "54"), "#######"),
    "CAN": (("AA", "AB", "AE", "GA", "HK", "HP"), "######"),
    "DEU": (("C", "F", "G", "H", "J", "K"), "********"),
    "TUR": (("U",), "########"),
    "RUS": (("72", "73", "75", "76"), "#######"),
    "BLR": (("MP", "KH", "AB", "BM"), "#######"),
    "UKR": (("FA", "FB", "FE", "EK", "ET"), "######"),
    "KAZ": (("N",), "########"),
    "KGZ": (("AC", "PE", "ID"), "#######"),
    "TJK": (("40", "41", "50"), "#######"),
    "UZB": (("FA", "AA", "AB", "AC"), "#######"),
    "IND": (("J", "K", "L", "M", "N", "P", "R", "S", "T", "U", "V", "Z"), "#######"),
    "PHL": (("P",), "#######L"),
    "GEO": (("13", "14", "15", "16"), "LL#####"),
}

# Passport validity in years by issuing state (adults; children's books run five).
PASSPORT_YEARS: Mapping[str, int] = {"AFG": 5, "USA": 10, "GBR": 10, "CAN": 10, "DEU": 10}


def _fill(rng: random.Random, body: str) -> str:
    out = []
    for char in body:
        if char == "#":
            out.append(str(rng.randrange(10)))
        elif char == "L":
            out.append(rng.choice(_LETTERS))
        elif char == "*":
            out.append(rng.choice(_DEU_CHARS))
        else:
            out.append(char)
    return "".join(out)


def make_passport(
    rng: random.Random, state: str, born: dt.date, today: dt.date, *, child: bool
) -> Document:
    prefixes, body = PASSPORT_SHAPES[state]
    number = rng.choice(prefixes) + _fill(rng, body)
    years = 5 if child else PASSPORT_YEARS.get(state, 10)
    earliest = max(born, today - dt.timedelta(days=365 * (years + 2)))
    span = max((today - earliest).days, 1)
    issued = earliest + dt.timedelta(days=rng.randrange(span))
    expiry = _add_years(issued, years) - dt.timedelta(days=1)
    return Document(DocumentKind.PASSPORT, number, state, expiry)


def make_visa(rng: random.Random, state: str, today: dt.date) -> Document:
    issued = today - dt.timedelta(days=rng.randrange(20, 200))
    return Document(
        DocumentKind.VISA, _fill(rng, "########"), state, issued + dt.timedelta(days=90)
    )


def make_tazkira(rng: random.Random, *, electronic: bool) -> Document:
    """An Afghan Tazkira. The electronic one's number reads year-province district-serial
    (1400-0101-12345); the paper one is a volume (jild), page (safha) and registration number,
    kept canonically as J<volume>S<page>N<number>."""
    if electronic:
        year = rng.choice((1397, 1398, 1398, 1399, 1399, 1400))
        number = (
            f"{year}{rng.randint(1, 34):02d}{rng.randint(1, 15):02d}{rng.randrange(100000):05d}"
        )
    else:
        number = f"J{rng.randint(1, 900)}S{rng.randint(1, 300)}N{rng.randint(1, 99999)}"
    return Document(DocumentKind.TAZKIRA, number, "AFG")


def tazkira_as_written(rng: random.Random, number: str, *, persian: bool) -> str:
    if number.startswith("J"):
        volume, rest = number[1:].split("S")
        page, registration = rest.split("N")
        text = rng.choice(
            (
                f"{volume}/{page}/{registration}",
                f"{volume}-{page}-{registration}",
                f"جلد {volume} صفحه {page} ثبت {registration}",
                f"Vol {volume} Pg {page} No {registration}",
                f"J{volume} P{page} N{registration}",
            )
        )
    else:
        year, middle, serial = number[:4], number[4:8], number[8:]
        text = rng.choice(
            (
                f"{year}-{middle}-{serial}",
                f"{year}-{middle}-{serial}",
                number,
                f"{year} {middle} {serial}",
                f"{year}{middle}-{serial}",
            )
        )
    return persian_digits(text) if persian else text


def passport_as_written(rng: random.Random, number: str, state: str) -> str:
    roll = rng.random()
    if state == "RUS" and roll < 0.5:
        return f"{number[:2]} {number[2:]}"
    if roll < 0.1:
        return number.lower()
    if roll < 0.18 and len(number) > 4:
        return f"{number[:2]} {number[2:]}"
    if roll < 0.22 and "0" in number:
        return number.replace("0", "O", 1)  # typed letter O for zero
    return number


@dataclass(frozen=True, slots=True)
class PhonePlan:
    """Mobile numbers of one country: calling code, national prefixes, national length."""

    region: str
    prefixes: Sequence[str]
    length: int  # national significant number, prefix included


PHONE_PLANS: Mapping[str, PhonePlan] = {
    "AFG": PhonePlan("AF", ("70", "71", "72", "73", "74", "75", "76", "77", "78", "79"), 9),
    "USA": PhonePlan("US", ("202", "212", "301", "571", "703", "713", "916", "510"), 10),
    "GBR": PhonePlan("GB", ("74", "75", "77", "78", "79"), 10),
    "CAN": PhonePlan("CA", ("416", "604", "613", "514", "403", "780"), 10),
    "DEU": PhonePlan("DE", ("151", "152", "160", "170", "171", "176"), 11),
    "TUR": PhonePlan("TR", ("530", "532", "533", "535", "542", "555"), 10),
    "RUS": PhonePlan("RU", ("903", "905", "916", "925", "926", "985"), 10),
    "BLR": PhonePlan("BY", ("25", "29", "33", "44"), 9),
    "UKR": PhonePlan("UA", ("50", "63", "66", "67", "68", "93", "95", "97"), 9),
    "KAZ": PhonePlan("KZ", ("701", "702", "705", "707", "747", "771", "777"), 10),
    "KGZ": PhonePlan("KG", ("550", "555", "700", "705", "770", "777"), 9),
    "TJK": PhonePlan("TJ", ("90", "91", "92", "93", "98"), 9),
    "UZB": PhonePlan("UZ", ("90", "91", "93", "94", "97", "99"), 9),
    "IND": PhonePlan("IN", ("98", "97", "96", "95", "94", "70", "88"), 10),
    "PHL": PhonePlan("PH", ("905", "906", "915", "917", "918", "920"), 10),
    "GEO": PhonePlan("GE", ("555", "557", "558", "568", "577", "591"), 9),
    "PAK": PhonePlan("PK", ("300", "301", "311", "321", "333", "345"), 10),
    "IRN": PhonePlan("IR", ("912", "913", "915", "919", "935", "936"), 10),
}


def make_phone(rng: random.Random, country: str) -> str:
    """An E.164 mobile number valid for `phonenumbers` in `country` (alpha-3)."""
    plan = PHONE_PLANS[country]
    code = phonenumbers.country_code_for_region(plan.region)
    for _ in range(12):
        prefix = rng.choice(plan.prefixes)
        national = prefix + "".join(
            str(rng.randrange(10)) for _ in range(plan.length - len(prefix))
        )
        candidate = f"+{code}{national}"
        if country == "AFG":
            return candidate  # every 7x number of this length is a valid Afghan mobile
        if phonenumbers.is_valid_number(phonenumbers.parse(candidate)):
            return candidate
    example = phonenumbers.example_number_for_type(plan.region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        raise InvalidConfiguration(f"phonenumbers has no mobile example for {plan.region}")
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)


# How lists write phone numbers: the style name is recorded in the truth's perturbations.
PHONE_STYLES = ("e164", "international", "national", "trunk_00", "bare", "persian")


def phone_as_written(number: str, style: str) -> str:
    if style == "e164":
        return number
    parsed = phonenumbers.parse(number)
    if style == "international":
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    if style == "national":
        if parsed.country_code == 93:  # Afghan lists group mobiles 0700 123 456
            digits = "0" + str(parsed.national_number)
            return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
        return national
    if style == "trunk_00":
        return f"00{parsed.country_code}{parsed.national_number}"
    if style == "bare":
        return str(parsed.national_number)
    if style == "persian":
        return persian_digits("0" + str(parsed.national_number))
    raise InvalidConfiguration(f"unknown phone style {style}")


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
