"""Lists in the shapes organisations send, from the scenario generator, read against its truth:
every row accounted for, documents and phones read as they really are."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from refuge.intake import (
    IntakeRecord,
    IntakeReport,
    Profile,
    RejectedRow,
    inspect_list,
    read_list,
)
from refuge.scenario import ScenarioFiles, generate, write_scenario

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> ScenarioFiles:
    return write_scenario(generate(600, seed=7), tmp_path_factory.mktemp("lists") / "out")


@pytest.fixture(scope="module")
def truth(written: ScenarioFiles) -> dict[str, list[dict[str, str]]]:
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    with (written.out_dir / "truth.csv").open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            rows[row["file"]].append(row)
    return rows


def profile_for(path: Path) -> Profile | None:
    """What an organisation's profile adds to the proposal where its numbers are not Afghan:
    the user saves the proposal and sets the region."""
    regions = {"citizen-services": "US", "liaison-gbr": "GB"}
    region = regions.get(path.stem)
    if region is None:
        return None
    (proposal,) = inspect_list(path)
    return dataclasses.replace(proposal.to_profile(path.stem, "list"), phone_region=region)


Read = dict[str, tuple[IntakeReport, list[IntakeRecord | RejectedRow]]]


@pytest.fixture(scope="module")
def read_back(written: ScenarioFiles) -> Read:
    out: Read = {}
    for path in written.lists:
        run = read_list(path, organisation=path.stem, profile=profile_for(path), today=TODAY)
        out[path.name] = (run.report, list(run))
    return out


def test_every_list_is_read_whole_and_almost_every_row_accepted(
    read_back: Read, truth: dict[str, list[dict[str, str]]]
) -> None:
    assert len(read_back) == 8
    for name, (report, results) in read_back.items():
        assert report.balanced, name
        assert len(results) == len(truth[name]), name
        assert report.accepted >= 0.95 * report.read, report.render()


def test_documents_and_phones_come_out_as_the_truth_has_them(
    read_back: Read, truth: dict[str, list[dict[str, str]]]
) -> None:
    compared = {"tazkira": 0, "phone": 0}
    wrong = {"tazkira": 0, "phone": 0}
    for name, (_, results) in read_back.items():
        for result, true in zip(results, truth[name], strict=True):
            if not isinstance(result, IntakeRecord):
                continue
            for kind, ours in (
                ("tazkira", result.tazkira_number or ""),
                ("phone", result.phones[0] if result.phones else ""),
            ):
                if ours and true[kind]:
                    compared[kind] += 1
                    wrong[kind] += ours != true[kind]

    assert compared["tazkira"] > 100
    assert compared["phone"] > 100
    assert wrong["tazkira"] == 0
    # A national number can fit two countries (an Indian mobile is a Pakistani one too).
    assert wrong["phone"] <= 0.01 * compared["phone"]
