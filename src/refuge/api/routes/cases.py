"""Cases: the visible ones listed, one read (with its version as ETag), moved along the pipeline
(If-Match or `expected_version` guards against overwriting), an applicant secret issued."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response

from refuge.accounts import (
    CaseView,
    issue_applicant_secret,
    list_cases,
    read_case,
    transition_case,
)
from refuge.accounts.views import CaseStatusView
from refuge.api.deps import Acting, Now, Svc
from refuge.api.schemas import (
    LINE,
    ApplicantSecretOut,
    CaseLineOut,
    CaseOut,
    CaseStatusOut,
    TransitionIn,
)
from refuge.domain import InvalidInput, Stage

__all__ = ["case_answer", "router", "version_read"]

router = APIRouter(prefix="/cases", tags=["cases"])

CaseNumber = Annotated[str, Path(min_length=1, max_length=32, pattern=LINE)]


def case_answer(view: CaseView | CaseStatusView, response: Response) -> CaseOut | CaseStatusOut:
    if isinstance(view, CaseView):
        response.headers["ETag"] = f'"{view.version}"'
        return CaseOut.model_validate(view)
    return CaseStatusOut.model_validate(view)


def version_read(if_match: str | None, body: int | None) -> int | None:
    if if_match is None:
        return body
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isascii() or not text.isdigit():
        raise InvalidInput('If-Match must be a case\'s ETag, e.g. "3"')
    version = int(text)
    if body is not None and body != version:
        raise InvalidInput("If-Match and expected_version disagree")
    return version


@router.get("", response_model=list[CaseLineOut], response_model_exclude_none=True)
def cases(
    principal: Acting,
    svc: Svc,
    stage: Stage | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    # Bounded: an unbounded integer overflows the database driver (SQLite: 64 bits) as a 500.
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> list[CaseLineOut]:
    """The cases the caller may see, by number (a partner: its own, coarse status only)."""
    rows = list_cases(svc.uow(), principal, stage=stage, limit=limit, offset=offset)
    return [CaseLineOut.model_validate(row) for row in rows]


@router.get("/{number}", response_model=CaseOut | CaseStatusOut)
def case(
    number: CaseNumber, principal: Acting, svc: Svc, now: Now, response: Response
) -> CaseOut | CaseStatusOut:
    return case_answer(read_case(svc.uow(), principal, number, now=now), response)


@router.post("/{number}/transitions", response_model=CaseOut | CaseStatusOut)
def move(
    number: CaseNumber,
    body: TransitionIn,
    principal: Acting,
    svc: Svc,
    now: Now,
    response: Response,
    if_match: Annotated[str | None, Header(pattern=r'^(W/)?"?[0-9]{1,9}"?$')] = None,
) -> CaseOut | CaseStatusOut:
    """Move the case to `to`. Needs the version read (If-Match or `expected_version`); a newer
    version stored since answers 409 `stale_object`."""
    expected = version_read(if_match, body.expected_version)
    if expected is None:
        raise InvalidInput("send the version read, as If-Match or expected_version")
    view = transition_case(
        svc.uow(),
        principal,
        number,
        body.to,
        reason=body.reason,
        expected_version=expected,
        now=now,
    )
    return case_answer(view, response)


@router.post("/{number}/applicant-secret", response_model=ApplicantSecretOut)
def applicant_secret(
    number: CaseNumber, principal: Acting, svc: Svc, now: Now
) -> ApplicantSecretOut:
    """A new secret for the applicant to check the case's status with; replaces any before."""
    secret = issue_applicant_secret(svc.uow(), principal, number, now=now)
    return ApplicantSecretOut(case_number=number, secret=secret)
