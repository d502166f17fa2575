"""`refuge screen` as an operator uses it: counts by outcome, and after a program file is changed,
who changed outcome and why, with case numbers and rules only."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from refuge.bootstrap import initialise
from refuge.cases.services import Registration, add_organisation, add_program, register_households
from refuge.config import Settings
from refuge.domain import (
    Document,
    DocumentKind,
    Household,
    Organisation,
    OrganisationKind,
    PartialDate,
    Person,
    PersonName,
    Program,
    Relationship,
    Sex,
)
from refuge.eligibility import RecordedFacts, SivStep, record_case_facts

NOW = dt.datetime.now(dt.UTC)
NAMES = ("Zarmina", "Qasemyar", "Habibullah")


def refuge(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REFUGE_")}
    environment.update({"REFUGE_DATA_DIR": str(data_dir), "COLUMNS": "250"})
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "refuge", *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=300,
    )


def _family(serial: int) -> Household:
    expiry = NOW.date() + dt.timedelta(days=900)

    def member(given: str, born: str, sex: Sex) -> Person:
        passport = Document(
            DocumentKind.PASSPORT, f"PX{serial:03d}{given[:2].upper()}", "AFG", expiry
        )
        name = PersonName(given, NAMES[1])
        return Person(name, PartialDate.parse_iso(born), sex, ("AFG",), (passport,))

    return Household.of(
        member(NAMES[2], "1983-02-11", Sex.MALE),
        (member(NAMES[0], "1987-07-30", Sex.FEMALE), Relationship.SPOUSE),
    )


@pytest.fixture
def operation(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """An initialised installation with three SIV cases: in the pipeline, not yet, unknown."""
    data_dir = tmp_path / "data"
    _created, app = initialise(Settings(data_dir=data_dir))
    try:
        add_organisation(
            app.uow(), Organisation("ngo-a", "NGO A", OrganisationKind.NGO), actor="t", now=NOW
        )
        add_program(app.uow(), Program("siv", "SIV", 3), actor="t", now=NOW)
        facts = {
            "ready": RecordedFacts(
                siv_step=SivStep.I360_FILED, employer="us-military", employment_months=40
            ),
            "early": RecordedFacts(
                siv_step=SivStep.COM_APPLIED, employer="us-military", employment_months=40
            ),
            "unknown": RecordedFacts(),
        }
        numbers = {}
        for serial, (label, recorded) in enumerate(facts.items()):
            (number,) = register_households(
                app.uow(), [Registration(_family(serial), "siv", "ngo-a")], actor="t", now=NOW
            )
            record_case_facts(app.uow(), number, recorded, actor="t", now=NOW)
            numbers[label] = number
    finally:
        app.close()
    return data_dir, numbers


def test_screen_prints_counts_and_a_changed_program_file_shows_who_changed_and_why(
    operation: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    data_dir, numbers = operation

    first = refuge("screen", data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    assert "eligible" in first.stdout
    assert "screened 3 (3 for the first time)" in first.stdout
    assert "outcome changed: 0" in first.stdout

    programs = tmp_path / "programs"
    shutil.copytree(Path(str(resources.files("refuge.eligibility") / "programs")), programs)
    siv = programs / "siv.yaml"
    old = "when: {fact: siv.step, op: ge, value: com-approved}"
    text = siv.read_text("utf-8")
    assert old in text
    siv.write_text(
        text.replace(old, "when: {fact: siv.step, op: ge, value: com-applied}").replace(
            'version: "2021.07.1"', 'version: "2021.08.5"'
        ),
        "utf-8",
    )

    second = refuge("screen", "--changed", "--programs", str(programs), data_dir=data_dir)
    assert second.returncode == 0, second.stderr
    assert "outcome changed: 1" in second.stdout
    (line,) = [x for x in second.stdout.splitlines() if f"case {numbers['early']}" in x]
    assert "ineligible -> eligible" in line
    assert "in-the-pipeline" in line
    assert "2021.08.5" in line
    assert numbers["ready"] not in second.stdout
    for name in NAMES:
        assert name not in first.stdout + second.stdout

    third = refuge("screen", "--changed", "--programs", str(programs), data_dir=data_dir)
    assert third.returncode == 0, third.stderr
    assert "screened 0 (0 for the first time), 3 unchanged" in third.stdout


def test_a_malformed_program_folder_is_one_line_naming_the_file(
    operation: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    data_dir, _numbers = operation
    programs = tmp_path / "broken"
    programs.mkdir()
    (programs / "siv.yaml").write_text("code: siv\nrules: [\n", "utf-8")

    result = refuge("screen", "--programs", str(programs), data_dir=data_dir)

    assert result.returncode == 1
    assert "siv.yaml" in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
