"""SQL and template injection through every text field: names in a list, organisation and
program names, transition reasons, case numbers and secrets looked up. Each is stored and given
back exactly as sent, or refused as invalid input; none is ever run as SQL or as a template.
On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect
from tests.api.support import Operation, build_operation

from refuge.accounts import Role
from refuge.cases.services import add_organisation
from refuge.domain import Organisation, OrganisationKind
from refuge.intake import IntakeRecord, import_list, list_quarantine
from refuge.protect import KeyEncryptionKey
from refuge.store import SqlUnitOfWork

NOW = dt.datetime(2026, 8, 20, 9, 0, tzinfo=dt.UTC)
SQL = [
    "Robert'); DROP TABLE cases;--",
    "' OR '1'='1",
    '" OR ""="',
    "x'; UPDATE organisations SET name='pwned' WHERE '1'='1",
    "1; SELECT pg_sleep(5)--",
    "%",
    "_",
    "\\",
    "$$; DROP TABLE households; $$",
]
TEMPLATE = ["{{7*7}}", "${7*7}", "{% for x in range(3) %}x{% endfor %}", "#{7*7}", "%(name)s",
            "{0.__class__}", "<script>alert(1)</script>", "&lt;b&gt;"]  # fmt: skip
PAYLOADS = SQL + TEMPLATE


@pytest.fixture
def operation(engine: Engine, kek: KeyEncryptionKey, tmp_path: Path) -> Iterator[Operation]:
    op = build_operation(engine, kek, tmp_path)
    yield op
    op.close()


def test_organisation_and_program_names_come_back_exactly_as_sent(
    operation: Operation, engine: Engine
) -> None:
    coordinator = operation.staff(Role.COORDINATOR)
    tables = set(inspect(engine).get_table_names())
    for number, payload in enumerate(PAYLOADS):
        made = coordinator.post(
            "/organisations", json={"code": f"org-{number}", "name": payload, "kind": "ngo"}
        )
        assert made.status_code == 201, made.text
        program = coordinator.post(
            "/programs", json={"code": f"prog-{number}", "name": payload, "precedence": number}
        )
        assert program.status_code == 201, program.text

    names = {o["code"]: o["name"] for o in coordinator.get("/organisations").json()}
    programs = {p["code"]: p["name"] for p in coordinator.get("/programs").json()}
    for number, payload in enumerate(PAYLOADS):
        assert names[f"org-{number}"] == payload
        assert programs[f"prog-{number}"] == payload
    assert "pwned" not in names.values()
    assert set(inspect(engine).get_table_names()) == tables


def test_a_transition_reason_is_kept_verbatim_in_the_case_history(operation: Operation) -> None:
    coordinator = operation.staff(Role.COORDINATOR)
    number = operation.cases["a1"]
    reason = "\n".join(PAYLOADS)
    version = coordinator.get(f"/cases/{number}").json()["version"]

    moved = coordinator.post(
        f"/cases/{number}/transitions",
        json={"to": "withdrawn", "reason": reason, "expected_version": version},
    )

    assert moved.status_code == 200, moved.text
    history = coordinator.get(f"/cases/{number}").json()["history"]
    assert history[-1]["reason"] == reason


@pytest.mark.parametrize("payload", SQL)
def test_a_case_number_or_secret_that_is_sql_finds_nothing(
    operation: Operation, payload: str
) -> None:
    coordinator = operation.staff(Role.COORDINATOR)
    assert coordinator.get(f"/cases/{payload.replace('%', '%25')}").status_code in {404, 422}
    status = operation.client().post(
        "/applicant/status", json={"case_number": payload, "secret": payload}
    )
    # Refused as a wrong number or secret (or one too many guesses), never a server error and
    # never somebody's status.
    assert status.status_code in {401, 404, 422, 429}, status.text
    assert status.headers["content-type"] == "application/problem+json"
    stages = [line["stage"] for line in coordinator.get("/cases").json()]
    assert len(stages) == len(operation.cases)


def test_names_in_a_list_are_stored_and_read_back_as_written(
    uow_factory: Callable[[], SqlUnitOfWork], tmp_path: Path
) -> None:
    add_organisation(
        uow_factory(), Organisation("ngo", "NGO", OrganisationKind.NGO), actor="t", now=NOW
    )
    path = tmp_path / "hostile.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Ref", "Given name", "Family name", "Date of birth"])
        for number, payload in enumerate(PAYLOADS):
            writer.writerow([f"R{number}", payload, "Karimi", "12/05/1985"])
            writer.writerow([f"S{number}", "Ahmad", payload, "12/05/1985"])

    outcome = import_list(uow_factory(), path, organisation="ngo", actor="t", now=NOW)

    assert outcome.report is not None
    assert outcome.new + outcome.quarantined == 2 * len(PAYLOADS)
    with uow_factory() as uow:
        records = [r.record for r in uow.intake.records("ngo")]
    written = {(r.name.given, r.name.family) for r in records if isinstance(r, IntakeRecord)}
    quarantined = list_quarantine(uow_factory(), "ngo")
    assert len(written) + len(quarantined) == 2 * len(PAYLOADS)
    # Accepted names are the text sent (whitespace aside); none was changed by being run.
    sent = {p.strip() for p in PAYLOADS} | {"Ahmad", "Karimi"}
    assert {part for pair in written for part in pair} <= sent
