"""A generated operation's lists, written by the scenario generator and read back through
intake, with the truth beside each record: what the linkage tests link and score against."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from refuge.intake import IntakeRecord, read_list
from refuge.matching import LinkRecord, link_record
from refuge.scenario import generate, write_scenario

TODAY = dt.date(2026, 11, 25)


@dataclass(frozen=True)
class Listed:
    records: list[LinkRecord]
    person: dict[str, str]  # record id -> true person id
    household: dict[str, str]  # record id -> true household id
    perturbations: dict[str, str]


def read_scenario(out_dir: Path, people: int, seed: int) -> Listed:
    files = write_scenario(generate(people, seed=seed), out_dir)
    truth: dict[tuple[str, int], dict[str, str]] = {}
    with files.truth.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            truth[(row["file"], int(row["row"]))] = row
    records: list[LinkRecord] = []
    person: dict[str, str] = {}
    household: dict[str, str] = {}
    perturbations: dict[str, str] = {}
    for path in files.lists:
        for row, result in enumerate(read_list(path, organisation=path.stem, today=TODAY), 1):
            if not isinstance(result, IntakeRecord):
                continue
            record_id = f"{path.name}:{row}"
            true = truth[(path.name, row)]
            records.append(link_record(record_id, result))
            person[record_id] = true["person_id"]
            household[record_id] = true["household_id"]
            perturbations[record_id] = true["perturbations"]
    return Listed(records, person, household, perturbations)
