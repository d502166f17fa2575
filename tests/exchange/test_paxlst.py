"""PAXLST messages for receiving states: they parse back with pydifact to the passengers they
were written from, have the structure and counts border systems check, escape EDIFACT's
separators in names, and refuse, by entry and field, passengers the message cannot carry."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydifact import Parser

from refuge.domain import Document, DocumentKind, InvalidInput, PartialDate, Sex
from refuge.exchange import (
    ManifestIncomplete,
    ManifestPassenger,
    border_name,
    check_paxlst,
    read_paxlst,
)

from .builders import TODAY, flight, passenger, send

SAMPLE = Path(__file__).parents[2] / ".." / "shared" / "reference" / "paxlst-sample-gtas.edi"


def segments_of(text: str) -> list[str]:
    """The message's segments as text, split at unreleased terminators."""
    parts: list[str] = []
    current = ""
    released = False
    for char in text:
        current += char
        if released:
            released = False
        elif char == "?":
            released = True
        elif char == "'":
            parts.append(current)
            current = ""
    return parts


def expected(p: ManifestPassenger) -> tuple[object, ...]:
    """What the message should say of `p`: names upper-cased, a partial date at its first day."""
    born = p.date_of_birth
    assert born.year is not None
    return (
        p.entry_id.hex.upper(),
        (p.family_name or p.given_names).upper(),
        p.given_names.upper() if p.family_name else "",
        p.sex,
        dt.date(born.year, born.month or 1, born.day or 1),
        p.nationality,
        p.document,
    )


def stated(text: str) -> list[tuple[object, ...]]:
    listed = read_paxlst(text, today=TODAY).passengers
    return [
        (
            x.reference,
            x.family_name,
            x.given_names,
            x.sex,
            x.date_of_birth,
            x.nationality,
            x.document,
        )
        for x in listed
    ]


def test_a_household_parses_back_to_the_same_passengers() -> None:
    household = uuid.uuid4()
    people = [
        passenger("Zahra", "Ahmadi", household=household),
        passenger("Omid", "Ahmadi", household=household, sex=Sex.MALE, born=PartialDate(2015)),
        passenger(
            "Mina",
            "Ahmadi",
            household=household,
            born=PartialDate(2019, 6),
            document=Document(DocumentKind.TAZKIRA, "T88120044", "AFG"),
        ),
    ]
    text = send(flight(), people, carrier="RCH", reporting_party="EVACUATION CELL")

    assert stated(text) == [expected(p) for p in people]
    read = read_paxlst(text, today=TODAY)
    assert [p.entry_id for p in read.passengers] == [p.entry_id for p in people]
    assert (read.flight_number, read.carrier, read.origin, read.destination) == (
        "RCH871",
        "RCH",
        "KBL",
        "DOH",
    )
    assert read.departure == dt.datetime(2021, 8, 20, 14, 30)  # noqa: DTZ001 - as written


# pydifact warns that its wheel lacks the syntax tables to check service segments against.
@pytest.mark.filterwarnings("ignore::pydifact.exceptions.MissingImplementationWarning")
def test_pydifact_itself_reads_the_names_dates_and_documents() -> None:
    text = send(flight(), [passenger("Zahra Gul", "O'Neill", born=PartialDate(1990))])

    segments = list(Parser().parse(text))
    by_tag = {s.tag: s for s in segments}
    assert by_tag["NAD"].elements == ["FL", "", "", ["O'NEILL", "ZAHRA", "GUL"]]
    assert by_tag["ATT"].elements == ["2", "", "F"]
    assert by_tag["DOC"].elements == [["P", "110", "111"], "P04471122"]
    dates = [s.elements[0] for s in segments if s.tag == "DTM"]
    assert ["329", "900101"] in dates  # a year-only date of birth goes as 1 January
    assert ["36", "270501"] in dates


def test_the_apostrophe_in_a_name_is_released_and_nothing_else_ends_a_segment() -> None:
    text = send(flight(), [passenger("Ali", "D'Souza")])

    assert "NAD+FL+++D?'SOUZA:ALI'" in segments_of(text)
    assert stated(text)[0][1] == "D'SOUZA"


def test_the_message_has_the_paxlst_envelope_and_correct_counts() -> None:
    people = [passenger(), passenger(given="Farid", sex=Sex.MALE)]
    text = send(flight(), people)
    parts = segments_of(text)

    assert parts[0] == "UNA:+.?*'"
    assert parts[1] == "UNB+UNOA:4+REFUGE OPS+DOHAPI+210820:0930+RFG000117++APIS'"
    assert parts[2] == "UNH+RFG000117+PAXLST:D:05B:UN:IATA'"
    assert parts[3] == "BGM+745'"
    unh, unt = parts.index("UNH+RFG000117+PAXLST:D:05B:UN:IATA'"), len(parts) - 2
    assert parts[unt] == f"UNT+{unt - unh + 1}+RFG000117'"
    assert parts[-1] == "UNZ+1+RFG000117'"
    assert "CNT+42:2'" in parts
    assert check_paxlst(text) == []


def test_a_one_name_person_goes_as_family_name_with_first_name_unknown() -> None:
    text = send(flight(), [passenger("Karimullah", "")])

    assert "NAD+FL+++KARIMULLAH:FNU'" in segments_of(text)
    assert stated(text)[0][1:3] == ("KARIMULLAH", "")


def test_diacritics_are_folded_and_names_upper_cased() -> None:
    text = send(flight(), [passenger("José Ælfrida", "Müller-Łukasz")])

    assert "NAD+FL+++MULLER-LUKASZ:JOSE:AELFRIDA'" in segments_of(text)


@pytest.mark.parametrize(
    ("given", "family", "field"),
    [
        ("زهرا", "Ahmadi", "given_names"),
        ("Zahra", "احمدی", "family_name"),
        ("Zahra2", "Ahmadi", "given_names"),
        ("Zahra", "Ahmadi+", "family_name"),
        ("", "", "family_name"),
        ("Zahra", "A" * 36, "family_name"),
    ],
)
def test_a_name_that_cannot_be_sent_is_refused_by_entry_and_field(
    given: str, family: str, field: str
) -> None:
    person = passenger(given, family)

    with pytest.raises(ManifestIncomplete) as caught:
        send(flight(), [person])

    assert [(e, f) for e, f, _ in caught.value.missing] == [(person.entry_id, field)]
    assert str(person.entry_id) in caught.value.message
    for data in (given, family):
        if data:
            assert data not in caught.value.message


def test_every_missing_field_of_every_passenger_is_named_and_no_data_is() -> None:
    complete = passenger("Nadia", "Rahimi")
    undated = passenger("Samir", "Nazari", born=PartialDate.unknown())
    stateless = passenger("Laila", "Haidari", nationality=None, no_document=True)

    with pytest.raises(ManifestIncomplete) as caught:
        send(flight(), [complete, undated, stateless])

    assert [(e, f) for e, f, _ in caught.value.missing] == [
        (undated.entry_id, "date_of_birth"),
        (stateless.entry_id, "nationality"),
        (stateless.entry_id, "document"),
    ]
    assert caught.value.code == "manifest_incomplete"
    for secret in ("Nadia", "Samir", "Nazari", "Laila", "Haidari", "P04471122", "1988"):
        assert secret not in caught.value.message


@pytest.mark.parametrize(
    "envelope",
    [
        {"message_ref": "ref-1"},
        {"message_ref": "A" * 15},
        {"sender": "REFUGE+OPS"},
        {"recipient": ""},
        {"carrier": "R'C"},
        {"now": dt.datetime(2021, 8, 20, 9, 30)},  # noqa: DTZ001 - the naive time under test
        {"arrival": dt.datetime(2021, 8, 20, 22, 0)},  # noqa: DTZ001 - the naive time under test
    ],
)
def test_an_envelope_value_that_would_break_the_message_is_refused(
    envelope: dict[str, object],
) -> None:
    with pytest.raises(InvalidInput):
        send(flight(), [passenger()], **envelope)


def test_sexes_travel_as_icao_codes() -> None:
    sexes = [Sex.FEMALE, Sex.MALE, Sex.OTHER, Sex.UNKNOWN]
    text = send(flight(), [passenger(sex=s) for s in sexes])

    assert [p[3] for p in stated(text)] == sexes
    assert [s for s in segments_of(text) if s.startswith("ATT")] == [
        "ATT+2++F'",
        "ATT+2++M'",
        "ATT+2++X'",
        "ATT+2++U'",
    ]


def test_an_arrival_time_is_written_after_the_arrival_place() -> None:
    arrival = dt.datetime(2021, 8, 20, 21, 5, tzinfo=dt.UTC)
    text = send(flight(), [passenger()], arrival=arrival)
    parts = segments_of(text)

    assert parts[parts.index("LOC+87+DOH'") + 1] == "DTM+232:2108202105:201'"
    assert read_paxlst(text, today=TODAY).arrival == arrival.replace(tzinfo=None)


def test_an_empty_manifest_is_a_valid_message_counting_nobody() -> None:
    text = send(flight(), [])

    assert check_paxlst(text) == []
    assert "CNT+42:0'" in segments_of(text)


LATIN = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ'- ", min_size=0, max_size=30)


@settings(max_examples=40, deadline=None)
@given(
    names=st.lists(st.tuples(LATIN, LATIN), min_size=1, max_size=4),
    born=st.dates(dt.date(1922, 1, 1), dt.date(2021, 8, 19)),
    precision=st.sampled_from(["full", "year_month", "year"]),
    sex=st.sampled_from(list(Sex)),
    kind=st.sampled_from(list(DocumentKind)),
    number=st.from_regex(r"[A-Z0-9]{1,20}", fullmatch=True),
    expiry=st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2060, 12, 31)),
)
def test_any_sendable_passenger_list_parses_back_unchanged(
    names: list[tuple[str, str]],
    born: dt.date,
    precision: str,
    sex: Sex,
    kind: DocumentKind,
    number: str,
    expiry: dt.date | None,
) -> None:
    date = {
        "full": PartialDate.of(born),
        "year_month": PartialDate(born.year, born.month),
        "year": PartialDate(born.year),
    }[precision]
    people = []
    for first, family in names:
        clean_given, clean_family = border_name(first), border_name(family)
        if not clean_given and not clean_family:
            continue  # nameless: refused, tested above
        people.append(
            passenger(
                clean_given or "",
                clean_family or "",
                sex=sex,
                born=date,
                document=Document(kind, number, "AFG", expiry),
            )
        )
    text = send(flight(), people)

    assert check_paxlst(text) == []
    assert stated(text) == [expected(p) for p in people]


def test_the_checker_finds_a_wrong_message_count() -> None:
    text = send(flight(), [passenger()])
    broken = text.replace("UNT+18+", "UNT+17+")

    findings = check_paxlst(broken)

    assert [(f.tag, "counts 17, message has 18" in f.problem) for f in findings] == [("UNT", True)]


def test_the_checker_finds_a_wrong_interchange_count_and_reference() -> None:
    text = send(flight(), [passenger()])

    assert [f.tag for f in check_paxlst(text.replace("UNZ+1+", "UNZ+2+"))] == ["UNZ"]
    assert "control reference" in str(check_paxlst(text.replace("UNZ+1+RFG000117", "UNZ+1+X")))


def test_the_checker_finds_a_missing_mandatory_segment() -> None:
    parts = segments_of(send(flight(), [passenger()]))
    without_bgm = [p for p in parts if not p.startswith("BGM")]
    without_bgm = [p.replace("UNT+18+", "UNT+17+") for p in without_bgm]

    findings = check_paxlst("".join(without_bgm))

    assert [str(f) for f in findings] == ["segment 4 (TDT): segment BGM is missing"]


def test_the_checker_finds_a_segment_out_of_order() -> None:
    parts = segments_of(send(flight(), [passenger()]))
    birth = parts.pop(next(i for i, p in enumerate(parts) if p.startswith("DTM+329")))
    nat = next(i for i, p in enumerate(parts) if p.startswith("NAT"))
    parts.insert(nat + 1, birth)  # date of birth after nationality

    findings = check_paxlst("".join(parts))

    assert [(f.position, f.tag) for f in findings] == [(nat + 2, "DTM")]
    assert "out of place" in findings[0].problem


def test_the_checker_finds_a_control_total_that_does_not_count_the_passengers() -> None:
    text = send(flight(), [passenger(), passenger()])

    findings = check_paxlst(text.replace("CNT+42:2'", "CNT+42:3'"))

    assert [(f.tag, f.problem) for f in findings] == [("CNT", "control total is not 2")]


def test_the_checker_names_no_data_and_reports_unreadable_text() -> None:
    text = send(flight(), [passenger("Zahra", "Ahmadi")])

    findings = check_paxlst(text.replace("UNH+RFG000117+PAXLST", "UNH+RFG000117+PAXLSX"))
    assert findings
    assert all("AHMADI" not in str(f) for f in findings)
    assert check_paxlst("UNB+UNOA:4+A+B+210820:0930+1'UNH+1+PAXLST:D:05B:UN'garbage")
    assert check_paxlst("")[0].position == 0


def test_read_paxlst_refuses_an_invalid_interchange() -> None:
    text = send(flight(), [passenger()])

    with pytest.raises(InvalidInput, match="segment"):
        read_paxlst(text.replace("UNZ+1+", "UNZ+9+"), today=TODAY)


def test_dates_of_birth_read_back_into_the_right_century() -> None:
    old = passenger(born=PartialDate(1931, 2, 3))
    young = passenger(born=PartialDate(2020, 2, 3))

    text = send(flight(), [old, young])

    assert [p[4] for p in stated(text)] == [dt.date(1931, 2, 3), dt.date(2020, 2, 3)]


@pytest.mark.skipif(not SAMPLE.exists(), reason=f"public PAXLST sample not found at {SAMPLE}")
def test_the_public_gtas_sample_passes_the_structural_check() -> None:
    text = SAMPLE.read_text(encoding="ascii")

    assert check_paxlst(text) == []
    read = read_paxlst(text, today=dt.date(2007, 2, 18))
    assert [p.family_name for p in read.passengers] == ["CLARK", "CLARK"]
    assert [p.date_of_birth for p in read.passengers] == [dt.date(1972, 9, 7), dt.date(1973, 4, 7)]


@pytest.mark.skipif(not SAMPLE.exists(), reason=f"public PAXLST sample not found at {SAMPLE}")
def test_the_checker_catches_a_miscounted_sample() -> None:
    text = SAMPLE.read_text(encoding="ascii")

    findings = check_paxlst(text.replace("UNT+33+", "UNT+32+").replace("UNE+1+1", "UNE+2+1"))

    assert [f.tag for f in findings] == ["UNT", "UNE"]
