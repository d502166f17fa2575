"""The request and response bodies of the API, as pydantic models, so the OpenAPI description
states exactly what is sent and shown (masked fields included)."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from refuge.accounts import CoarseStatus, Role, Scope
from refuge.domain import OrganisationKind, Stage

__all__ = [
    "ApplicantSecretOut",
    "ApplicantStatusIn",
    "ApplicantStatusOut",
    "AuditEventOut",
    "AuditFindingOut",
    "AuditVerifyOut",
    "CaseLineOut",
    "CaseOut",
    "CaseStatusOut",
    "DocumentOut",
    "EnrolmentOut",
    "FlightOut",
    "HouseholdOut",
    "LoginIn",
    "OrganisationIn",
    "OrganisationOut",
    "PersonOut",
    "Problem",
    "ProgramIn",
    "ProgramOut",
    "ReportOut",
    "RevokedOut",
    "SessionOut",
    "TokenIn",
    "TokenOut",
    "TransitionIn",
    "TransitionOut",
    "UserIn",
    "UserOut",
]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


_CODE = r"^[a-z0-9][a-z0-9_-]{0,63}$"
# Text that is stored or looked up: PostgreSQL text cannot hold NUL, so it is refused as invalid
# input here rather than failing in the database as a server error. One line: no control
# characters; free text: line breaks and tabs allowed.
LINE = r"^[^\x00-\x1f\x7f]*$"
_FREE_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


class LoginIn(_In):
    username: str = Field(min_length=1, max_length=64, pattern=LINE)
    password: str = Field(min_length=1, max_length=1024)
    totp: str = Field(min_length=6, max_length=10, description="the authenticator app's code")


class SessionOut(_Out):
    username: str
    role: Role
    organisation: str | None
    expires_at: dt.datetime | None = None
    csrf_token: str | None = Field(
        default=None, description="also set as the refuge_csrf cookie; echo it in X-CSRF-Token"
    )


class TokenIn(_In):
    name: str = Field(min_length=1, max_length=100, pattern=LINE)
    scopes: list[Scope] = Field(min_length=1)


class TokenOut(_Out):
    id: uuid.UUID
    token: str = Field(description="shown once; send as `Authorization: Bearer <token>`")
    scopes: list[Scope]
    expires_at: dt.datetime


class UserIn(_In):
    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{2,63}$")
    password: str = Field(min_length=12, max_length=1024)
    role: Role
    organisation: str | None = Field(default=None, pattern=_CODE)


class UserOut(_Out):
    username: str
    role: Role
    organisation: str | None
    active: bool
    locked: bool


class EnrolmentOut(_Out):
    username: str
    totp_secret: str = Field(description="shown once; put it into an authenticator app")
    provisioning_uri: str


class RevokedOut(_Out):
    revoked: int


class OrganisationIn(_In):
    code: str = Field(pattern=_CODE)
    name: str = Field(min_length=1, max_length=200, pattern=LINE)
    kind: OrganisationKind


class OrganisationOut(_Out):
    code: str
    name: str
    kind: OrganisationKind


class ProgramIn(_In):
    code: str = Field(pattern=_CODE)
    name: str = Field(min_length=1, max_length=200, pattern=LINE)
    precedence: int = Field(ge=0, le=1000, strict=True)
    quota: int | None = Field(default=None, ge=0, strict=True)
    version: str = Field(default="1", min_length=1, max_length=32, pattern=LINE)


class ProgramOut(_Out):
    code: str
    name: str
    precedence: int
    quota: int | None
    version: str


class CaseStatusOut(_Out):
    """A case as its submitting organisation sees it: coarse status only."""

    number: str
    organisation: str
    program: str
    status: CoarseStatus


class CaseLineOut(_Out):
    """One line of a case listing; `stage` and `version` are left out for partners."""

    number: str
    organisation: str
    program: str
    status: CoarseStatus
    stage: Stage | None = None
    version: int | None = None


class Problem(BaseModel):
    """An error (RFC 9457). `code` is stable; `detail` never carries personal data."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    code: str


class TransitionOut(_Out):
    from_stage: Stage
    to_stage: Stage
    actor: str
    at: dt.datetime
    reason: str | None


class CaseOut(_Out):
    number: str
    organisation: str
    program: str
    status: CoarseStatus
    stage: Stage
    priority: float
    version: int
    household_id: uuid.UUID | None
    history: list[TransitionOut]


class TransitionIn(_In):
    to: Stage
    reason: str = Field(default="", max_length=2000, pattern=_FREE_TEXT)
    expected_version: int | None = Field(
        default=None, ge=0, strict=True, description="the version read; or send it as If-Match"
    )


class ApplicantSecretOut(_Out):
    case_number: str
    secret: str = Field(description="shown once; give it to the applicant")


class DocumentOut(_Out):
    kind: str
    number: str
    masked: bool
    issuing_state: str
    expiry: dt.date | None


class PersonOut(_Out):
    id: uuid.UUID
    relationship: str
    given: str
    family: str
    given_romanised: str
    family_romanised: str
    script: str
    date_of_birth: str
    sex: str
    nationalities: list[str]
    documents: list[DocumentOut]
    phones: list[str]
    notes: str | None


class HouseholdOut(_Out):
    id: uuid.UUID
    members: list[PersonOut]
    cases: list[str]


class FlightOut(_Out):
    code: str
    aircraft: str
    seats: int
    surge_seats: int
    origin: str
    destination: str
    departs_earliest: dt.datetime | None
    departs_latest: dt.datetime | None
    times_released: bool
    programs: list[str]


class AuditEventOut(_Out):
    seq: int
    at: dt.datetime
    actor: str
    action: str
    object_kind: str
    object_id: str
    details: dict[str, str | int | float | bool | None]
    hash: str


class AuditFindingOut(_Out):
    seq: int
    problem: str
    message: str


class AuditVerifyOut(_Out):
    intact: bool
    findings: list[AuditFindingOut]


class ReportOut(_Out):
    organisations: int
    programs: int
    households: int
    people: int
    cases: int
    cases_by_stage: dict[str, int]
    cases_by_program: dict[str, int]
    people_by_nationality: dict[str, int]
    audit_events: int
    audit_intact: bool


class ApplicantStatusIn(_In):
    case_number: str = Field(min_length=1, max_length=32, pattern=LINE)
    secret: str = Field(min_length=1, max_length=64)


class ApplicantStatusOut(_Out):
    status: CoarseStatus
