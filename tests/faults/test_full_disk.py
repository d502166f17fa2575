"""A full disk while writing an export: `refuge backup` onto a small filesystem says so in one
line and leaves no half-written file behind."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Installation


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs (mounting needs root, as in CI's container)."""
    mount = shutil.which("mount")
    point = tmp_path / "small"
    point.mkdir()
    made = mount and subprocess.run(  # noqa: S603 - fixed programs and arguments
        [mount, "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(point)],
        capture_output=True,
        check=False,
    )
    if not made or made.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=True)  # noqa: S603, S607 - fixed program


def test_a_backup_that_fills_the_disk_is_refused_and_removed(
    installation: Installation, small_disk: Path
) -> None:
    # Nearly full already: an empty database's backup is a few kilobytes.
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (shutil.disk_usage(small_disk).free - 4096))
    out = small_disk / "refuge.backup"

    result = installation.run("backup", str(out))

    assert result.returncode == 1
    assert result.stderr.startswith(f"refuge: error: backup {out} cannot be written: no space")
    assert result.stderr.rstrip().endswith("[storage_full]")
    assert len(result.stderr.splitlines()) == 1
    assert list(small_disk.iterdir()) == [filler]


def test_an_export_that_fills_the_disk_is_refused_and_leaves_nothing(
    installation: Installation, small_disk: Path
) -> None:
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * shutil.disk_usage(small_disk).free)

    result = installation.run("export", "stats", "--out", str(small_disk / "arrivals.csv"))

    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith("refuge: error: export file arrivals.csv cannot be written")
    assert result.stderr.rstrip().endswith("[storage_full]")
    assert list(small_disk.iterdir()) == [filler]
