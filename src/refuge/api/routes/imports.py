"""Lists sent in: uploaded (multipart) by a partner organisation's user or its system's API token
with the `imports:write` scope, or by staff for any organisation; listed; and each import's
row-level report. Uploading a new version of a list (same `list_name`) is the re-import: it
replaces the records of the version before and closes its quarantine."""

from __future__ import annotations

import re
import tempfile
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile, status

from refuge.accounts import import_submission, list_imports, read_import
from refuge.api.deps import Acting, Now, Svc
from refuge.api.schemas import (
    LINE,
    ImportOut,
    ImportReportOut,
    ImportResultOut,
    ReportedProblemOut,
    RowProblemsOut,
    SheetOut,
)
from refuge.domain import InvalidInput
from refuge.intake import ImportOutcome, Limits

__all__ = ["router"]

router = APIRouter(prefix="/imports", tags=["imports"])

_CHUNK = 1 << 20
_UNSAFE = re.compile(r"[^\w .,()+-]")
_CODE = r"^[a-z0-9][a-z0-9_-]{0,63}$"


def _file_name(sent: str | None) -> str:
    """The uploaded file's own name (no folders, no odd characters): reports and the import's
    record name the file by it."""
    name = _UNSAFE.sub("_", Path((sent or "").replace("\\", "/")).name).strip(" .")[:200]
    return name or "upload"


def _result(outcome: ImportOutcome) -> ImportResultOut:
    report = outcome.report
    sheets = [] if report is None else report.sheets
    return ImportResultOut(
        already=outcome.already,
        imported=ImportOut.model_validate(outcome.file),
        sheets=[
            SheetOut(
                sheet=s.sheet,
                header_row=s.header_row,
                profile=s.profile,
                mapped={label: str(target) for label, target in s.mapped},
                unmapped=list(s.unmapped),
                skipped=s.skipped,
            )
            for s in sheets
        ],
        problems=[]
        if report is None
        else [ReportedProblemOut.model_validate(p) for p in report.problems],
        problems_not_listed=0 if report is None else report.unlisted,
    )


@router.post("", response_model=ImportResultOut, status_code=status.HTTP_201_CREATED)
def upload(
    file: Annotated[UploadFile, File(description="the list: CSV, XLSX or HXL-tagged CSV")],
    principal: Acting,
    svc: Svc,
    now: Now,
    organisation: Annotated[
        str | None,
        Form(pattern=_CODE, description="staff only: the organisation that sent the list"),
    ] = None,
    list_name: Annotated[
        str | None,
        Form(
            min_length=1,
            max_length=200,
            pattern=LINE,
            description="the list this file is a version of (default: the file's name)",
        ),
    ] = None,
    sheet: Annotated[
        str | None, Form(min_length=1, max_length=200, pattern=LINE, description="one sheet only")
    ] = None,
) -> ImportResultOut:
    """Import a list. Every row becomes a record or a quarantined row; the answer reports the
    problems by sheet, row and field (never a value). The same bytes again add nothing."""
    settings = svc.refuge.settings
    limits = Limits(max_file_bytes=settings.import_max_bytes, max_rows=settings.import_max_rows)
    with tempfile.TemporaryDirectory(prefix="refuge-upload-") as folder:
        path = Path(folder) / _file_name(file.filename)
        size = 0
        with path.open("wb") as out:
            while chunk := file.file.read(_CHUNK):
                size += len(chunk)
                if size > limits.max_file_bytes:
                    raise InvalidInput(
                        f"file {path.name}: larger than {limits.max_file_bytes} bytes"
                    )
                out.write(chunk)
        outcome = import_submission(
            svc.uow(),
            principal,
            path,
            organisation=organisation,
            list_name=list_name,
            sheet=sheet,
            now=now,
            limits=limits,
        )
    return _result(outcome)


@router.get("", response_model=list[ImportOut])
def imports(
    principal: Acting,
    svc: Svc,
    organisation: Annotated[str | None, Query(pattern=_CODE)] = None,
) -> list[ImportOut]:
    """Imports, oldest first (a partner: its own)."""
    files = list_imports(svc.uow(), principal, organisation=organisation)
    return [ImportOut.model_validate(f) for f in files]


@router.get("/{import_id}", response_model=ImportReportOut)
def report(import_id: uuid.UUID, principal: Acting, svc: Svc) -> ImportReportOut:
    """The import with the problems of its rows: rejected rows (quarantined) and accepted rows'
    warnings, by sheet and row."""
    found = read_import(svc.uow(), principal, import_id)
    return ImportReportOut(
        imported=ImportOut.model_validate(found.file),
        rows=[RowProblemsOut.model_validate(row) for row in found.rows],
    )
