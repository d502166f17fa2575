"""Reading whole lists: every row accounted for, the report, profiles chosen, re-import keys."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refuge.domain import InvalidInput, PartialDate, Relationship, Sex
from refuge.intake import (
    Change,
    DateOrder,
    IntakeRecord,
    Profile,
    Progress,
    RecordKeys,
    RejectedRow,
    Severity,
    content_hash,
    inspect_list,
    read_list,
)
from refuge.intake import IntakeField as F

TODAY = dt.date(2026, 11, 25)
ORG = "kabul-ngo"
DARI_HEADER = ["نام", "تخلص", "نام پدر", "تاریخ تولد", "جنسیت", "تذکره", "شماره تماس", "ملیت"]
AHMAD = ["احمد", "کریمی", "محمد", "1364/05/12", "مرد", "1400-0101-12345", "0700 123 456", "افغان"]
MARYAM = ["مریم", "احمدی", "", "1/1/1985", "زن", "", "0799123456", "Afghan"]
BAD = ["علی", "رضایی", "", "31/02/1985", "M", "", "12", "Atlantis"]


def read(path: Path, **kwargs: object) -> tuple[list[IntakeRecord], list[RejectedRow], str]:
    run = read_list(path, organisation=ORG, today=TODAY, **kwargs)  # type: ignore[arg-type]
    results = list(run)
    accepted = [r for r in results if isinstance(r, IntakeRecord)]
    rejected = [r for r in results if isinstance(r, RejectedRow)]
    assert run.report.finished
    assert run.report.balanced
    assert (run.report.accepted, run.report.rejected) == (len(accepted), len(rejected))
    return accepted, rejected, run.report.render()


def test_a_dari_list_becomes_normalised_records_with_provenance(
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv([DARI_HEADER, AHMAD], delimiter=";", encoding="utf-8-sig")

    (record,), rejected, _ = read(path)

    assert rejected == []
    assert (record.name.given, record.name.family_romanised) == ("احمد", "Karimi")
    assert record.father_name is not None
    assert record.father_name.romanised == "Mohammad"
    assert record.date_of_birth == PartialDate(1985, 8, 3)
    assert record.sex is Sex.MALE
    assert record.tazkira_number == "1400010112345"
    assert record.phones == ("+93700123456",)
    assert record.nationalities == ("AFG",)
    assert record.warnings == ()
    provenance = record.provenance
    assert (provenance.organisation, provenance.file, provenance.sheet, provenance.row) == (
        ORG,
        "list.csv",
        None,
        2,
    )
    assert provenance.content_hash == content_hash(path)


def test_a_rejected_row_keeps_its_original_values_and_every_problem(
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv([DARI_HEADER, AHMAD, BAD])

    _, (rejected,), _ = read(path)

    assert rejected.provenance.row == 3
    assert [value for _, value in rejected.values] == BAD
    assert [(p.field, p.problem) for p in rejected.errors] == [
        ("date_of_birth", "day out of range for its month"),
        ("nationality", "not a country or nationality Refuge recognises"),
        ("phone", "phone number not valid: too short"),
    ]
    assert rejected.errors[0].column == "تاریخ تولد"


def test_the_report_names_file_row_and_field_of_each_problem_and_no_personal_value(
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv([["Staff list"], DARI_HEADER, AHMAD, MARYAM, [], BAD], name="staff.csv")

    _, _, report = read(path)

    assert (
        "Rows: 3 read = 2 accepted (1 with warnings) + 1 rejected; blank rows passed over: 1"
        in report
    )
    assert (
        "the file: header at row 2 (rows above it read as titles, not data), mapping proposed"
    ) in report
    assert (
        "file staff.csv, row 4, field date_of_birth (column تاریخ تولد): warning: "
        "1 January is often written when only the year is known"
    ) in report
    assert "file staff.csv, row 6, field phone (column شماره تماس): error: " in report
    assert "file staff.csv, row 6, field nationality (column ملیت): error: " in report
    for row in (AHMAD, MARYAM, BAD):
        for value in row:
            if len(value) > 2:
                assert value not in report


def test_unmapped_columns_and_values_past_the_header_are_kept_not_dropped(
    write_csv: Callable[..., Path],
) -> None:
    regular = [["Ahmad Karimi", "green"]] * 30
    wide = ["Maryam Ahmadi", "blue", "stray"]
    path = write_csv([["Name", "Favourite colour"], *regular, wide])

    accepted, _, _ = read(path)

    assert accepted[0].unmapped == (("Favourite colour", "green"),)
    assert accepted[-1].unmapped == (("Favourite colour", "blue"), ("column C", "stray"))
    assert ("row", "values beyond the last column of the header") in [
        (w.field, w.problem) for w in accepted[-1].warnings
    ]


def test_a_file_cut_off_inside_its_last_row_says_so_on_that_row(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_text("Name,Phone\nAhmad Karimi,0700123456\nMaryam Ahm", encoding="utf-8")

    (first, last), _, report = read(path)

    assert all(w.field != "row" for w in first.warnings)
    assert ("row", "the file ends inside this row: it may be cut short") in [
        (w.field, w.problem) for w in last.warnings
    ]
    assert "file cut.csv, row 3: warning: the file ends inside this row" in report


def test_a_repeated_row_is_accepted_and_flagged_as_a_repeat(
    write_csv: Callable[..., Path],
) -> None:
    changed = [*AHMAD[:6], "0799 000 111", AHMAD[7]]
    path = write_csv([DARI_HEADER, AHMAD, MARYAM, AHMAD, changed])

    accepted, _, report = read(path)

    assert [w.problem for w in accepted[2].warnings] == ["repeats row 2 of this file"]
    assert [(w.field, w.problem) for w in accepted[3].warnings] == [
        ("tazkira_number", "same tazkira as row 2, other values differ")
    ]
    assert "repeats of an earlier row: 1" in report


def test_every_sheet_of_a_workbook_is_read_and_a_sheet_without_names_is_skipped_and_said(
    write_xlsx: Callable[..., Path],
) -> None:
    path = write_xlsx(
        {
            "Read me": [["How to fill in this list"], ["One person per row"]],
            "Staff": [["Given name", "Family name", "DOB"], ["Ahmad", "Karimi", 31118]],
            "Families": [["Name", "Relationship"], ["Zahra Karimi", "wife"], ["Omid", "son"]],
        }
    )

    accepted, _, report = read(path)

    assert [(r.provenance.sheet, r.provenance.row) for r in accepted] == [
        ("Staff", 2),
        ("Families", 2),
        ("Families", 3),
    ]
    assert accepted[0].date_of_birth == PartialDate(1985, 3, 12)
    assert accepted[1].relationship is Relationship.SPOUSE
    assert "sheet Read me: skipped, no column maps to a name" in report
    assert "sheet Staff: header at row 1, mapping proposed from headers" in report
    assert "rows in skipped sheets: 1" in report


def test_a_named_sheet_without_a_name_column_is_refused(write_xlsx: Callable[..., Path]) -> None:
    path = write_xlsx({"Read me": [["How to fill in"], ["..."]], "Staff": [["Name"], ["A B"]]})

    with pytest.raises(InvalidInput, match="file list.xlsx, sheet Read me: no column maps"):
        list(read_list(path, organisation=ORG, sheet="Read me"))


def test_an_hxl_list_is_mapped_by_its_hashtags(write_csv: Callable[..., Path]) -> None:
    path = write_csv(
        [
            ["Vorname", "Nachname", "Geburtsdatum", "Telefon", "Staatsangehörigkeit", "Ref"],
            ["#affected+name+given", "#affected+name+family", "#affected+birth+date",
             "#contact+phone", "#affected+nationality", "#meta+id"],
            ["Ahmad", "Karimi", "1985-03-12", "+93700123456", "AFG", "K-17"],
        ]
    )  # fmt: skip

    (record,), _, report = read(path)

    assert "the file: header at row 1, hashtags at row 2, mapping proposed" in report

    assert (record.name.given, record.name.family) == ("Ahmad", "Karimi")
    assert record.source_id == "K-17"
    assert record.nationalities == ("AFG",)


def test_a_given_profile_maps_the_file_with_its_date_order_and_words(
    write_csv: Callable[..., Path],
) -> None:
    profile = Profile(
        ORG,
        "staff",
        (("Prénom", F.GIVEN_NAME), ("Nom", F.FAMILY_NAME), ("Né le", F.DATE_OF_BIRTH),
         ("Genre", F.SEX)),
        date_order=DateOrder.MONTH_FIRST,
        values={"sex": {"Mme": "F"}},
    )  # fmt: skip
    path = write_csv([["Prénom", "Nom", "Né le", "Genre"], ["Zoë", "Karimi", "03/04/1990", "Mme"]])

    (record,), _, report = read(path, profile=profile)

    assert record.date_of_birth == PartialDate(1990, 3, 4)
    assert record.sex is Sex.FEMALE
    assert "profile staff" in report


def test_a_profile_whose_columns_are_missing_is_refused_by_name(
    write_csv: Callable[..., Path],
) -> None:
    profile = Profile(ORG, "staff", (("Prénom", F.GIVEN_NAME), ("Téléphone", F.PHONE)))
    path = write_csv([["Prénom"], ["Zoë"]])

    with pytest.raises(InvalidInput, match="column 'Téléphone' of profile staff is not in"):
        list(read_list(path, organisation=ORG, profile=profile))


def test_another_organisations_profile_is_refused(write_csv: Callable[..., Path]) -> None:
    profile = Profile("herat-ngo", "staff", (("Name", F.FULL_NAME),))

    with pytest.raises(InvalidInput, match="belongs to organisation herat-ngo, not kabul-ngo"):
        read_list(write_csv([["Name"], ["A B"]]), organisation=ORG, profile=profile)


def test_an_organisations_own_profile_is_chosen_over_a_proposal(
    write_csv: Callable[..., Path],
) -> None:
    own = Profile(ORG, "odd", (("Col1", F.FAMILY_NAME), ("Col2", F.GIVEN_NAME)))
    path = write_csv([["Col1", "Col2"], ["Karimi", "Ahmad"]])

    (record,), _, _ = read(path, profiles=[own, Profile("herat-ngo", "x", (("Col1", F.NOTES),))])

    assert (record.name.given, record.name.family) == ("Ahmad", "Karimi")


def test_the_report_lists_a_bounded_number_of_problems_but_counts_all(
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv([DARI_HEADER, *[BAD] * 30])

    run = read_list(path, organisation=ORG, today=TODAY, max_listed=5)
    list(run)

    assert len(run.report.problems) == 5
    assert run.report.unlisted == 30 * 3 - 5
    assert sum(run.report.by_field.values()) == 30 * 3
    assert "... and 85 more" in run.report.render()


def test_progress_is_reported_while_reading_and_ends_complete(
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv([["Name"], *[["Ahmad Karimi"]] * 2500])
    seen: list[Progress] = []

    list(read_list(path, organisation=ORG, on_progress=seen.append))

    assert [p.rows for p in seen] == [1000, 2000, 2500]
    assert all(p.fraction is not None and 0 < p.fraction <= 1 for p in seen)
    assert seen[-1].fraction == 1.0


def test_the_report_is_complete_only_once_the_rows_are_all_read(
    write_csv: Callable[..., Path],
) -> None:
    run = read_list(write_csv([["Name"], ["A B"], ["C D"]]), organisation=ORG)

    next(run)
    assert (run.report.read, run.report.finished) == (1, False)
    list(run)
    assert (run.report.read, run.report.finished) == (2, True)


def test_reimporting_a_corrected_list_tells_unchanged_changed_and_new_rows(
    write_csv: Callable[..., Path],
) -> None:
    keys = RecordKeys(b"k" * 32)
    first = write_csv([DARI_HEADER, AHMAD, MARYAM], name="v1.csv")
    fixed_maryam = [*MARYAM[:3], "03/1985", *MARYAM[4:]]
    newcomer = ["زهرا", "کریمی", "احمد", "1395", "زن", "", "", "افغان"]
    # The corrected list has a row inserted at the top: row numbers are not identity.
    second = write_csv([DARI_HEADER, newcomer, AHMAD, fixed_maryam], name="v2.csv")

    before, _, _ = read(first)
    known = {keys.key(r).identity: keys.key(r).content for r in before}
    after, _, _ = read(second)

    assert [keys.change(r, known) for r in after] == [Change.NEW, Change.UNCHANGED, Change.CHANGED]
    assert [keys.key(r).basis for r in after] == ["name", "tazkira", "name"]


def test_record_keys_are_keyed_by_the_secret_and_ignore_where_the_row_was(
    write_csv: Callable[..., Path],
) -> None:
    (at_row_2,), _, _ = read(write_csv([DARI_HEADER, AHMAD], name="a.csv"))
    (_, at_row_3), _, _ = read(write_csv([DARI_HEADER, MARYAM, AHMAD], name="b.csv"))
    one, other = RecordKeys(b"1" * 32), RecordKeys(b"2" * 32)

    assert one.key(at_row_2) == one.key(at_row_3)
    assert one.key(at_row_2).identity != other.key(at_row_2).identity


def test_inspecting_a_list_proposes_a_mapping_per_sheet(write_xlsx: Callable[..., Path]) -> None:
    path = write_xlsx(
        {"Staff": [["نوم", "تخلص"], ["احمد", "کریمی"]], "Notes": [["Remarks"], ["call back"]]}
    )

    proposals = inspect_list(path)

    assert [(p.header.sheet, [c.field for c in p.columns]) for p in proposals] == [
        ("Staff", [F.GIVEN_NAME, F.FAMILY_NAME]),
        ("Notes", [F.NOTES]),
    ]


def test_a_windows_1256_list_with_the_usual_faults_gets_exactly_this_report(
    tmp_path: Path,
) -> None:
    lines = [
        "فهرست کارمندان",  # a title above the header
        "",
        "نام;تخلص;تاريخ تولد;شماره تماس;مليت",  # Arabic ya, as Windows-1256 has it
        "احمد;کريمي;1364/05/12;0700 123 456;افغان",
        "مريم;احمدي;1/1/1985;12;افغان",
        "",
        "احمد;کريمي;1364/05/12;0700 123 456;افغان",
        "علي;رضايي;1370/13/01;0799123456;Atlantis",
        "زهرا;نوري;1365",  # cut off in transfer
    ]
    path = tmp_path / "staff.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1256"))

    accepted, rejected, report = read(path)

    assert [r.provenance.row for r in accepted] == [4, 7, 9]
    assert [r.provenance.row for r in rejected] == [5, 8]
    assert accepted[2].name.family == "نوري"
    assert report == "\n".join(
        [
            "Intake of file staff.csv (sha256 c5b4dcdad3ba) for organisation kabul-ngo",
            "  the file: header at row 3 (rows above it read as titles, not data), mapping "
            "proposed from headers",
            "    نام -> given_name",
            "    تخلص -> family_name",
            "    تاريخ تولد -> date_of_birth",
            "    شماره تماس -> phone",
            "    مليت -> nationality",
            "Rows: 5 read = 3 accepted (2 with warnings) + 2 rejected; blank rows passed over: 1; "
            "repeats of an earlier row: 1",
            "Problems by field:",
            "  date_of_birth        error          1  month out of range",
            "  date_of_birth        warning        1  1 January is often written when only the "
            "year is known",
            "  date_of_birth        warning        1  Shamsi year only: the Gregorian year may be "
            "one later",
            "  nationality          error          1  not a country or nationality Refuge "
            "recognises",
            "  phone                error          1  phone number not valid: too short",
            "  row                  warning        1  repeats row 4 of this file",
            "  row                  warning        1  the file ends inside this row: it may be cut "
            "short",
            "Problems:",
            "  file staff.csv, row 5, field date_of_birth (column تاريخ تولد): warning: 1 January "
            "is often written when only the year is known",
            "  file staff.csv, row 5, field phone (column شماره تماس): error: phone number not "
            "valid: too short",
            "  file staff.csv, row 7: warning: repeats row 4 of this file",
            "  file staff.csv, row 8, field date_of_birth (column تاريخ تولد): error: month out of "
            "range",
            "  file staff.csv, row 8, field nationality (column مليت): error: not a country or "
            "nationality Refuge recognises",
            "  file staff.csv, row 9, field date_of_birth (column تاريخ تولد): warning: Shamsi "
            "year only: the Gregorian year may be one later",
            "  file staff.csv, row 9: warning: the file ends inside this row: it may be cut short",
        ]
    )


def test_inspecting_a_list_reads_its_header_and_no_further(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    good = "Name,Phone\n" + "Ahmad Karimi,0700123456\n" * 5000
    path.write_bytes(good.encode() + "Maryam Hérati,0799123456\n".encode("cp1252"))

    (proposal,) = inspect_list(path)

    assert [c.field for c in proposal.columns] == [F.FULL_NAME, F.PHONE]
    with pytest.raises(InvalidInput, match="row 5002: bytes that are not valid utf-8"):
        list(read_list(path, organisation=ORG))


# Counts ---------------------------------------------------------------------------------------

CELLS = st.one_of(
    st.sampled_from(["", " ", "Ahmad", "کریمی", "1364/05/12", "1/1/1985", "31/02/1985", "0700"]),
    # Left out: control characters (NUL is not CSV), "#" (a row of hashtags is HXL) and the
    # other delimiters (a sample made of little else can outvote the header's commas).
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="#;|\t"),
        max_size=12,
    ),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.lists(CELLS, min_size=0, max_size=6), max_size=25))
def test_for_any_list_rows_read_equal_accepted_plus_rejected(rows: list[list[str]]) -> None:
    header = ["Given name", "Family name", "Date of birth", "Phone", "Nationality"]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "any.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(header)
            writer.writerows(rows)
        run = read_list(path, organisation=ORG, today=TODAY)
        results = list(run)
    report = run.report
    assert report.read == len(results) == report.accepted + report.rejected
    non_blank = sum(1 for row in rows if any(cell.strip() for cell in row))
    assert report.read == non_blank
    for result in results:
        if isinstance(result, RejectedRow):
            assert any(p.severity is Severity.ERROR for p in result.problems)
