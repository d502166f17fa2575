"""The request and response bodies of the API, as pydantic models, so the OpenAPI description
states exactly what is sent and shown (masked fields included)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

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
    "CellOut",
    "CorrectionIn",
    "CorrectionOut",
    "DecisionIn",
    "DecisionOut",
    "DocumentOut",
    "EligibilityDecisionOut",
    "EnrolmentOut",
    "FlightOut",
    "HouseholdOut",
    "ImportOut",
    "ImportReportOut",
    "ImportResultOut",
    "LoginIn",
    "ManifestHouseholdOut",
    "ManifestOut",
    "ManifestMemberOut",
    "OrganisationIn",
    "OrganisationOut",
    "PairVerdictOut",
    "PersonLineOut",
    "PersonOut",
    "PersonRecordsOut",
    "Problem",
    "ProblemOut",
    "ProgramIn",
    "ProgramOut",
    "QuarantineEntryOut",
    "QuarantinedRowOut",
    "RecordLineOut",
    "RecordOut",
    "ReportOut",
    "ReportedProblemOut",
    "ReviewPairOut",
    "RevokedOut",
    "RowProblemsOut",
    "RuleResultOut",
    "ScreeningOut",
    "ScreeningRunIn",
    "ScreeningRunOut",
    "SessionOut",
    "SheetOut",
    "TokenIn",
    "TokenOut",
    "TransitionIn",
    "TransitionOut",
    "UserIn",
    "UserOut",
    "VettingIn",
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


# --- lists sent in, records and persons ---------------------------------------------------------


class ProblemOut(_Out):
    """What is wrong with one field of one row: names the field and column, never the value."""

    field: str
    problem: str
    severity: str
    column: str | None


class ImportOut(_Out):
    id: uuid.UUID
    organisation: str
    list_name: str
    file: str
    content_hash: str
    imported_at: dt.datetime
    actor: str
    counts: dict[str, int]


class ReportedProblemOut(_Out):
    sheet: str | None
    row: int
    field: str
    problem: str
    severity: str
    column: str | None


class SheetOut(_Out):
    sheet: str | None
    header_row: int
    profile: str | None = Field(description="the mapping profile; null: proposed from headers")
    mapped: dict[str, str] = Field(description="column header -> Refuge field")
    unmapped: list[str]
    skipped: str | None


class ImportResultOut(_Out):
    """What one upload did, with the row-level report (first problems listed, all counted)."""

    already: bool = Field(description="the same bytes were imported before; nothing was added")
    imported: ImportOut
    sheets: list[SheetOut]
    problems: list[ReportedProblemOut]
    problems_not_listed: int


class RowProblemsOut(_Out):
    sheet: str | None
    row: int
    rejected: bool = Field(description="the row went to the quarantine")
    problems: list[ProblemOut]


class ImportReportOut(_Out):
    imported: ImportOut
    rows: list[RowProblemsOut]


class QuarantineEntryOut(_Out):
    id: uuid.UUID
    organisation: str
    list_name: str
    file_id: uuid.UUID
    file: str
    sheet: str | None
    row: int
    status: str
    problems: list[ProblemOut]
    corrected_fields: list[str]
    record_id: uuid.UUID | None


class CellOut(_Out):
    column: str
    value: str


class QuarantinedRowOut(_Out):
    entry: QuarantineEntryOut
    values: list[CellOut]
    corrections: dict[str, str]


class CorrectionIn(_In):
    corrections: dict[str, Annotated[str, Field(max_length=1000, pattern=_FREE_TEXT)]] = Field(
        min_length=1, description="Refuge field name -> corrected value"
    )


class CorrectionOut(_Out):
    id: uuid.UUID
    accepted: bool
    record_id: uuid.UUID | None
    new_record: bool
    problems: list[ProblemOut]


class RecordLineOut(_Out):
    """Where a record came from and what matching made of it; no value of it."""

    id: uuid.UUID
    organisation: str
    list_name: str
    file: str
    sheet: str | None
    row: int
    origin: str
    withdrawn: bool
    shredded: bool
    person_id: uuid.UUID | None
    household_id: uuid.UUID | None


class RecordOut(_Out):
    """A source record as its list had it; numbers masked unless the role checks them."""

    id: uuid.UUID
    organisation: str
    list_name: str
    file: str
    sheet: str | None
    row: int
    origin: str
    withdrawn: bool
    person_id: uuid.UUID | None
    household_id: uuid.UUID | None
    given: str
    family: str
    given_romanised: str
    family_romanised: str
    script: str
    date_of_birth: str
    sex: str
    nationalities: list[str]
    relationship: str | None
    passport_number: str | None
    tazkira_number: str | None
    phones: list[str]
    masked: bool
    household_reference: str | None
    source_id: str | None
    notes: str | None
    unmapped: list[tuple[str, str]]
    warnings: list[ProblemOut]


class PersonLineOut(_Out):
    id: uuid.UUID
    household_id: uuid.UUID
    records: int


class PersonRecordsOut(_Out):
    id: uuid.UUID
    household_id: uuid.UUID | None
    records: list[RecordOut]


class PairVerdictOut(_Out):
    field: str
    level: str
    verdict: str
    bayes_factor: float


class ReviewPairOut(_Out):
    id: uuid.UUID
    left: uuid.UUID = Field(description="a source record id")
    right: uuid.UUID
    probability: float
    fields: list[PairVerdictOut]
    decision: str
    found_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None


class DecisionIn(_In):
    decision: Literal["confirm", "reject"]


class DecisionOut(_Out):
    pair: ReviewPairOut
    persons_before: int
    persons_after: int


# --- screening and manifests --------------------------------------------------------------------


class RuleResultOut(_Out):
    rule: str
    effect: str
    passed: bool
    text: str
    unknown: list[str]


class EligibilityDecisionOut(_Out):
    program: str
    program_version: str
    on: dt.date
    outcome: str
    read_out: str
    reasons: list[RuleResultOut]
    results: list[RuleResultOut]


class ScreeningOut(_Out):
    number: str
    stage: Stage | None = Field(description="null for roles shown the coarse status only")
    status: CoarseStatus
    decision: EligibilityDecisionOut | None


class ScreeningRunIn(_In):
    only_changed: bool = Field(default=False, strict=True)


class ScreeningRunOut(_Out):
    screened: int
    unchanged: int
    counts: dict[str, int]
    moved: int
    first_screened: int
    changes: list[str] = Field(description="who changed outcome and why: case numbers and rules")
    without_program: list[str]
    unreadable: list[str]
    quotas: list[str]


class VettingIn(_In):
    outcome: Literal["cleared", "refused"]
    reason: str = Field(default="", max_length=2000, pattern=_FREE_TEXT)
    expected_version: int | None = Field(
        default=None, ge=0, strict=True, description="the version read; or send it as If-Match"
    )


class ManifestMemberOut(_Out):
    """One person on a manifest: personal fields empty for roles that do not read households,
    the document number masked for roles that do not check documents."""

    entry_id: uuid.UUID
    relationship: str
    status: str
    family_name: str
    given_names: str
    written_name: str
    sex: str
    date_of_birth: str
    nationality: str
    document_kind: str
    document_number: str
    document_issuing_state: str


class ManifestHouseholdOut(_Out):
    household_id: uuid.UUID
    case_number: str
    members: list[ManifestMemberOut]
    standby_rank: int | None
    shredded: bool


class ManifestOut(_Out):
    flight: FlightOut
    households: list[ManifestHouseholdOut] = Field(description="holding or having held seats")
    standby: list[ManifestHouseholdOut] = Field(description="in the order offered seats")
    seated: int
    names_shown: bool
    documents_masked: bool
