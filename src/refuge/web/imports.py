"""The import page: upload an organisation's list, see the column mapping Refuge proposes from
its headers, confirm, watch the import's progress, and read the row-level report (rows and
problems by place, never values). The uploaded file is plaintext personal data: it is kept,
owner-only, in the data directory's uploads/ folder only until it is imported or dropped."""

from __future__ import annotations

import datetime as dt
import os
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from refuge.accounts import Principal, Scope, list_organisations
from refuge.accounts.access import submitting_organisation
from refuge.api.deps import Now, Svc
from refuge.domain import InvalidInput, NotFound, RefugeError
from refuge.intake import ImportOutcome, Progress, import_list, inspect_list
from refuge.web.pages import PageRoute, Viewer, redirect
from refuge.web.rendering import render

__all__ = ["ImportJob", "ImportJobs", "router"]

router = APIRouter(route_class=PageRoute)

_SUFFIXES = frozenset({".csv", ".txt", ".tsv", ".xlsx", ".xlsm"})
_MAX_BYTES = 100 << 20
_CHUNK = 1 << 20


@dataclass
class ImportJob:
    """One upload on its way in: whose, where it waits, and how far its import has got."""

    id: uuid.UUID
    owner: str
    organisation: str
    file: str
    path: Path
    state: str = "uploaded"  # uploaded | importing | done | failed
    rows: int = 0
    fraction: float | None = None
    outcome: ImportOutcome | None = None
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(self, progress: Progress) -> None:
        with self.lock:
            self.rows, self.fraction = progress.rows, progress.fraction

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class ImportJobs:
    """The uploads of this service process, by id. Only their owner sees them."""

    def __init__(self) -> None:
        self._jobs: dict[uuid.UUID, ImportJob] = {}
        self._lock = threading.Lock()

    def add(self, job: ImportJob) -> None:
        with self._lock:
            self._jobs[job.id] = job

    def get(self, job_id: uuid.UUID, principal: Principal) -> ImportJob:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or job.owner != principal.username:
            raise NotFound(f"import {job_id} not found")
        return job


def _jobs(request: Request) -> ImportJobs:
    jobs: ImportJobs = request.app.state.imports
    return jobs


def _uploads(svc: Svc) -> Path:
    folder = svc.refuge.settings.data_dir / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


@router.get("/list-imports")
def import_form(request: Request, principal: Viewer, svc: Svc) -> Response:
    principal.require(Scope.IMPORTS_WRITE)
    organisations = list_organisations(svc.uow(), principal)
    context = {"organisations": organisations}
    return render(request, "import.html", context, principal=principal)


@router.post("/list-imports")
async def upload(
    request: Request,
    principal: Viewer,
    svc: Svc,
    organisation: Annotated[str, Form(max_length=64)],
    list_file: UploadFile,
) -> Response:
    """Keep the upload (owner-only) and show the mapping proposed from its headers."""
    principal.require(Scope.IMPORTS_WRITE)
    organisation = submitting_organisation(principal, organisation)
    name = PurePath(list_file.filename or "list.csv").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in _SUFFIXES:
        raise InvalidInput(f"file {name}: send a CSV, TSV or XLSX list")
    job_id = uuid.uuid4()
    path = await run_in_threadpool(_uploads, svc) / f"{job_id}{suffix}"
    size = 0
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        while chunk := await list_file.read(_CHUNK):
            size += len(chunk)
            if size > _MAX_BYTES:
                out.close()
                path.unlink(missing_ok=True)
                raise InvalidInput(f"file {name}: larger than {_MAX_BYTES >> 20} MiB")
            out.write(chunk)
    job = ImportJob(job_id, principal.username, organisation, name, path)
    _jobs(request).add(job)
    return await run_in_threadpool(_proposal, request, principal, svc, job)


def _proposal(request: Request, principal: Principal, svc: Svc, job: ImportJob) -> Response:
    try:
        organisations = {o.code for o in list_organisations(svc.uow(), principal)}
        if job.organisation not in organisations:
            raise NotFound(f"organisation {job.organisation} not found")
        proposals = inspect_list(job.path)
    except RefugeError:
        job.discard()
        raise
    context = {"job": job, "proposals": proposals}
    return render(request, "import_mapping.html", context, principal=principal)


@router.post("/list-imports/{job_id}/confirm")
def confirm(request: Request, job_id: uuid.UUID, principal: Viewer, svc: Svc, now: Now) -> Response:
    """Import the list in the background, with the mapping shown; the page follows it."""
    principal.require(Scope.IMPORTS_WRITE)
    job = _jobs(request).get(job_id, principal)
    with job.lock:
        if job.state != "uploaded":
            return redirect(request, f"/list-imports/{job.id}")
        job.state = "importing"
    thread = threading.Thread(
        target=_run, args=(svc, job, principal.actor, now), name="refuge-import", daemon=True
    )
    thread.start()
    return redirect(request, f"/list-imports/{job.id}")


def _run(svc: Svc, job: ImportJob, actor: str, now: dt.datetime) -> None:
    try:
        outcome = import_list(
            svc.refuge.uow(),
            job.path,
            organisation=job.organisation,
            actor=actor,
            now=now,
            list_name=job.file,
            on_progress=job.progress,
            today=now.date(),
        )
        with job.lock:
            job.outcome, job.state = outcome, "done"
    except RefugeError as exc:
        with job.lock:
            job.error, job.state = exc.message, "failed"
    except Exception as exc:  # noqa: BLE001 - shown to the page as its kind only, never its text
        with job.lock:
            job.error, job.state = f"the import stopped ({type(exc).__name__})", "failed"
    finally:
        job.discard()


@router.post("/list-imports/{job_id}/drop")
def drop(request: Request, job_id: uuid.UUID, principal: Viewer) -> Response:
    job = _jobs(request).get(job_id, principal)
    with job.lock:
        if job.state == "uploaded":
            job.discard()
            job.state = "failed"
            job.error = "dropped before import; the uploaded file is deleted"
    return redirect(request, "/list-imports")


@router.get("/list-imports/{job_id}")
def follow(request: Request, job_id: uuid.UUID, principal: Viewer) -> Response:
    job = _jobs(request).get(job_id, principal)
    template = "import_progress.html" if request.headers.get("hx-request") else "import_job.html"
    return render(request, template, {"job": job}, principal=principal)
