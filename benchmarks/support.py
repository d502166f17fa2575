"""What several benchmarks share: a scratch PostgreSQL database made for one run and dropped,
and a generated operation's lists kept between runs.

Benchmarks run as scripts (`python benchmarks/x.py`), so they import this as `support`.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy

from refuge.scenario import generate, write_scenario


@contextlib.contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server at `server_url`; dropped afterwards."""
    admin = sqlalchemy.create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"refuge_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def written_scenario(folder: Path, people: int, seed: int) -> tuple[list[Path], Path]:
    """The scenario's lists and truth file in `folder`: those written there before for the same
    people and seed, else written now (a million people's lists take minutes to write)."""
    manifest = folder / "scenario.json"
    if manifest.is_file():
        written = json.loads(manifest.read_text(encoding="utf-8"))
        if (written["people"], written["seed"]) == (people, seed):
            return [folder / entry["file"] for entry in written["lists"]], folder / "truth.csv"
    files = write_scenario(generate(people, seed), folder)
    return list(files.lists), files.truth
