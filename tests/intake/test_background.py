"""Reading a list in a background process gives what reading it in this one gives: the same
results in the same order, report, mappings and progress, and the same error at the same row."""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
from collections.abc import Callable
from pathlib import Path

import pytest

from refuge.domain import InvalidInput
from refuge.intake import IntakeRecord, Progress, read_list
from refuge.intake.background import RECORD_FIELDS, pack_result, unpack_result
from refuge.scenario import ScenarioFiles, generate, write_scenario

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> ScenarioFiles:
    return write_scenario(generate(400, seed=3), tmp_path_factory.mktemp("lists") / "out")


def test_every_scenario_list_reads_the_same_in_the_background(written: ScenarioFiles) -> None:
    assert {path.suffix for path in written.lists} == {".csv", ".xlsx"}
    for path in written.lists:
        here: list[Progress] = []
        there: list[Progress] = []
        inline = read_list(path, organisation=path.stem, today=TODAY, on_progress=here.append)
        background = read_list(
            path, organisation=path.stem, today=TODAY, on_progress=there.append, background=True
        )

        assert list(background) == list(inline), path.name
        assert background.report == inline.report, path.name
        assert background.report.finished
        assert background.mappings == inline.mappings, path.name
        assert there == here, path.name


def test_a_packed_record_carries_every_field_of_a_record() -> None:
    assert tuple(f.name for f in dataclasses.fields(IntakeRecord)) == RECORD_FIELDS


def test_packing_gives_back_equal_records_and_rejected_rows(written: ScenarioFiles) -> None:
    results = [
        result
        for path in written.lists
        for result in read_list(path, organisation=path.stem, today=TODAY)
    ]
    assert any(not isinstance(r, IntakeRecord) for r in results)  # rejected rows too

    assert [unpack_result(pack_result(r)) for r in results] == results


def test_an_error_met_in_the_background_is_raised_here_after_the_rows_before_it(
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv([["Reference", "Remarks"], ["K-1", "none"]])

    with pytest.raises(InvalidInput, match="no column maps to a name") as inline:
        list(read_list(path, organisation="kabul-ngo", today=TODAY))
    with pytest.raises(InvalidInput) as background:
        list(read_list(path, organisation="kabul-ngo", today=TODAY, background=True))
    assert background.value.message == inline.value.message


def test_a_background_reader_left_early_is_stopped(written: ScenarioFiles) -> None:
    path = max(written.lists, key=lambda p: p.stat().st_size)
    run = read_list(path, organisation=path.stem, today=TODAY, background=True)

    first = next(run)
    run.close()

    assert first.provenance.file == path.name
    assert not run.report.finished
    assert multiprocessing.active_children() == []
