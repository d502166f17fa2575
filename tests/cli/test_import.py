"""`refuge import` and `refuge quarantine` as an operator uses them: the row-level report, what a
re-import changed, the proposed mapping saved as a profile, and one-line errors."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refuge.bootstrap import initialise
from refuge.cases.services import add_organisation
from refuge.cli import app
from refuge.config import Settings
from refuge.domain import Organisation, OrganisationKind

ORG = "kabul-ngo"
HEADER = "Ref,Given name,Family name,Date of birth,Sex,Phone"
AHMAD = "K-1,Ahmad,Karimi,12/05/1985,M,0700 123 456"
ZARGHONA = "K-2,Zarghona,Sultani,31/02/1985,F,0799 123 456"


def refuge_process(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """The command as a separate process, for what `main` adds: one-line errors, exit codes."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REFUGE_")}
    environment.update({"REFUGE_DATA_DIR": str(data_dir), "COLUMNS": "80"})
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "refuge", *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=300,
    )


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str


def refuge(*args: str, data_dir: Path, stdin: str | None = None) -> Result:
    """The command run in this process (quicker than a new interpreter each time)."""
    result = CliRunner().invoke(
        app, list(args), input=stdin, env={"REFUGE_DATA_DIR": str(data_dir), "COLUMNS": "80"}
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    _, wired = initialise(Settings(data_dir=folder, database_url=None, key_file=None))
    try:
        add_organisation(
            wired.uow(),
            Organisation(ORG, "Kabul NGO", OrganisationKind.NGO),
            actor="test",
            now=dt.datetime.now(dt.UTC),
        )
    finally:
        wired.close()
    return folder


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_import_prints_the_row_level_report_and_a_second_one_adds_nothing(
    data_dir: Path, tmp_path: Path
) -> None:
    path = write(tmp_path / "staff.csv", HEADER, AHMAD, ZARGHONA)

    first = refuge("import", str(path), "--org", ORG, data_dir=data_dir)

    assert first.returncode == 0, first.stdout
    out = first.stdout
    assert "Rows: 2 read = 1 accepted (1 with warnings) + 1 rejected" in out
    assert "file staff.csv, row 3, field date_of_birth (column Date of birth): error:" in out
    assert "records: 1 new, 0 changed, 0 unchanged, 0 withdrawn" in out
    assert "quarantined: 1 rows" in out
    # The report names where and what, never the values.
    assert "Zarghona" not in out
    assert "31/02/1985" not in out

    again = refuge("import", str(path), "--org", ORG, data_dir=data_dir)

    assert again.returncode == 0, again.stdout
    assert "was imported already" in again.stdout
    assert "nothing added" in again.stdout
    assert "Rows:" not in again.stdout


def test_a_corrected_version_says_what_changed(data_dir: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "staff.csv", HEADER, AHMAD, ZARGHONA)
    assert refuge("import", str(path), "--org", ORG, data_dir=data_dir).returncode == 0
    write(path, HEADER, AHMAD.replace("0700 123 456", "0700 999 888"), ZARGHONA.replace("31", "28"))

    result = refuge("import", str(path), "--org", ORG, data_dir=data_dir)

    assert result.returncode == 0, result.stdout
    assert "records: 1 new, 1 changed, 0 unchanged, 0 withdrawn" in result.stdout
    assert "1 rows resolved, 0 still wrong" in result.stdout


def test_quarantine_is_listed_without_values_and_corrected_from_the_prompt(
    data_dir: Path, tmp_path: Path
) -> None:
    path = write(tmp_path / "staff.csv", HEADER, AHMAD, ZARGHONA)
    assert refuge("import", str(path), "--org", ORG, data_dir=data_dir).returncode == 0

    listed = refuge("quarantine", "list", "--org", ORG, data_dir=data_dir)

    assert listed.returncode == 0, listed.stdout
    (line,) = [ln for ln in listed.stdout.splitlines() if "field date_of_birth" in ln]
    assert "file staff.csv, row 3, field date_of_birth: error:" in line
    assert "31/02" not in listed.stdout
    assert "Zarghona" not in listed.stdout
    entry = line.split()[0]

    shown = refuge("quarantine", "show", entry, data_dir=data_dir)
    assert shown.returncode == 0, shown.stdout
    assert "file staff.csv, row 3 [open]" in shown.stdout
    assert "Date of birth: 31/02/1985" in shown.stdout

    fixed = refuge(
        "quarantine", "correct", entry, "date_of_birth", data_dir=data_dir, stdin="28/02/1985\n"
    )

    assert fixed.returncode == 0, fixed.stdout
    assert f"quarantined row {entry} accepted as record" in fixed.stdout
    assert "0 quarantined row(s) open" in refuge("quarantine", "list", data_dir=data_dir).stdout


def test_a_list_no_profile_maps_gets_a_proposal_that_can_be_saved(
    data_dir: Path, tmp_path: Path
) -> None:
    path = write(tmp_path / "staff.csv", HEADER, AHMAD)

    result = refuge("import", str(path), "--org", ORG, "--save-profile", "staff", data_dir=data_dir)

    assert result.returncode == 0, result.stdout
    assert "mapping proposed from its headers" in result.stdout
    assert "Given name" in result.stdout
    saved = data_dir / "profiles" / f"{ORG}-staff.yaml"
    assert saved.is_file()
    assert "given_name" in saved.read_text(encoding="utf-8")
    assert "profile staff" in result.stdout  # the import used the profile just saved


def test_a_missing_file_and_an_unknown_organisation_fail_with_one_line(
    data_dir: Path, tmp_path: Path
) -> None:
    missing = refuge_process("import", str(tmp_path / "nope.csv"), "--org", ORG, data_dir=data_dir)
    assert missing.returncode == 1
    assert missing.stderr.count("\n") == 1
    assert "file nope.csv: not found" in missing.stderr

    path = write(tmp_path / "staff.csv", HEADER, AHMAD)
    unknown = refuge_process("import", str(path), "--org", "nobody", data_dir=data_dir)
    assert unknown.returncode == 1
    assert unknown.stderr.count("\n") == 1
    assert "organisation nobody not found" in unknown.stderr
    assert "Traceback" not in missing.stderr + unknown.stderr
    assert not (data_dir / "profiles").exists()
