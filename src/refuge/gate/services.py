"""Gate use cases: issuing boarding passes for a flight's manifest, and check-in, boarding and
no-show against it from scanned passes or passport zones, one scan at a time or in a batch.

Each scan is one transaction: the manifest entry's status, the case's pipeline stage, an audit
event and a line in the scan log change together or not at all. What a scan returns is what a
gate agent needs to see and no more: the outcome, the case number, and coarse checks (initials,
sex, year of birth, last characters of the document) to hold against the person in front of them.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from refuge.cases.services import transition_case
from refuge.domain import (
    Case,
    Conflict,
    Flight,
    Household,
    InvalidInput,
    ManifestEntry,
    ManifestStatus,
    NotFound,
    Person,
    RefugeError,
    Stage,
)
from refuge.gate.mrz import MrzInvalid, read_mrz
from refuge.gate.passes import (
    PassRefused,
    RefusalReason,
    issue_pass,
    key_id,
    verify_pass,
)
from refuge.gate.ports import GateUnitOfWork, IssuedPass, ScanRecord
from refuge.planning import reoffer_in

__all__ = [
    "GateStep",
    "IssuedToken",
    "MemberCheck",
    "ScanOutcome",
    "ScanResult",
    "board",
    "check_in",
    "issue_passes",
    "no_show",
    "scan",
    "scan_batch",
]

_ISSUABLE = frozenset({ManifestStatus.MANIFESTED, ManifestStatus.CHECKED_IN})
DEFAULT_VALID_AFTER_DEPARTURE = dt.timedelta(hours=6)


class GateStep(enum.StrEnum):
    LOOK = "look"  # show who this is, change nothing
    CHECK_IN = "check_in"
    BOARD = "board"


class ScanOutcome(enum.StrEnum):
    ON_MANIFEST = "on_manifest"  # a look: on this flight, nothing recorded
    CHECKED_IN = "checked_in"
    ALREADY_CHECKED_IN = "already_checked_in"  # harmless repeat at the desk; nothing changed
    BOARDED = "boarded"
    NOT_ON_MANIFEST = "not_on_manifest"
    REFUSED = "refused"  # see `reason`
    UNREADABLE = "unreadable"  # neither a boarding pass nor a readable passport zone


@dataclass(frozen=True, slots=True)
class MemberCheck:
    """Coarse fields an agent holds against a person and their passport, and nothing more."""

    relationship: str
    initials: str
    sex: str
    birth_year: int | None
    document_tail: str  # last three characters of the first document, or ""
    status: ManifestStatus | None  # on this flight; None if the member is not on it

    def describe(self) -> str:
        year = str(self.birth_year) if self.birth_year is not None else "????"
        tail = f" doc …{self.document_tail}" if self.document_tail else ""
        state = self.status.value if self.status is not None else "not on flight"
        return f"{self.relationship} {self.initials} {self.sex} {year}{tail} [{state}]"


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What the gate agent sees after one scan."""

    outcome: ScanOutcome
    via: str  # "pass" or "mrz"
    reason: str | None = None
    pass_id: str | None = None
    entry_id: uuid.UUID | None = None
    case_number: str | None = None
    household_id: uuid.UUID | None = None
    person: MemberCheck | None = None
    household: tuple[MemberCheck, ...] = ()

    @property
    def admitted(self) -> bool:
        return self.outcome in {
            ScanOutcome.ON_MANIFEST,
            ScanOutcome.CHECKED_IN,
            ScanOutcome.ALREADY_CHECKED_IN,
            ScanOutcome.BOARDED,
        }

    def line(self) -> str:
        """One line for a terminal or a log: no names, no dates of birth, no document numbers."""
        parts = [self.outcome.value.upper(), self.via]
        if self.reason:
            parts.append(f"reason={self.reason}")
        if self.case_number:
            parts.append(f"case={self.case_number}")
        if self.household_id:
            parts.append(f"household={str(self.household_id)[:8]}")
        if self.person:
            parts.append(f"person: {self.person.describe()}")
        if self.household:
            parts.append(f"travelling: {len(self.household)}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A pass to print: the entry it admits, the case it belongs to, and the signed token."""

    entry_id: uuid.UUID
    case_number: str
    pass_id: uuid.UUID
    token: str


# -- issuing -----------------------------------------------------------------------------------


def issue_passes(
    uow: GateUnitOfWork,
    flight_code: str,
    signing_key: Ed25519PrivateKey,
    *,
    actor: str,
    now: dt.datetime,
    valid_after_departure: dt.timedelta = DEFAULT_VALID_AFTER_DEPARTURE,
) -> list[IssuedToken]:
    """Sign a fresh pass for everyone manifested (or checked in) on the flight.

    Any earlier pass of the same people stops working: its id is no longer on record.
    """
    with uow:
        flight = uow.flights.get(flight_code)
        valid_until = flight.departs_latest + valid_after_departure
        if valid_until <= now:
            raise InvalidInput(f"flight {flight_code} has left; its passes would be expired")
        entries = [e for e in uow.manifests.for_flight(flight.id) if e.status in _ISSUABLE]
        numbers = _case_numbers(uow, entries)
        signer = key_id(signing_key)
        tokens: list[IssuedToken] = []
        records: list[IssuedPass] = []
        for entry in entries:
            pass_id = uuid.uuid4()
            token = issue_pass(
                signing_key,
                pass_id=pass_id,
                flight_code=flight.code,
                issued_at=now,
                valid_until=valid_until,
            )
            records.append(IssuedPass(pass_id, entry.id, flight.id, signer, now, valid_until))
            tokens.append(IssuedToken(entry.id, numbers[entry.case_id], pass_id, token))
        uow.gate.add_passes(records)
        uow.audit.record(
            actor=actor,
            action="gate.passes_issued",
            object_kind="flight",
            object_id=flight.code,
            at=now,
            details={"passes": len(records), "key_id": signer},
        )
        uow.commit()
    return tokens


def _case_numbers(uow: GateUnitOfWork, entries: Iterable[ManifestEntry]) -> dict[uuid.UUID, str]:
    numbers: dict[uuid.UUID, str] = {}
    for entry in entries:
        if entry.case_id not in numbers:
            numbers[entry.case_id] = _case(uow, entry).number
    return numbers


# -- scanning ----------------------------------------------------------------------------------


def scan(
    uow: GateUnitOfWork,
    scanned: str,
    *,
    flight_code: str,
    gate_agent: str,
    now: dt.datetime,
    public_keys: Sequence[Ed25519PublicKey],
    step: GateStep = GateStep.CHECK_IN,
) -> ScanResult:
    """Read a boarding pass or a passport's machine-readable zone and apply `step` to the
    person's manifest entry on `flight_code`. Refusals are results, not errors: the queue moves
    on. Raises only for a flight that does not exist."""
    with uow:
        flight = uow.flights.get(flight_code)
        result = _scan(uow, flight, scanned, gate_agent, now, public_keys, step)
        uow.gate.record_scan(
            ScanRecord(
                id=uuid.uuid4(),
                flight_id=flight.id,
                at=now,
                gate_agent=gate_agent,
                kind=result.via,
                step=step.value,
                outcome=result.outcome.value,
                reason=result.reason,
                pass_id=uuid.UUID(result.pass_id) if result.pass_id else None,
                entry_id=result.entry_id,
            )
        )
        if not result.admitted:
            uow.audit.record(
                actor=gate_agent,
                action="gate.refused",
                object_kind="flight",
                object_id=flight.code,
                at=now,
                details={
                    "via": result.via,
                    "step": step.value,
                    "outcome": result.outcome.value,
                    "reason": result.reason,
                },
            )
        uow.commit()
    return result


def scan_batch(
    uow: GateUnitOfWork,
    scans: Iterable[str],
    *,
    flight_code: str,
    gate_agent: str,
    clock: Callable[[], dt.datetime],
    public_keys: Sequence[Ed25519PublicKey],
    step: GateStep = GateStep.CHECK_IN,
) -> list[ScanResult]:
    """Scan in order, each in its own transaction, so one bad scan holds up no one else.
    Blank lines are skipped."""
    results: list[ScanResult] = []
    for scanned in scans:
        if not scanned.strip():
            continue
        try:
            result = scan(
                uow,
                scanned,
                flight_code=flight_code,
                gate_agent=gate_agent,
                now=clock(),
                public_keys=public_keys,
                step=step,
            )
        except NotFound:
            raise  # the flight itself is missing: every scan would fail the same way
        except RefugeError as exc:  # e.g. two desks scanning one family: a stale case
            result = ScanResult(ScanOutcome.REFUSED, _via(scanned), reason=exc.code)
        results.append(result)
    return results


def check_in(
    uow: GateUnitOfWork, entry_id: uuid.UUID, *, flight_code: str, gate_agent: str, now: dt.datetime
) -> ScanResult:
    """Check a person in by manifest entry, after an agent confirmed them on a look."""
    return _confirm(uow, entry_id, GateStep.CHECK_IN, flight_code, gate_agent, now)


def board(
    uow: GateUnitOfWork, entry_id: uuid.UUID, *, flight_code: str, gate_agent: str, now: dt.datetime
) -> ScanResult:
    return _confirm(uow, entry_id, GateStep.BOARD, flight_code, gate_agent, now)


def no_show(
    uow: GateUnitOfWork, case_number: str, *, flight_code: str, gate_agent: str, now: dt.datetime
) -> list[ManifestEntry]:
    """Mark a case's people who have not boarded as no-shows, move the case to no_show (unless
    some of it boarded), and re-offer the seats its household held in the latest plan to the
    standby lists in order, stored as a new plan version in the same transaction (nobody checked
    in or boarded moves)."""
    with uow:
        flight = uow.flights.get(flight_code)
        case = uow.cases.get(case_number)
        entries = [e for e in uow.manifests.for_case(case.id) if e.flight_id == flight.id]
        freed = [e for e in entries if e.status in _ISSUABLE]
        if not freed:
            raise Conflict(
                f"case {case_number} has no one manifested or checked in on flight {flight_code}"
            )
        for entry in freed:
            entry.status = ManifestStatus.NO_SHOW
            uow.manifests.save(entry)
            _audit_entry(uow, entry, "gate.no_show", flight, case, gate_agent, now, "agent")
        if not any(e.status is ManifestStatus.BOARDED for e in entries):
            _move(uow, case, Stage.NO_SHOW, gate_agent, now, reason=f"not at gate {flight_code}")
        reoffer_in(uow, [case.household_id], actor=gate_agent, now=now)
        uow.commit()
    return freed


# -- inside one scan ---------------------------------------------------------------------------


def _via(scanned: str) -> str:
    # Boarding passes open "RP<version>."; passport zones open with a document code (P, V, I, A, C).
    return "pass" if scanned.strip().upper().startswith("RP") else "mrz"


def _scan(
    uow: GateUnitOfWork,
    flight: Flight,
    scanned: str,
    gate_agent: str,
    now: dt.datetime,
    public_keys: Sequence[Ed25519PublicKey],
    step: GateStep,
) -> ScanResult:
    if _via(scanned) == "pass":
        return _scan_pass(uow, flight, scanned, gate_agent, now, public_keys, step)
    return _scan_mrz(uow, flight, scanned, gate_agent, now, step)


def _scan_pass(
    uow: GateUnitOfWork,
    flight: Flight,
    token: str,
    gate_agent: str,
    now: dt.datetime,
    public_keys: Sequence[Ed25519PublicKey],
    step: GateStep,
) -> ScanResult:
    found: dict[str, ManifestEntry | None] = {}

    def already_boarded(pass_id: str) -> bool:
        # Only reached once the signature, flight and validity window passed.
        found[pass_id] = uow.gate.entry_for_pass(uuid.UUID(pass_id))
        entry = found[pass_id]
        return entry is not None and entry.status is ManifestStatus.BOARDED

    try:
        verified = verify_pass(
            public_keys, token, flight_code=flight.code, now=now, already_boarded=already_boarded
        )
    except PassRefused as exc:
        entry = found.get(exc.pass_id) if exc.pass_id else None
        return _refused(uow, "pass", exc.reason.value, exc.pass_id, entry)
    entry = found.get(verified.pass_id)
    if entry is None or entry.flight_id != flight.id:
        # Genuine, but no longer on record: re-issued since, or the entry was re-planned away.
        return ScanResult(
            ScanOutcome.REFUSED, "pass", reason="pass_withdrawn", pass_id=verified.pass_id
        )
    return _apply(uow, flight, entry, step, gate_agent, now, "pass", verified.pass_id)


def _scan_mrz(
    uow: GateUnitOfWork,
    flight: Flight,
    zone: str,
    gate_agent: str,
    now: dt.datetime,
    step: GateStep,
) -> ScanResult:
    try:
        mrz = read_mrz(zone, today=now.date())
    except MrzInvalid as exc:
        fields = sorted({finding.field.value for finding in exc.findings})
        return ScanResult(ScanOutcome.UNREADABLE, "mrz", reason="mrz_invalid:" + ",".join(fields))
    except InvalidInput:
        return ScanResult(ScanOutcome.UNREADABLE, "mrz", reason="mrz_invalid")
    number = mrz.document_number
    household_ids = uow.households.find_by_document(number)
    entries = uow.gate.entries_for_households(flight.id, household_ids)
    by_person = {e.person_id: e for e in entries}
    for household_id in {e.household_id for e in entries}:
        household = uow.households.get(household_id)
        for member in household.members:
            if member.person.id in by_person and any(
                doc.number == number for doc in member.person.documents
            ):
                entry = by_person[member.person.id]
                return _apply(uow, flight, entry, step, gate_agent, now, "mrz", None, household)
    return ScanResult(ScanOutcome.NOT_ON_MANIFEST, "mrz", reason="not_on_manifest")


def _confirm(
    uow: GateUnitOfWork,
    entry_id: uuid.UUID,
    step: GateStep,
    flight_code: str,
    gate_agent: str,
    now: dt.datetime,
) -> ScanResult:
    with uow:
        flight = uow.flights.get(flight_code)
        entry = uow.manifests.get(entry_id)
        if entry.flight_id != flight.id:
            raise NotFound(f"manifest entry {entry_id} not found on flight {flight_code}")
        result = _apply(uow, flight, entry, step, gate_agent, now, "agent", None)
        if not result.admitted:
            raise Conflict(f"manifest entry {entry_id} on flight {flight_code}: {result.reason}")
        uow.commit()
    return result


def _apply(
    uow: GateUnitOfWork,
    flight: Flight,
    entry: ManifestEntry,
    step: GateStep,
    gate_agent: str,
    now: dt.datetime,
    via: str,
    pass_id: str | None,
    household: Household | None = None,
) -> ScanResult:
    case = _case(uow, entry)
    outcome, reason = _decide(entry.status, step)
    if outcome is ScanOutcome.CHECKED_IN:
        entry.status = ManifestStatus.CHECKED_IN
        uow.manifests.save(entry)
        _audit_entry(uow, entry, "gate.check_in", flight, case, gate_agent, now, via)
        if case.stage is Stage.MANIFESTED:
            _move(uow, case, Stage.CHECKED_IN, gate_agent, now)
    elif outcome is ScanOutcome.BOARDED:
        entry.status = ManifestStatus.BOARDED
        uow.manifests.save(entry)
        _audit_entry(uow, entry, "gate.board", flight, case, gate_agent, now, via)
        travelling = [e for e in uow.manifests.for_case(case.id) if e.flight_id == flight.id]
        # The case boards once everyone of it still travelling is aboard.
        if case.stage is Stage.CHECKED_IN and all(
            e.status in {ManifestStatus.BOARDED, ManifestStatus.NO_SHOW} for e in travelling
        ):
            _move(uow, case, Stage.BOARDED, gate_agent, now)
    if outcome is ScanOutcome.REFUSED:
        return _refused(uow, via, reason or "refused", pass_id, entry, case, household)
    return _result(uow, outcome, via, None, pass_id, entry, case, household)


def _decide(status: ManifestStatus, step: GateStep) -> tuple[ScanOutcome, str | None]:
    if status is ManifestStatus.BOARDED:
        return ScanOutcome.REFUSED, RefusalReason.ALREADY_BOARDED.value
    if status not in _ISSUABLE:
        return ScanOutcome.REFUSED, f"entry_{status.value}"
    if step is GateStep.LOOK:
        return ScanOutcome.ON_MANIFEST, None
    if step is GateStep.CHECK_IN:
        if status is ManifestStatus.CHECKED_IN:
            return ScanOutcome.ALREADY_CHECKED_IN, None
        return ScanOutcome.CHECKED_IN, None
    if status is ManifestStatus.MANIFESTED:
        return ScanOutcome.REFUSED, "not_checked_in"
    return ScanOutcome.BOARDED, None


def _refused(
    uow: GateUnitOfWork,
    via: str,
    reason: str,
    pass_id: str | None,
    entry: ManifestEntry | None,
    case: Case | None = None,
    household: Household | None = None,
) -> ScanResult:
    if entry is None:
        return ScanResult(ScanOutcome.REFUSED, via, reason=reason, pass_id=pass_id)
    # A genuine pass refused (replayed, no-show) still shows who it is, so the agent can act.
    return _result(
        uow, ScanOutcome.REFUSED, via, reason, pass_id, entry, case or _case(uow, entry), household
    )


def _result(
    uow: GateUnitOfWork,
    outcome: ScanOutcome,
    via: str,
    reason: str | None,
    pass_id: str | None,
    entry: ManifestEntry,
    case: Case,
    household: Household | None,
) -> ScanResult:
    household = household or uow.households.get(entry.household_id)
    on_flight = {
        e.person_id: e.status
        for e in uow.manifests.for_case(case.id)
        if e.flight_id == entry.flight_id
    }
    person: MemberCheck | None = None
    members: list[MemberCheck] = []
    for member in household.members:
        status = on_flight.get(member.person.id)
        check = _check(member.person, member.relationship.value, status)
        if member.person.id == entry.person_id:
            person = check
        if status is not None:
            members.append(check)
    return ScanResult(
        outcome,
        via,
        reason=reason,
        pass_id=pass_id,
        entry_id=entry.id,
        case_number=case.number,
        household_id=entry.household_id,
        person=person,
        household=tuple(members),
    )


def _check(person: Person, relationship: str, status: ManifestStatus | None) -> MemberCheck:
    name = person.name
    given = name.given_romanised or name.given
    family = name.family_romanised or name.family
    initials = "".join(part.strip()[:1].upper() for part in (given, family) if part.strip())
    document = person.documents[0].number if person.documents else ""
    return MemberCheck(
        relationship=relationship,
        initials=initials,
        sex=person.sex.value,
        birth_year=person.date_of_birth.year,
        document_tail=document[-3:],
        status=status,
    )


def _case(uow: GateUnitOfWork, entry: ManifestEntry) -> Case:
    for case in uow.cases.for_household(entry.household_id):
        if case.id == entry.case_id:
            return case
    raise NotFound(f"case of manifest entry {entry.id} not found")


def _move(
    uow: GateUnitOfWork, case: Case, to: Stage, actor: str, now: dt.datetime, reason: str = ""
) -> None:
    # Inside the scan's own transaction (move_case commits a transaction of its own).
    transition_case(uow, case, to, actor=actor, now=now, reason=reason)


def _audit_entry(
    uow: GateUnitOfWork,
    entry: ManifestEntry,
    action: str,
    flight: Flight,
    case: Case,
    actor: str,
    now: dt.datetime,
    via: str,
) -> None:
    uow.audit.record(
        actor=actor,
        action=action,
        object_kind="manifest_entry",
        object_id=str(entry.id),
        at=now,
        details={"flight": flight.code, "case": case.number, "via": via},
    )
