"""Written scenarios: readable lists in each organisation's own format, a truth row for every
record, and the same bytes for the same seed."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path

import phonenumbers
import pytest

from refuge.domain import InvalidInput, Script, script_of
from refuge.scenario import Scenario, ScenarioFiles, generate, write_scenario
from refuge.scenario.organisations import FIELDS

from .reading import manifest, read_csv, read_rows


def _digests(directory: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.iterdir())
    }


def test_the_same_seed_writes_byte_identical_files_and_another_seed_does_not(
    tmp_path: Path,
) -> None:
    first = write_scenario(generate(400, seed=3), tmp_path / "a")
    again = write_scenario(generate(400, seed=3), tmp_path / "b")
    other = write_scenario(generate(400, seed=4), tmp_path / "c")

    assert _digests(first.out_dir) == _digests(again.out_dir)
    assert any(path.suffix == ".xlsx" for path in first.lists)
    differing = _digests(first.out_dir).items() ^ _digests(other.out_dir).items()
    assert {name for name, _ in differing} >= {"truth.csv", "households.csv"}


def test_every_list_file_reads_back_with_its_declared_headers_and_row_count(
    written: ScenarioFiles,
) -> None:
    meta = manifest(written.out_dir)
    assert {entry["format"] for entry in meta["lists"]} == {"csv", "xlsx"}
    assert {entry["encoding"] for entry in meta["lists"]} >= {"utf-8", "utf-8-sig", "utf-16"}
    assert {entry["delimiter"] for entry in meta["lists"]} >= {",", ";", "\t"}
    for entry in meta["lists"]:
        header, rows = read_rows(written.out_dir, entry)
        assert header == [column["header"] for column in entry["columns"]]
        assert len(rows) == entry["records"] > 0, entry["file"]
        assert all(len(row) == len(header) for row in rows)


def test_one_list_carries_an_hxl_hashtag_row_and_some_have_dari_or_pashto_headers(
    written: ScenarioFiles,
) -> None:
    meta = manifest(written.out_dir)
    hxl = [entry for entry in meta["lists"] if entry["hxl"]]
    assert len(hxl) == 1
    path = written.out_dir / hxl[0]["file"]
    second_line = path.read_text(encoding=hxl[0]["encoding"]).splitlines()[1]
    assert second_line.startswith("#affected+id,")
    assert "#affected+name+given" in second_line
    perso_arabic_headers = [
        entry
        for entry in meta["lists"]
        if all(script_of(column["header"]) is Script.ARABIC for column in entry["columns"][3:6])
    ]
    assert len(perso_arabic_headers) >= 2


def test_every_list_record_has_exactly_one_truth_row_naming_a_true_person_and_household(
    written: ScenarioFiles,
) -> None:
    truth = read_csv(written.truth)
    people = read_csv(written.households)
    true_people = {row["person_id"]: row["household_id"] for row in people}
    meta = manifest(written.out_dir)

    keys = Counter((row["file"], int(row["row"])) for row in truth)
    assert all(count == 1 for count in keys.values())
    for entry in meta["lists"]:
        rows = {row for file, row in keys if file == entry["file"]}
        assert rows == set(range(1, entry["records"] + 1)), entry["file"]
    assert all(true_people[row["person_id"]] == row["household_id"] for row in truth)
    assert len(people) == meta["people"] == 5000


def test_truth_record_ids_match_the_ids_written_in_the_lists(written: ScenarioFiles) -> None:
    truth = read_csv(written.truth)
    by_file: dict[str, dict[int, str]] = {}
    for row in truth:
        by_file.setdefault(row["file"], {})[int(row["row"])] = row["record_id"]
    persian = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
    for entry in manifest(written.out_dir)["lists"]:
        header, rows = read_rows(written.out_dir, entry)
        column = next(c["header"] for c in entry["columns"] if c["field"] == "record_id")
        index = header.index(column)
        for number, row in enumerate(rows, start=1):
            assert str(row[index]).translate(persian) == by_file[entry["file"]][number]


def test_canonical_phones_in_the_truth_are_valid_e164_numbers(written: ScenarioFiles) -> None:
    phones = [
        phone for row in read_csv(written.households) for phone in row["phones"].split(";") if phone
    ]
    assert len(phones) > 500
    for phone in phones:
        parsed = phonenumbers.parse(phone)
        assert phonenumbers.is_valid_number(parsed), phone
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == phone


def test_lists_write_phones_in_local_formats_as_well_as_e164(written: ScenarioFiles) -> None:
    truth = read_csv(written.truth)
    styles = Counter(
        tag.split(":")[1]
        for row in truth
        for tag in row["perturbations"].split(";")
        if tag.startswith("phone:")
    )
    assert styles["national"] > 50
    assert styles["e164"] > 50
    harbor = next(e for e in manifest(written.out_dir)["lists"] if e["file"].startswith("harbor"))
    header, rows = read_rows(written.out_dir, harbor)
    phone = header.index("Phone")
    local = [row[phone] for row in rows if str(row[phone]).startswith("07")]
    assert local
    assert all(len(number.split(" ")) == 3 for number in local)  # "0700 123 456"


def test_an_excel_list_holds_real_date_cells(written: ScenarioFiles) -> None:
    entry = next(e for e in manifest(written.out_dir)["lists"] if e["date_style"] == "excel")
    header, rows = read_rows(written.out_dir, entry)
    dob = header.index("DOB")
    cells = [row[dob] for row in rows if row[dob] is not None]
    assert sum(isinstance(cell, dt.datetime) for cell in cells) > len(cells) / 2


def test_the_manifest_counts_match_the_scenario(scenario: Scenario, written: ScenarioFiles) -> None:
    meta = manifest(written.out_dir)
    assert meta["seed"] == 11
    assert meta["stats"]["households"] == len(scenario.households)
    assert meta["stats"]["records"] == sum(entry["records"] for entry in meta["lists"])
    assert meta["stats"] == scenario.stats.as_dict()


def test_an_unwritable_destination_is_one_clear_error_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file where the directory should go", encoding="utf-8")
    with pytest.raises(InvalidInput, match="cannot write the scenario to .*taken"):
        write_scenario(generate(100, seed=1), blocker / "out")


def test_every_column_maps_to_a_known_canonical_field(written: ScenarioFiles) -> None:
    for entry in manifest(written.out_dir)["lists"]:
        fields = [column["field"] for column in entry["columns"]]
        assert set(fields) <= set(FIELDS), entry["file"]
        assert len(fields) == len(set(fields))
        assert {"record_id", "household_ref", "relationship"} <= set(fields)
