"""`refuge export` as flight operations and an analyst use it: PAXLST and manifests of a stored
flight and the arrival statistics, written whole under plain names, owner-only, never outside
the folder asked for."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.exchange.builders import lettered_flight
from typer.testing import CliRunner, Result

from refuge.bootstrap import initialise
from refuge.cli import app
from refuge.commands_export import export_path, write_atomically
from refuge.config import Settings
from refuge.domain import Household, InvalidInput
from refuge.exchange import read_paxlst


def refuge(*args: str, data_dir: Path) -> Result:
    return CliRunner().invoke(app, list(args), env={"REFUGE_DATA_DIR": str(data_dir)})


@pytest.fixture
def installation(tmp_path: Path) -> tuple[Path, dict[str, Household]]:
    _, wired = initialise(Settings(data_dir=tmp_path, database_url=None, key_file=None))
    try:
        households = lettered_flight(wired.uow, 2)
    finally:
        wired.close()
    return tmp_path, households


def test_paxlst_manifest_and_statistics_are_written_from_the_command_line(
    installation: tuple[Path, dict[str, Household]],
) -> None:
    data_dir, households = installation

    sent = refuge("export", "paxlst", "RCH101", "--recipient", "DOHAPI", data_dir=data_dir)
    sheet = refuge("export", "manifest", "RCH101", "--format", "xlsx", data_dir=data_dir)
    own = data_dir / "out" / "rch101.csv"
    listed = refuge("export", "manifest", "RCH101", "-o", str(own), data_dir=data_dir)
    stats = refuge("export", "stats", "--threshold", "10", data_dir=data_dir)

    for result in (sent, sheet, listed, stats):
        assert result.exit_code == 0, result.output
    exports = data_dir / "exports"
    message = (exports / "paxlst-RCH101.edi").read_text(encoding="ascii")
    read = read_paxlst(message, today=dt.datetime.now(dt.UTC).date())
    assert len(read.passengers) == 4
    assert "PAXLST for flight RCH101: 4 passenger(s)" in sent.stdout
    book = load_workbook(exports / "manifest-RCH101.xlsx")
    assert book.active.max_row == 5
    assert own.read_bytes().count(b"\r\n") == 5
    assert "counts below 10 shown as <10" in stats.stdout
    assert (exports / "arrival-statistics.csv").exists()
    for written in [*exports.iterdir(), own]:
        assert written.stat().st_mode & 0o777 == 0o600, written
    assert sorted(p.name for p in exports.iterdir()) == [
        "arrival-statistics.csv",
        "manifest-RCH101.xlsx",
        "paxlst-RCH101.edi",
    ]  # no temporary file left behind
    terminal = "".join(r.output for r in (sent, sheet, listed, stats))
    for household in households.values():
        for member in household.members:
            assert member.person.name.family not in terminal
            assert member.person.documents[0].number not in terminal


@pytest.mark.parametrize(
    "name", ["../escape.csv", "sub/../../escape.csv", ".hidden.csv", "a b.csv", "x..csv"]
)
def test_an_output_name_that_could_climb_or_hide_is_refused(
    installation: tuple[Path, dict[str, Household]], name: str
) -> None:
    data_dir, _ = installation
    result = refuge("export", "manifest", "RCH101", "-o", str(data_dir / name), data_dir=data_dir)
    assert isinstance(result.exception, InvalidInput)
    assert not (data_dir.parent / "escape.csv").exists()
    assert not (data_dir / "exports").exists()


def test_a_flight_code_cannot_steer_the_default_name_out_of_the_exports_folder(
    tmp_path: Path,
) -> None:
    with pytest.raises(InvalidInput, match="climb"):
        export_path(None, tmp_path / "exports", "paxlst-../../etc/passwd.edi")
    assert export_path(None, tmp_path, "paxlst-RCH101.edi") == tmp_path / "paxlst-RCH101.edi"


def test_an_interrupted_write_leaves_the_old_file_and_no_part_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "manifest.csv"
    write_atomically(target, b"old")

    def power_cut(_: int) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "fsync", power_cut)
    with pytest.raises(OSError, match="disk gone"):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.csv"]
