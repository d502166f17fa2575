"""Writing a scenario to disk: each organisation's list as it would send it (CSV in its
encoding and delimiter, or XLSX), the truth beside them, and a manifest. Streams: one pass,
nothing held but the current block of households. Same seed, same bytes."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook

from refuge.domain import DocumentKind, InvalidInput
from refuge.scenario.households import OPERATION_DAY, HouseholdTruth, TruePerson
from refuge.scenario.lists import Cell, ListRecord, list_records
from refuge.scenario.organisations import ListProfile
from refuge.scenario.scenario import Listed, Scenario, ScenarioStats, Tally

__all__ = ["HOUSEHOLD_COLUMNS", "TRUTH_COLUMNS", "ScenarioFiles", "write_scenario"]

GENERATOR_VERSION = "1"

TRUTH_COLUMNS = (
    "file",
    "row",
    "record_id",
    "household_ref",
    "person_id",
    "household_id",
    "relationship",
    "given_latin",
    "family_latin",
    "given_arabic",
    "family_arabic",
    "date_of_birth",
    "sex",
    "nationalities",
    "passport",
    "tazkira",
    "phone",
    "program",
    "perturbations",
)
HOUSEHOLD_COLUMNS = (
    "household_id",
    "person_id",
    "relationship",
    "program",
    "organisations",
    "vulnerabilities",
    "given_latin",
    "family_latin",
    "given_arabic",
    "family_arabic",
    "date_of_birth",
    "sex",
    "nationalities",
    "passport",
    "tazkira",
    "visa",
    "phones",
)

# Fixed time stamps inside XLSX files, so that the same scenario gives the same bytes.
_ZIP_TIME = (2021, 8, 15, 0, 0, 0)
_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*")


@dataclass(frozen=True, slots=True)
class ScenarioFiles:
    out_dir: Path
    lists: tuple[Path, ...]
    truth: Path
    households: Path
    manifest: Path
    stats: ScenarioStats


class _ListWriter:
    """One organisation's file, open for appending rows."""

    def __init__(self, profile: ListProfile, path: Path) -> None:
        self.profile = profile
        self.path = path
        self.rows = 0
        self._handle: IO[str] | None = None
        self._csv: Any = None
        self._book: Workbook | None = None
        self._sheet: Any = None
        headers = [column.header for column in profile.columns]
        hxl = [column.hxl for column in profile.columns]
        if profile.file_format == "csv":
            self._handle = path.open("w", encoding=profile.encoding, newline="")
            self._csv = csv.writer(self._handle, delimiter=profile.delimiter)
            self._csv.writerow(headers)
            if any(hxl):
                self._csv.writerow(hxl)
        else:
            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet("List")
            for line in profile.title_rows:
                self._sheet.append([line] if line else [])
            self._sheet.append(headers)
            if any(hxl):
                self._sheet.append(hxl)

    @property
    def header_row(self) -> int:
        return len(self.profile.title_rows) + 1

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1 + any(column.hxl for column in self.profile.columns)

    def append(self, values: tuple[Cell, ...]) -> None:
        self.rows += 1
        if self._csv is not None:
            self._csv.writerow(_text(value) for value in values)
        else:
            self._sheet.append(list(values))

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
        if self._book is not None:
            self._book.properties.creator = self.profile.organisation.name
            self._book.save(self.path)
            _fix_zip_times(self.path)


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _fix_zip_times(path: Path) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temporary, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(rb"\g<1>2021-08-15T00:00:00Z", source.read(info))
                target.writestr(entry, data)
                continue
            with source.open(info) as reader, target.open(entry, "w") as writer:
                shutil.copyfileobj(reader, writer, 1 << 20)
    os.replace(temporary, path)


def _canonical(person: TruePerson) -> dict[str, str]:
    p = person.person
    passport = p.document(DocumentKind.PASSPORT)
    tazkira = p.document(DocumentKind.TAZKIRA)
    visa = p.document(DocumentKind.VISA)
    return {
        "person_id": str(p.id),
        "relationship": person.relationship.value,
        "given_latin": p.name.given_romanised,
        "family_latin": p.name.family_romanised,
        "given_arabic": person.given.arabic,
        "family_arabic": person.family.arabic,
        "date_of_birth": p.date_of_birth.iso(),
        "sex": p.sex.value,
        "nationalities": ";".join(p.nationalities),
        "passport": passport.number if passport else "",
        "tazkira": tazkira.number if tazkira else "",
        "visa": visa.number if visa else "",
        "phone": p.phones[0] if p.phones else "",
        "phones": ";".join(p.phones),
    }


def write_scenario(scenario: Scenario, out_dir: Path) -> ScenarioFiles:
    """Write every list, `truth.csv` (one row per list record), `households.csv` (every true
    person) and `scenario.json` (seed, counts, files and their columns) into `out_dir`."""
    try:
        return _write(scenario, out_dir)
    except OSError as exc:
        raise InvalidInput(f"cannot write the scenario to {out_dir}: {exc.strerror}") from exc


def _write(scenario: Scenario, out_dir: Path) -> ScenarioFiles:
    out_dir.mkdir(parents=True, exist_ok=True)
    writers = {p.code: _ListWriter(p, out_dir / p.file_name) for p in scenario.profiles}
    truth_path = out_dir / "truth.csv"
    households_path = out_dir / "households.csv"
    tally = Tally()
    try:
        with (
            truth_path.open("w", encoding="utf-8", newline="") as truth_file,
            households_path.open("w", encoding="utf-8", newline="") as households_file,
        ):
            truth = csv.writer(truth_file)
            truth.writerow(TRUTH_COLUMNS)
            members = csv.writer(households_file)
            members.writerow(HOUSEHOLD_COLUMNS)
            stream = _households(scenario, tally, members.writerow)
            listed = Listed()
            for record in list_records(scenario.profiles, stream, scenario.seed):
                tally.record(record)
                listed.add(record)
                writer = writers[record.organisation]
                writer.append(record.values)
                truth.writerow(_truth_row(writer.path.name, record))
            tally.unlisted = tally.stats.people - listed.total()
    finally:
        for writer in writers.values():
            writer.close()
    stats = tally.close()
    manifest = out_dir / "scenario.json"
    manifest.write_text(
        json.dumps(_manifest(scenario, writers, stats), ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    return ScenarioFiles(
        out_dir,
        tuple(writer.path for writer in writers.values()),
        truth_path,
        households_path,
        manifest,
        stats,
    )


def _households(
    scenario: Scenario, tally: Tally, write: Callable[[list[str]], object]
) -> Iterator[HouseholdTruth]:
    for truth in scenario.truths:
        tally.household(truth)
        for member in truth.members:
            write(_household_row(truth, member))
        yield truth


def _household_row(truth: HouseholdTruth, member: TruePerson) -> list[str]:
    values = _canonical(member)
    values.update(
        household_id=str(truth.household.id),
        program=truth.program,
        organisations=";".join(truth.organisations),
        vulnerabilities=";".join(truth.vulnerabilities),
    )
    return [values[column] for column in HOUSEHOLD_COLUMNS]


def _truth_row(file_name: str, record: ListRecord) -> list[str]:
    values = _canonical(record.person)
    values.update(
        file=file_name,
        row=str(record.row),
        record_id=record.record_id,
        household_ref=record.household_ref,
        household_id=str(record.household_id),
        program=record.program,
        perturbations=";".join(record.perturbations),
    )
    return [values[column] for column in TRUTH_COLUMNS]


def _manifest(
    scenario: Scenario, writers: dict[str, _ListWriter], stats: ScenarioStats
) -> dict[str, Any]:
    return {
        "generator": {"name": "refuge.scenario", "version": GENERATOR_VERSION},
        "names_dataset": scenario.names_dataset_version,
        "seed": scenario.seed,
        "people": scenario.people,
        "operation_day": OPERATION_DAY.isoformat(),
        "programs": [
            {"code": p.code, "name": p.name, "precedence": p.precedence} for p in scenario.programs
        ],
        "lists": [
            {
                "organisation": writer.profile.code,
                "organisation_name": writer.profile.organisation.name,
                "organisation_kind": writer.profile.organisation.kind.value,
                "file": writer.path.name,
                "format": writer.profile.file_format,
                "encoding": writer.profile.encoding or None,
                "delimiter": writer.profile.delimiter or None,
                "header_row": writer.header_row,
                "first_data_row": writer.first_data_row,
                "hxl": any(column.hxl for column in writer.profile.columns),
                "date_style": writer.profile.date_style,
                "records": writer.rows,
                "columns": [
                    {"header": c.header, "field": c.field, **({"hxl": c.hxl} if c.hxl else {})}
                    for c in writer.profile.columns
                ],
            }
            for writer in writers.values()
        ],
        "truth": {"file": "truth.csv", "columns": list(TRUTH_COLUMNS)},
        "households": {"file": "households.csv", "columns": list(HOUSEHOLD_COLUMNS)},
        "stats": stats.as_dict(),
    }
