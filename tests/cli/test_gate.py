"""`refuge gate` as a gate agent uses it: issue a flight's passes, scan a batch, record a
no-show; one line per scan and no personal data on the terminal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.gate.building import build
from typer.testing import CliRunner, Result

from refuge.bootstrap import initialise
from refuge.cli import app
from refuge.config import Settings
from refuge.domain import Household


def refuge(*args: str, data_dir: Path, stdin: str = "") -> Result:
    # In-process: a subprocess would pay for importing every command's libraries each time.
    return CliRunner().invoke(app, list(args), input=stdin, env={"REFUGE_DATA_DIR": str(data_dir)})


@pytest.fixture
def operation(tmp_path: Path) -> tuple[Path, list[str], list[Household]]:
    """An initialised installation with flight RCH303 and two manifested households, departing
    a few hours from now (the commands issue and check passes against the real clock)."""
    _, wired = initialise(Settings(data_dir=tmp_path, database_url=None, key_file=None))
    try:
        boarding = build(wired.uow, {"RCH303": 2}, now=dt.datetime.now(dt.UTC))
    finally:
        wired.close()
    return tmp_path, list(boarding.households), list(boarding.households.values())


def test_issue_scan_and_no_show_from_the_command_line(
    operation: tuple[Path, list[str], list[Household]],
) -> None:
    data_dir, numbers, households = operation
    issued = refuge("gate", "issue", "--flight", "RCH303", data_dir=data_dir)
    assert issued.exit_code == 0, issued
    folder = data_dir / "passes" / "RCH303"
    assert len(list(folder.glob("*.svg"))) == 4
    assert (folder / "pass-public-key.pem").read_bytes().startswith(b"-----BEGIN PUBLIC KEY")
    assert (data_dir / "pass-signing-key.pem").stat().st_mode & 0o777 == 0o600
    tokens = dict(line.split() for line in (folder / "tokens.txt").read_text().splitlines())
    first = tokens[f"{numbers[0]}-1"]

    scans = data_dir / "scans.txt"
    scans.write_text(f"{first}\n{first}\nnot a pass\n")
    result = refuge("gate", "scan", "--flight", "RCH303", "--file", str(scans), data_dir=data_dir)
    lines = result.stdout.splitlines()
    assert result.exit_code == 1  # one scan unreadable
    assert lines[0].startswith("1 CHECKED_IN pass")
    assert numbers[0] in lines[0]
    assert lines[1].startswith("2 ALREADY_CHECKED_IN")
    assert lines[2].startswith("3 UNREADABLE")
    assert len(lines) == 4

    board = refuge(
        "gate",
        "scan",
        "--flight",
        "RCH303",
        "--step",
        "board",
        data_dir=data_dir,
        stdin=f"{first}\n{first}\n",
    )
    assert board.exit_code == 1  # the copy is refused
    assert board.stdout.startswith("1 BOARDED")
    assert "2 REFUSED pass reason=already_boarded" in board.stdout

    gone = refuge("gate", "no-show", "--flight", "RCH303", "--case", numbers[1], data_dir=data_dir)
    assert gone.exit_code == 0, gone
    assert "2 seat(s)" in gone.stdout

    shown = "".join(r.stdout for r in (issued, result, board, gone))
    for item in households:
        for member in item.members:
            assert member.person.name.family not in shown
            for doc in member.person.documents:
                assert doc.number not in shown
