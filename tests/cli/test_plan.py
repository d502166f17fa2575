"""`refuge flight`, `refuge plan`, `refuge forecast` and `refuge gate no-show` as a coordinator and
a gate agent use them: flights declared, plan versions stored, read and compared, a household
allowed to split, the deadline forecast, and a no-show's seats re-offered; case numbers and
counts on the terminal, never a name."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.planning.stored import approved, operation
from typer.testing import CliRunner, Result

from refuge.bootstrap import initialise
from refuge.cli import app
from refuge.config import Settings


def refuge(*args: str, data_dir: Path) -> Result:
    return CliRunner().invoke(app, list(args), env={"REFUGE_DATA_DIR": str(data_dir)})


def at(hours: int) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).isoformat(timespec="minutes")


@pytest.fixture
def installation(tmp_path: Path) -> tuple[Path, list[str]]:
    """Four approved households: 3 (highest priority), 3, 2 and 5 people (lowest)."""
    _, wired = initialise(Settings(data_dir=tmp_path, database_url=None, key_file=None))
    try:
        operation(wired.uow)
        numbers = [
            approved(wired.uow, size, threat=threat)
            for size, threat in ((3, 5), (3, 3), (2, 1), (5, 0))
        ]
    finally:
        wired.close()
    return tmp_path, numbers


def declare(data_dir: Path, code: str, seats: int, start: int) -> Result:
    return refuge(
        "flight", "add", code, "--aircraft", "C-17", "--seats", str(seats), "--origin", "KBL",
        "--destination", "DOH", "--earliest", at(start), "--latest", at(start + 2),
        "--program", "siv", "--nationality", "AFG",
        data_dir=data_dir,
    )  # fmt: skip


def test_flights_plans_versions_splits_forecast_and_a_no_show(
    installation: tuple[Path, list[str]],
) -> None:
    data_dir, (first, second, third, big) = installation
    assert declare(data_dir, "RCH101", 6, 4).exit_code == 0
    assert declare(data_dir, "RCH202", 3, 8).exit_code == 0
    listed = refuge("flight", "list", data_dir=data_dir)
    assert "RCH101" in listed.stdout
    assert "RCH202" in listed.stdout
    assert "2 flight(s)" in listed.stdout

    planned = refuge("plan", "--time-limit", "2", "--workers", "1", data_dir=data_dir)
    assert planned.exit_code == 0, planned.output
    assert "plan version 1 (plan, " in planned.stdout
    assert "8 of 13 people seated on 2 flights" in planned.stdout
    assert "3 assigned, 0 moved, 0 bumped to standby, 0 removed" in planned.stdout

    shown = refuge("plan", "show", "--flight", "RCH101", data_dir=data_dir)
    assert shown.exit_code == 0, shown.output
    assert f"case {first}: 3" in shown.stdout
    assert f"case {second}: 3" in shown.stdout
    assert f"standby: 1. {big}" in shown.stdout

    allowed = refuge("plan", "allow-split", big, data_dir=data_dir)
    assert allowed.exit_code == 0, allowed.output
    assert "may be split" in allowed.stdout
    again = refuge("plan", "--time-limit", "2", "--workers", "1", data_dir=data_dir)
    assert "plan version 2" in again.stdout
    assert f"case {big}: assigned standby -> RCH202 (1)" in again.stdout

    versions = refuge("plan", "versions", data_dir=data_dir)
    assert "2 version(s)" in versions.stdout
    compared = refuge("plan", "diff", "1", "2", data_dir=data_dir)
    assert f"case {big}: assigned" in compared.stdout
    assert third not in compared.stdout

    forecast = refuge("forecast", "--deadline", at(7), "--fill-rate", "1", data_dir=data_dir)
    assert forecast.exit_code == 0, forecast.output
    assert "6 people expected out" in forecast.stdout
    assert "people left behind: 7; extra seats to clear them: 7" in forecast.stdout

    gone = refuge("gate", "no-show", "--flight", "RCH101", "--case", second, data_dir=data_dir)
    assert gone.exit_code == 0, gone.output
    assert "re-offered in plan version 3: 1 household(s) from standby seated" in gone.stdout
    assert f"case {big}: moved RCH202 (1) -> RCH101 (3), RCH202 (1)" in gone.stdout

    shown_all = "".join(
        r.stdout for r in (planned, shown, again, compared, forecast, gone, versions)
    )
    assert "Given" not in shown_all


def in_a_process(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """The installed entry point, which turns Refuge's errors into one line on stderr."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REFUGE_")}
    environment.update({"REFUGE_DATA_DIR": str(data_dir), "COLUMNS": "200"})
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "refuge", *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=120,
    )


def test_a_flight_declared_twice_or_no_plan_yet_is_one_line_naming_it(
    installation: tuple[Path, list[str]],
) -> None:
    data_dir, _ = installation
    assert declare(data_dir, "RCH101", 6, 4).exit_code == 0
    twice = in_a_process(
        "flight", "add", "RCH101", "--aircraft", "A330", "--seats", "300", "--origin", "KBL",
        "--destination", "DOH", "--earliest", at(4), "--latest", at(5),
        data_dir=data_dir,
    )  # fmt: skip
    assert twice.returncode == 1
    assert twice.stderr == "refuge: error: flight RCH101 exists already [already_exists]\n"
    nothing = in_a_process("plan", "show", data_dir=data_dir)
    assert nothing.returncode == 1
    assert nothing.stderr.startswith("refuge: error: no plan stored yet; run `refuge plan`")
