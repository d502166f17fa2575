"""Path traversal through names Refuge turns into file names: a flight code with slashes and dots
does not lead the boarding passes out of the data folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.gate.building import build
from typer.testing import CliRunner

from refuge.bootstrap import initialise
from refuge.cli import app
from refuge.config import Settings


def test_passes_of_a_flight_coded_like_a_path_stay_in_the_data_folder(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    code = "../../escaped"  # a code a pass may carry (letters, digits and . _ / -)
    _, wired = initialise(Settings(data_dir=data_dir, database_url=None, key_file=None))
    try:
        build(wired.uow, {code: 1}, now=dt.datetime.now(dt.UTC))
    finally:
        wired.close()

    result = CliRunner().invoke(
        app, ["gate", "issue", "--flight", code], env={"REFUGE_DATA_DIR": str(data_dir)}
    )

    assert result.exit_code == 0, result.output
    assert not (tmp_path / "escaped").exists()
    assert not (data_dir.parent.parent / "escaped").exists()
    (folder,) = (data_dir / "passes").iterdir()
    assert folder.name == "______escaped"
    assert len(list(folder.glob("*.svg"))) == 2
