"""Lists sent in, as the service handles them for a principal: importing one (a partner's own, or
any organisation's for staff who take lists in), the imports and their row-level problems, and
the quarantine of rejected rows: listed, opened, corrected. Intake does the work; this module
decides who may ask for it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from refuge.accounts.access import (
    access_import,
    access_quarantined,
    listed_organisation,
    submitting_organisation,
)
from refuge.accounts.ports import OperationUnitOfWork, RowProblems
from refuge.accounts.principal import Principal
from refuge.accounts.roles import Scope
from refuge.intake import (
    Correction,
    ImportedFile,
    ImportOutcome,
    Limits,
    QuarantinedRow,
    QuarantineEntry,
    correct_quarantined,
    import_list,
    list_quarantine,
    show_quarantined,
)

__all__ = [
    "ImportReport",
    "correct_quarantined_row",
    "import_submission",
    "list_imports",
    "list_quarantined",
    "open_quarantined_row",
    "read_import",
]


@dataclass(frozen=True, slots=True)
class ImportReport:
    """An import and the problems of its rows, by sheet and row: names of fields, never values."""

    file: ImportedFile
    rows: tuple[RowProblems, ...]


def import_submission(
    uow: OperationUnitOfWork,
    principal: Principal,
    path: Path,
    *,
    organisation: str | None,
    list_name: str | None,
    sheet: str | None,
    now: dt.datetime,
    limits: Limits | None = None,
) -> ImportOutcome:
    """Import the list at `path`: a new version of `list_name` (the file's name if not given)
    replaces the records of the one before and closes its quarantine."""
    principal.require(Scope.IMPORTS_WRITE)
    return import_list(
        uow,
        path,
        organisation=submitting_organisation(principal, organisation),
        actor=principal.actor,
        now=now,
        list_name=list_name,
        sheet=sheet,
        limits=limits,
    )


def list_imports(
    uow: OperationUnitOfWork, principal: Principal, *, organisation: str | None = None
) -> list[ImportedFile]:
    principal.require(Scope.IMPORTS_READ)
    with uow:
        return uow.intake.files(listed_organisation(principal, organisation))


def read_import(uow: OperationUnitOfWork, principal: Principal, file_id: uuid.UUID) -> ImportReport:
    with uow:
        file = access_import(uow, principal, file_id)
        rows = uow.records.file_problems(file_id)
    return ImportReport(file, tuple(rows))


def list_quarantined(
    uow: OperationUnitOfWork,
    principal: Principal,
    *,
    organisation: str | None = None,
    open_only: bool = True,
) -> list[QuarantineEntry]:
    """Quarantined rows by file, sheet and row, with their problems; never their values."""
    principal.require(Scope.IMPORTS_READ)
    return list_quarantine(uow, listed_organisation(principal, organisation), open_only=open_only)


def open_quarantined_row(
    uow: OperationUnitOfWork, principal: Principal, entry_id: uuid.UUID, *, now: dt.datetime
) -> QuarantinedRow:
    """A rejected row's values as the list had them, for whoever corrects it (audited)."""
    with uow:
        access_quarantined(uow, principal, entry_id, Scope.IMPORTS_WRITE)
    return show_quarantined(uow, entry_id, actor=principal.actor, now=now)


def correct_quarantined_row(
    uow: OperationUnitOfWork,
    principal: Principal,
    entry_id: uuid.UUID,
    corrections: Mapping[str, str],
    *,
    now: dt.datetime,
) -> Correction:
    with uow:
        access_quarantined(uow, principal, entry_id, Scope.IMPORTS_WRITE)
    return correct_quarantined(uow, entry_id, corrections, actor=principal.actor, now=now)
