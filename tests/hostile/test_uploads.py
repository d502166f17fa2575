"""Lists uploaded through the service: a file name that is a path stays a name, and the size and
row limits set for the installation are enforced with a clear problem. On SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from tests.api.support import Operation, build_operation

from refuge.accounts import Role
from refuge.protect import KeyEncryptionKey

LIST = "ID,Given name,Family name,Date of birth\n" + "".join(
    f"A-{n},Synth,Delta{n},25/05/1985\n" for n in range(5)
)


@pytest.fixture
def operation(
    engine: Engine, kek: KeyEncryptionKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Operation]:
    monkeypatch.setenv("REFUGE_IMPORT_MAX_ROWS", "4")
    op = build_operation(engine, kek, tmp_path / "data")
    yield op
    op.close()


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../../escaped.csv", "escaped.csv"),
        ("..\\..\\escaped.csv", "escaped.csv"),
        ("/etc/cron.d/escaped.csv", "escaped.csv"),
        ("..", "upload"),
    ],
)
def test_an_uploaded_file_name_that_is_a_path_is_kept_as_a_name_only(
    operation: Operation, tmp_path: Path, sent: str, kept: str
) -> None:
    short = "\n".join(LIST.splitlines()[:3]) + "\n"
    answer = operation.staff(Role.PARTNER).post(
        "/imports", files={"file": (sent, short.encode(), "text/csv")}
    )

    assert answer.status_code == 201, answer.text
    assert answer.json()["imported"]["file"] == kept
    assert not list(tmp_path.rglob("escaped.csv"))
    assert not Path("/etc/cron.d/escaped.csv").exists()


def test_a_list_over_the_installations_row_limit_is_refused_as_a_problem(
    operation: Operation,
) -> None:
    answer = operation.staff(Role.PARTNER).post(
        "/imports", files={"file": ("long.csv", LIST.encode(), "text/csv")}
    )

    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert "file long.csv: more than 4 rows" in answer.json()["detail"]
    assert operation.staff(Role.PARTNER).get("/imports").json() == []
