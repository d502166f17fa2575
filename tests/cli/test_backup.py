"""`refuge backup`, `restore` and `purge` as an operator runs them: results in one line or a few,
errors in one line without a traceback, and data unreadable after a purge."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from refuge.bootstrap import bootstrap, initialise
from refuge.config import Settings
from refuge.demo import plaintext_found, sensitive_values
from refuge.domain import (
    DataShredded,
    Document,
    DocumentKind,
    Household,
    KeyUnavailable,
    PartialDate,
    Person,
    PersonName,
    Relationship,
    Sex,
)
from refuge.gate import load_or_create_signing_key, signing_key_path
from refuge.store.backup import back_up


def refuge(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
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


def _family(serial: int) -> Household:
    principal = Person(
        PersonName("Wahidullah", f"Qaderyar{serial}"),
        PartialDate(1984, 3, 21),
        Sex.MALE,
        ("AFG",),
        (Document(DocumentKind.PASSPORT, f"PQ{serial:07d}", "AFG", dt.date(2026, 5, 1)),),
        (f"+9370{serial:07d}",),
    )
    child = Person(PersonName("Zarlasht", f"Qaderyar{serial}"), PartialDate(2015), Sex.FEMALE)
    return Household.of(principal, (child, Relationship.CHILD))


@pytest.fixture
def installation(tmp_path: Path) -> tuple[Path, list[Household]]:
    """An initialised installation holding two synthetic households."""
    households = [_family(1), _family(2)]
    _, app = initialise(Settings(data_dir=tmp_path))
    try:
        with app.uow() as uow:
            uow.households.add_many(households)
            uow.commit()
    finally:
        app.close()
    return tmp_path, households


def _backup(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A backup made in this process: the commands under test are the ones that read it."""
    backup = tmp_path_factory.mktemp("out") / "refuge.backup"
    app = bootstrap(Settings(data_dir=data_dir))
    try:
        back_up(app.engine, app.kek, backup)
    finally:
        app.close()
    return backup


def _one_line_error(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1, result.stdout
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("refuge: error: ")
    assert "Traceback" not in result.stderr + result.stdout


def test_backup_verify_shred_restore_keeps_the_shredded_household_shredded(
    installation: tuple[Path, list[Household]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    data_dir, (first, second) = installation
    backup = tmp_path_factory.mktemp("out") / "refuge.backup"
    made = refuge("backup", str(backup), data_dir=data_dir)
    assert made.returncode == 0, made.stderr
    assert "backup written" in made.stdout
    checked = refuge("backup", "verify", str(backup), data_dir=data_dir)
    assert checked.returncode == 0, checked.stderr
    assert "intact" in checked.stdout
    shredded = refuge("shred", str(first.id), "--reason-code", "test", data_dir=data_dir)
    assert shredded.returncode == 0, shredded.stderr
    restored = refuge("restore", str(backup), "--yes", data_dir=data_dir)
    assert restored.returncode == 0, restored.stderr
    assert "1 household(s)" in restored.stdout
    app = bootstrap(Settings(data_dir=data_dir))
    try:
        with app.uow() as uow:
            with pytest.raises(DataShredded):
                uow.households.get(first.id)
            assert uow.households.get(second.id) == second
            assert uow.audit.verify() == []
    finally:
        app.close()


def test_a_tampered_backup_is_refused_in_one_line(
    installation: tuple[Path, list[Household]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    data_dir, _ = installation
    backup = _backup(data_dir, tmp_path_factory)
    data = bytearray(backup.read_bytes())
    data[-40] ^= 0x80
    backup.write_bytes(bytes(data))
    _one_line_error(refuge("backup", "verify", str(backup), data_dir=data_dir))
    _one_line_error(refuge("restore", str(backup), "--yes", data_dir=data_dir))


def test_a_backup_is_not_written_over_an_existing_file(
    installation: tuple[Path, list[Household]],
) -> None:
    data_dir, _ = installation
    existing = data_dir / "kept.txt"
    existing.write_text("kept")
    _one_line_error(refuge("backup", str(existing), data_dir=data_dir))
    assert existing.read_text() == "kept"


def test_purge_without_confirm_refuses_and_keeps_the_key(
    installation: tuple[Path, list[Household]],
) -> None:
    data_dir, _ = installation
    result = refuge("purge", data_dir=data_dir)
    _one_line_error(result)
    assert "--confirm" in result.stderr
    assert (data_dir / "kek.key").exists()


def test_after_purge_nothing_opens_and_the_database_holds_no_plaintext(
    installation: tuple[Path, list[Household]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    data_dir, households = installation
    backup = _backup(data_dir, tmp_path_factory)
    app = bootstrap(Settings(data_dir=data_dir))
    signing_key = signing_key_path(data_dir / "kek.key")
    load_or_create_signing_key(signing_key, app.kek)
    app.close()
    result = refuge("purge", "--confirm", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert "destroyed" in result.stdout
    assert "can no longer be read" in result.stdout
    assert not (data_dir / "kek.key").exists()
    assert not signing_key.exists()
    with pytest.raises(KeyUnavailable):
        bootstrap(Settings(data_dir=data_dir))
    _one_line_error(refuge("backup", "verify", str(backup), data_dir=data_dir))
    database = data_dir / "refuge.db"
    files = [database, database.with_name("refuge.db-wal"), backup]
    assert plaintext_found(files, sensitive_values(households)) == 0
