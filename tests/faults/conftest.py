"""An installation for fault tests: a data folder with a key file, on SQLite or PostgreSQL, and
`refuge` run as a separate process against it, so it can be killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from refuge.bootstrap import Refuge, initialise
from refuge.config import Settings


@dataclass
class Installation:
    data_dir: Path
    database_url: str
    refuge: Refuge

    @property
    def environment(self) -> dict[str, str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("REFUGE_")}
        environment.update(
            {"REFUGE_DATA_DIR": str(self.data_dir), "REFUGE_DATABASE_URL": self.database_url}
        )
        return environment

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "refuge", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.environment,
        )

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "refuge", *args],
            capture_output=True,
            text=True,
            env=self.environment,
            check=False,
            timeout=600,
        )

    def count(self, table: str) -> int:
        with self.refuge.engine.connect() as connection:
            return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())  # noqa: S608 - fixed table names


def kill_when(
    process: subprocess.Popen[str], ready: Callable[[], bool], *, timeout: float = 300
) -> None:
    """SIGKILL the process once `ready()` holds, failing if it ended first."""
    deadline = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None:
            _, errors = process.communicate()
            pytest.fail(f"the process ended before it could be killed mid-way: {errors[-500:]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the process never reached the point to kill it at")
        time.sleep(0.05)
    assert process.poll() is None, "ended before the kill"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    try:
        process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        # Its output is held open by a child that outlived it (the import's forked reader did).
        pytest.fail("a child of the killed process is still running, holding its output open")


@pytest.fixture
def installation(database_url: str, tmp_path: Path) -> Iterator[Installation]:
    data_dir = tmp_path / "data"
    _, refuge = initialise(Settings(data_dir=data_dir, database_url=database_url))
    try:
        yield Installation(data_dir, database_url, refuge)
    finally:
        refuge.close()
