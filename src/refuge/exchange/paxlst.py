"""PAXLST: the UN/EDIFACT passenger list (directory D:05B) that receiving states' advance
passenger information (API/APIS) systems read, written and read back with pydifact.

    InvalidInput (refuge.domain.errors)
    └── ManifestIncomplete  422  manifest_incomplete: some passengers lack what the message
                                 requires; `missing` lists each (manifest entry id, field, problem)

What goes into the message for each passenger, and how Refuge's data is fitted to it:

- Names in upper-case Latin without diacritics (`border_name`); a name in any other script, or
  with digits or other punctuation, is refused. EDIFACT's own separators (the apostrophe in
  O'NEILL) are escaped with the release character `?` by pydifact's serializer.
- A person with one name carries it as the family name, and the given name is written `FNU`
  ("first name unknown"), the convention of the US APIS programme that other states follow.
- Dates of birth are YYMMDD. A year-only date is written as 1 January of that year and a
  year-and-month date as the first of the month, the convention travel documents themselves use
  when the day and month are unknown; the message cannot mark such a date as partial, so the
  receiving state sees the same date as on documents issued that way. An unknown date of birth
  is refused.
- Sex: F, M, U (unknown) and X (neither), the codes of ICAO Doc 9303.
- The travel document's kind: P for passports, V for visas, I for identity cards (tazkiras).
- Each passenger's manifest entry id is its unique passenger reference (RFF+ABO), so that a
  receiving state's answer about a passenger can be matched to the entry without names.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from pydifact import Characters, Segment
from pydifact.segmentcollection import Interchange, Message

from refuge.domain.dates import DatePrecision, PartialDate
from refuge.domain.errors import InvalidInput
from refuge.domain.operation import Flight
from refuge.domain.people import Document, DocumentKind, Sex
from refuge.exchange.edifact import component, read_segments
from refuge.exchange.passengers import ManifestPassenger, border_name
from refuge.exchange.structure import check_paxlst

__all__ = [
    "PAXLST_CHARACTERS",
    "ListedPassenger",
    "ManifestIncomplete",
    "PassengerList",
    "paxlst",
    "read_paxlst",
]

# UNA as the API implementation guide writes it: `*` is syntax version 4's repetition separator.
PAXLST_CHARACTERS = ":+.?*'"
_SYNTAX = ("UNOA", 4)
_MESSAGE_TYPE = ["PAXLST", "D", "05B", "UN", "IATA"]
_NAME_LENGTH = 35  # data element 3036, party name
_FIRST_NAME_UNKNOWN = "FNU"
_REFERENCE = re.compile(r"[A-Z0-9]{1,14}")  # UNB 0020 and UNH 0062 are an..14
_PARTY = re.compile(r"[A-Z0-9][A-Z0-9 .\-/]{0,34}")  # UNB 0004 and 0010 are an..35
_CARRIER = re.compile(r"[A-Z0-9]{2,3}")
_FLIGHT_NUMBER = re.compile(r"[A-Z0-9]{1,17}")
_ALPHA3 = re.compile(r"[A-Z]{3}")

_SEX_CODES = {Sex.FEMALE: "F", Sex.MALE: "M", Sex.UNKNOWN: "U", Sex.OTHER: "X"}
_SEXES = {code: sex for sex, code in _SEX_CODES.items()}
_DOCUMENT_CODES = {DocumentKind.PASSPORT: "P", DocumentKind.VISA: "V", DocumentKind.TAZKIRA: "I"}
_DOCUMENT_KINDS = {code: kind for kind, code in _DOCUMENT_CODES.items()}


class ManifestIncomplete(InvalidInput):
    """Passengers lack what a PAXLST message requires. Names entries and fields, never data."""

    code = "manifest_incomplete"

    def __init__(self, missing: Sequence[tuple[uuid.UUID, str, str]]) -> None:
        self.missing = tuple(missing)
        lines = "; ".join(
            f"manifest entry {entry}, field {name}: {why}" for entry, name, why in missing
        )
        super().__init__(f"{len(self.missing)} problem(s) in the manifest: {lines}")


@dataclass(frozen=True, slots=True)
class ListedPassenger:
    """A passenger as a PAXLST message states it."""

    reference: str  # unique passenger reference (RFF+ABO): a manifest entry id in hex
    family_name: str
    given_names: str  # "" where the message says FNU
    sex: Sex
    date_of_birth: dt.date
    nationality: str
    document: Document | None

    @property
    def entry_id(self) -> uuid.UUID | None:
        """The manifest entry the reference names, if it is one of Refuge's."""
        try:
            return uuid.UUID(hex=self.reference)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class PassengerList:
    sender: str
    recipient: str
    message_ref: str
    flight_number: str
    carrier: str
    origin: str
    destination: str
    departure: dt.datetime | None  # wall-clock time as written; the message carries no zone
    arrival: dt.datetime | None
    passengers: tuple[ListedPassenger, ...]


def paxlst(
    flight: Flight,
    passengers: Sequence[ManifestPassenger],
    *,
    sender: str,
    recipient: str,
    message_ref: str,
    now: dt.datetime,
    carrier: str | None = None,
    reporting_party: str | None = None,
    departure: dt.datetime | None = None,
    arrival: dt.datetime | None = None,
) -> str:
    """The PAXLST interchange listing `passengers` on `flight`, one message, no line breaks.

    `sender` and `recipient` are the interchange's party identifiers as agreed with the receiving
    state, `message_ref` both the interchange control reference and the message reference (up to
    14 capital letters and digits); `now` is when it was prepared (written in UTC). `departure`
    defaults to the flight's earliest departure. PAXLST times are local to their airport and
    carry no zone: each time is written as its own wall-clock time, so pass times already in the
    airport's zone (Refuge does not know airports' zones). Raises ManifestIncomplete,
    naming every entry and field, if any passenger lacks what the message requires.
    """
    _check_envelope(flight, sender, recipient, message_ref, now, carrier, reporting_party)
    leaving = departure or flight.departs_earliest
    for name, moment in (("departure", leaving), ("arrival", arrival)):
        if moment is not None and moment.tzinfo is None:
            raise InvalidInput(f"flight {flight.code}: {name} time must carry a time zone")
    people = _passenger_segments(flight, passengers)

    message = Message(message_ref, _MESSAGE_TYPE)
    message.add_segment(Segment("BGM", "745"))  # 745: passenger list
    if reporting_party:
        message.add_segment(Segment("NAD", "MS", "", "", reporting_party))
    transport = ["20", flight.code]  # 20: main carriage
    if carrier:
        transport += ["", "", carrier]
    message.add_segment(Segment("TDT", *transport))
    message.add_segment(Segment("LOC", "125", flight.origin))  # 125: last place of departure
    message.add_segment(Segment("DTM", ["189", f"{leaving:%y%m%d%H%M}", "201"]))
    message.add_segment(Segment("LOC", "87", flight.destination))  # 87: first place of arrival
    if arrival is not None:
        message.add_segment(Segment("DTM", ["232", f"{arrival:%y%m%d%H%M}", "201"]))
    message.add_segments(people)
    message.add_segment(Segment("CNT", ["42", str(len(passengers))]))  # 42: passengers

    interchange = Interchange(
        sender,
        recipient,
        message_ref,
        _SYNTAX,
        now.astimezone(dt.UTC),
        extra_header_elements=["", "APIS"],
        characters=Characters.from_str(PAXLST_CHARACTERS),
    )
    interchange.has_una_segment = True
    interchange.add_message(message)
    text = interchange.serialize()
    # The writer's own output is checked like anyone else's: a message that would be rejected
    # at the border is a bug here, better found before it is sent.
    findings = check_paxlst(text)
    if findings:
        raise AssertionError("PAXLST writer produced an invalid message: " + str(findings[0]))
    return text


def _check_envelope(
    flight: Flight,
    sender: str,
    recipient: str,
    message_ref: str,
    now: dt.datetime,
    carrier: str | None,
    reporting_party: str | None,
) -> None:
    if not _PARTY.fullmatch(sender):
        raise InvalidInput("PAXLST sender: 1 to 35 capital letters, digits, spaces or . - /")
    if not _PARTY.fullmatch(recipient):
        raise InvalidInput("PAXLST recipient: 1 to 35 capital letters, digits, spaces or . - /")
    if reporting_party is not None and not _PARTY.fullmatch(reporting_party):
        raise InvalidInput(
            "PAXLST reporting party: 1 to 35 capital letters, digits, spaces or . - /"
        )
    if not _REFERENCE.fullmatch(message_ref):
        raise InvalidInput("PAXLST message reference: 1 to 14 capital letters and digits")
    if carrier is not None and not _CARRIER.fullmatch(carrier):
        raise InvalidInput("PAXLST carrier: an IATA (2) or ICAO (3) airline designator")
    if not _FLIGHT_NUMBER.fullmatch(flight.code):
        raise InvalidInput(
            f"flight {flight.id}: a PAXLST flight number is 1 to 17 capital letters and digits"
        )
    if now.tzinfo is None:
        raise InvalidInput("PAXLST preparation time must carry a time zone")


def _passenger_segments(flight: Flight, passengers: Sequence[ManifestPassenger]) -> list[Segment]:
    missing: list[tuple[uuid.UUID, str, str]] = []
    segments: list[Segment] = []
    for passenger in passengers:
        problems = [(passenger.entry_id, name, why) for name, why in _problems(passenger)]
        if problems:
            missing += problems
        else:
            segments += _segments(flight, passenger)
    if missing:
        raise ManifestIncomplete(missing)
    return segments


def _problems(passenger: ManifestPassenger) -> list[tuple[str, str]]:
    """(field, problem) for each thing `passenger` lacks for a PAXLST message."""
    problems: list[tuple[str, str]] = []
    names = _names(passenger)
    for name, value in (
        ("family_name", passenger.family_name),
        ("given_names", passenger.given_names),
    ):
        if border_name(value) is None:
            problems.append(
                (name, "not romanised: only Latin letters, spaces, - and ' may be sent")
            )
    if names is not None:
        family, given, middle = names
        if not family:
            problems.append(("family_name", "no name at all"))
        for name, value in (
            ("family_name", family),
            ("given_names", given),
            ("given_names", middle),
        ):
            if len(value) > _NAME_LENGTH:
                problems.append(
                    (name, f"a part longer than the {_NAME_LENGTH} characters PAXLST allows")
                )
    if passenger.date_of_birth.precision is DatePrecision.UNKNOWN:
        problems.append(("date_of_birth", "unknown; PAXLST needs at least the year of birth"))
    if not passenger.nationality or not _ALPHA3.fullmatch(passenger.nationality):
        problems.append(("nationality", "missing or not an ISO 3166-1 alpha-3 code"))
    if passenger.document is None:
        problems.append(("document", "no travel document"))
    return problems


def _names(passenger: ManifestPassenger) -> tuple[str, str, str] | None:
    """(family name, first given name, further given names) as the message carries them."""
    family = border_name(passenger.family_name)
    given = border_name(passenger.given_names)
    if family is None or given is None:
        return None
    if not family:
        family, given = given, ""  # one name only: a family name, as zones carry it
    first, _, middle = (given or _FIRST_NAME_UNKNOWN).partition(" ")
    return family, first, middle


def _segments(flight: Flight, passenger: ManifestPassenger) -> list[Segment]:
    names, document = _names(passenger), passenger.document
    if names is None or document is None or passenger.nationality is None:
        raise InvalidInput(f"manifest entry {passenger.entry_id}: checked before it is written")
    family, first, middle = names
    segments = [
        Segment("NAD", "FL", "", "", [family, first, middle]),  # FL: passenger
        Segment("ATT", "2", "", _SEX_CODES[passenger.sex]),  # 2: sex
        Segment("DTM", ["329", f"{_first_possible(passenger.date_of_birth):%y%m%d}"]),  # birth
        Segment("LOC", "178", flight.origin),  # 178: port of embarkation
        Segment("LOC", "179", flight.destination),  # 179: port of disembarkation
        Segment("NAT", "2", passenger.nationality),  # 2: current nationality
        Segment("RFF", ["ABO", passenger.entry_id.hex.upper()]),  # unique passenger reference
        Segment("DOC", [_DOCUMENT_CODES[document.kind], "110", "111"], document.number),
    ]
    if document.expiry is not None:
        segments.append(Segment("DTM", ["36", f"{document.expiry:%y%m%d}"]))  # 36: expiry
    segments.append(Segment("LOC", "91", document.issuing_state))  # 91: place of issue
    return segments


def _first_possible(born: PartialDate) -> dt.date:
    """The first day `born` allows: 1 January for a year, the 1st for a year and month."""
    if born.year is None:
        raise InvalidInput("an unknown date of birth has no first possible day")
    return dt.date(born.year, born.month or 1, born.day or 1)


def read_paxlst(text: str, *, today: dt.date) -> PassengerList:
    """The flight and passengers of the first PAXLST message in `text`.

    Two-digit years of birth are read as the latest year not after `today`; document expiry
    years as 20YY. Raises InvalidInput, naming the segment position, if `text` is not a valid
    PAXLST interchange.
    """
    findings = check_paxlst(text)
    if findings:
        raise InvalidInput(f"not a valid PAXLST interchange: {findings[0]}")
    segments = read_segments(text)
    unb = next(s for s in segments if s.tag == "UNB")
    unh = next(s for s in segments if s.tag == "UNH")
    start = segments.index(unh)
    end = next(k for k in range(start, len(segments)) if segments[k].tag == "UNT")
    body = segments[start + 1 : end]

    tdt = next(s for s in body if s.tag == "TDT")
    places: dict[str, tuple[str, dt.datetime | None]] = {}
    persons: list[list[Segment]] = []
    current: list[Segment] | None = None
    last_place = ""
    for segment in body:
        if segment.tag == "NAD" and component(segment, 0) in ("FL", "FM", "DDU", "DDT", "COT"):
            current = [segment]
            persons.append(current)
        elif current is not None:
            current.append(segment)
        elif segment.tag == "LOC":
            last_place = component(segment, 0)
            places[last_place] = (component(segment, 1), None)
        elif segment.tag == "DTM" and last_place:
            places[last_place] = (places[last_place][0], _moment(component(segment, 0, 1)))
    origin = places.get("125") or places.get("92") or ("", None)
    destination = places.get("87") or ("", None)
    return PassengerList(
        sender=component(unb, 1),
        recipient=component(unb, 2),
        message_ref=component(unh, 0),
        flight_number=component(tdt, 1),
        carrier=component(tdt, 4),
        origin=origin[0],
        destination=destination[0],
        departure=origin[1],
        arrival=destination[1],
        passengers=tuple(
            _listed(group, today) for group in persons if component(group[0], 0) == "FL"
        ),
    )


def _listed(group: list[Segment], today: dt.date) -> ListedPassenger:
    nad = group[0]
    given = " ".join(part for part in (component(nad, 3, 1), component(nad, 3, 2)) if part)
    sex = Sex.UNKNOWN
    born: dt.date | None = None
    nationality = ""
    reference = ""
    document: Document | None = None
    kind: DocumentKind | None = None
    number = issuer = ""
    expiry: dt.date | None = None
    in_document = False
    for segment in group[1:]:
        tag, qualifier = segment.tag, component(segment, 0)
        if tag == "DOC":
            in_document = True
            kind = _DOCUMENT_KINDS.get(qualifier)
            number = component(segment, 1)
        elif in_document and tag == "DTM" and qualifier == "36":
            expiry = _date(component(segment, 0, 1), century=2000)
        elif in_document and tag == "LOC" and qualifier == "91":
            issuer = component(segment, 1)
        elif tag == "ATT" and qualifier == "2":
            sex = _SEXES.get(component(segment, 2), Sex.UNKNOWN)
        elif tag == "DTM" and qualifier == "329":
            born = _birth(component(segment, 0, 1), today)
        elif tag == "NAT":
            nationality = component(segment, 1)
        elif tag == "RFF" and qualifier == "ABO":
            reference = component(segment, 0, 1)
    if kind is not None and number and issuer:
        document = Document(kind, number, issuer, expiry)
    if born is None:
        raise InvalidInput("PAXLST passenger without a date of birth (DTM+329)")
    return ListedPassenger(
        reference=reference,
        family_name=component(nad, 3, 0),
        given_names="" if given == _FIRST_NAME_UNKNOWN else given,
        sex=sex,
        date_of_birth=born,
        nationality=nationality,
        document=document,
    )


def _date(text: str, *, century: int) -> dt.date:
    if not re.fullmatch(r"[0-9]{6}", text):
        raise InvalidInput("PAXLST date is not YYMMDD")
    try:
        return dt.date(century + int(text[:2]), int(text[2:4]), int(text[4:6]))
    except ValueError as exc:
        raise InvalidInput("PAXLST date does not exist") from exc


def _birth(text: str, today: dt.date) -> dt.date:
    this_century = today.year // 100 * 100
    born = _date(text, century=this_century)
    return born if born <= today else _date(text, century=this_century - 100)


def _moment(text: str) -> dt.datetime | None:
    if not re.fullmatch(r"[0-9]{10}", text):
        return None
    # A wall-clock time local to its airport, as PAXLST carries it: no zone to attach.
    return dt.datetime.strptime(text, "%y%m%d%H%M")  # noqa: DTZ007
