"""The `refuge` command as an operator uses it: one line on errors, no traceback, exit codes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from refuge.demo import plaintext_found, sensitive_values
from refuge.scenario import generate


def refuge(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REFUGE_")}
    environment.update({"REFUGE_DATA_DIR": str(data_dir), "COLUMNS": "200", **env})
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "refuge", *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=300,
    )


def test_init_creates_a_private_key_file_and_keeps_it_on_a_second_run(tmp_path: Path) -> None:
    first = refuge("init", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    key = tmp_path / "kek.key"
    assert key.stat().st_mode & 0o777 == 0o600
    content = key.read_bytes()
    second = refuge("init", data_dir=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "kept" in second.stdout
    assert key.read_bytes() == content


def test_a_command_before_init_fails_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    result = refuge("summary", data_dir=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "refuge init" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_usage_is_reported_without_a_traceback(tmp_path: Path) -> None:
    result = refuge("shred", "not-an-id", "--reason-code", "x", data_dir=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "household" in result.stderr.lower() or "id" in result.stderr.lower()


def test_scenario_writes_lists_and_truth(tmp_path: Path) -> None:
    out = tmp_path / "s"
    result = refuge(
        "scenario", "--people", "300", "--seed", "4", "--out", str(out), data_dir=tmp_path
    )
    assert result.returncode == 0, result.stderr
    written = {p.name for p in out.iterdir()}
    assert "truth.csv" in written
    assert any(name.endswith(".xlsx") for name in written)
    assert any(name.endswith(".csv") and name != "truth.csv" for name in written)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    folder = tmp_path_factory.mktemp("demo") / "refuge-demo"
    result = refuge(
        "demo",
        "--people",
        "400",
        "--seed",
        "9",
        "--data-dir",
        str(folder),
        "--no-serve",
        data_dir=folder,
    )
    return folder, result


def test_demo_loads_an_operation_and_summarises_it(
    demo: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    folder, result = demo
    assert result.returncode == 0, result.stderr
    assert "people" in result.stdout
    assert "400" in result.stdout
    assert "chain intact" in result.stdout
    assert ": 0 found" in result.stdout
    # Every organisation's list was imported, and the plaintext files were not left behind.
    assert "harbor-logistics.csv" in result.stdout
    assert "citizen-services.xlsx" in result.stdout
    assert not list(folder.rglob("*.csv"))
    assert not list(folder.rglob("*.xlsx"))


def test_demo_prints_one_account_per_role_with_its_second_factor(
    demo: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, result = demo
    assert result.returncode == 0, result.stderr
    for username in ("coordinator", "case-officer", "gate-agent", "partner-organisation"):
        assert f" {username} " in result.stdout
    assert "TOTP secret" in result.stdout
    assert "password for every demo account: " in result.stdout
    assert "serving" not in result.stdout


def test_demo_database_holds_no_plaintext_names_documents_or_phones(
    demo: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    folder, result = demo
    assert result.returncode == 0, result.stderr
    scenario = generate(400, 9)
    values = sensitive_values(scenario.households)
    assert len(values) > 500
    files = [folder / "refuge.db", folder / "refuge.db-wal"]
    assert plaintext_found(files, values) == 0
    # The check itself can fail: a name written in plaintext into a copy of the file is found.
    leaked = folder / "leaked.db"
    leaked.write_bytes((folder / "refuge.db").read_bytes() + sorted(values)[0].encode())
    assert plaintext_found([leaked], values) == 1


def test_audit_verify_names_the_event_that_was_edited(
    demo: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    folder, result = demo
    assert result.returncode == 0, result.stderr
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("refuge.db", "kek.key"):
        (copy / name).write_bytes((folder / name).read_bytes())
    (copy / "kek.key").chmod(0o600)
    clean = refuge("audit", "verify", data_dir=copy)
    assert clean.returncode == 0, clean.stderr
    assert "intact" in clean.stdout

    with sqlite3.connect(copy / "refuge.db") as db:
        db.execute("update audit_events set actor = 'someone-else' where seq = 7")
    tampered = refuge("audit", "verify", data_dir=copy)
    assert tampered.returncode == 1
    assert "event 7" in tampered.stderr
    assert "edited" in tampered.stderr
