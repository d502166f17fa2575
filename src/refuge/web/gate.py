"""The gate page, built for a tablet and a queue: pick the flight, then scan (or type) a boarding
pass or a passport's machine-readable zone, see at once whether the person is on this flight's
manifest with their household and the coarse fields to hold against them (no photo), and check
in, board or record a no-show with one tap. Each answer is an htmx fragment; without scripts the
same forms post whole pages."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request, Response

from refuge.accounts import (
    Principal,
    flight_board,
    flight_board_line,
    gate_confirm,
    gate_no_show,
    gate_scan,
    may_work_gate,
)
from refuge.api.deps import Now, Svc
from refuge.domain import ManifestStatus
from refuge.domain.errors import Forbidden
from refuge.gate import (
    GateStep,
    MemberCheck,
    ScanOutcome,
    ScanResult,
    load_or_create_signing_key,
    signing_key_path,
)
from refuge.web.pages import PageRoute, Viewer, is_htmx
from refuge.web.rendering import render

__all__ = ["GatePanel", "gate_panel", "router"]

router = APIRouter(route_class=PageRoute)

# What a scan may hold: a TD1 zone is 3 x 30 characters, a pass a few hundred.
_SCAN_MAX = 2000
_STEPS = {"look": GateStep.LOOK, "check_in": GateStep.CHECK_IN, "board": GateStep.BOARD}

_HEADLINES = {
    ScanOutcome.ON_MANIFEST: "On this flight",
    ScanOutcome.CHECKED_IN: "Checked in",
    ScanOutcome.ALREADY_CHECKED_IN: "Already checked in",
    ScanOutcome.BOARDED: "Boarded",
    ScanOutcome.NOT_ON_MANIFEST: "Not on this flight's manifest",
    ScanOutcome.REFUSED: "Refused",
    ScanOutcome.UNREADABLE: "Could not read the scan",
}

# The gate service's reason codes, as an agent reads them at a glance.
_REASONS = {
    "malformed": "not a readable boarding pass",
    "unsupported_version": "a boarding pass format this gate does not read",
    "unknown_key": "signed by a key this operation does not hold: forged",
    "bad_signature": "signature does not match: the pass was altered or forged",
    "wrong_flight": "boarding pass for another flight",
    "not_yet_valid": "boarding pass not valid yet",
    "expired": "boarding pass expired",
    "already_boarded": "already boarded: this pass or person was used before",
    "pass_withdrawn": "boarding pass replaced or withdrawn: ask for the new one",
    "not_checked_in": "not checked in yet: check in first",
    "not_on_manifest": "no one with this passport is on this flight",
    "entry_standby": "on standby: no seat on this flight",
    "entry_no_show": "recorded as a no-show on this flight",
    "entry_offloaded": "offloaded from this flight",
    "mrz_invalid": "passport zone unreadable: scan it again or type it",
}


@dataclass(frozen=True, slots=True)
class GatePanel:
    """What the agent sees after a scan or a tap."""

    admitted: bool
    headline: str
    reason: str  # "" when admitted
    case_number: str | None
    entry_id: uuid.UUID | None
    person: MemberCheck | None
    household: tuple[MemberCheck, ...]
    actions: tuple[Literal["check_in", "board", "no_show"], ...]


def gate_panel(result: ScanResult) -> GatePanel:
    """A scan's result as the gate page shows it, with the one-tap actions that apply to the
    person scanned: check in if manifested, board once checked in, no-show for either."""
    person = result.person
    actions: list[Literal["check_in", "board", "no_show"]] = []
    if person is not None and result.entry_id is not None:
        if person.status is ManifestStatus.MANIFESTED:
            actions.append("check_in")
        if person.status is ManifestStatus.CHECKED_IN:
            actions.append("board")
        if person.status in {ManifestStatus.MANIFESTED, ManifestStatus.CHECKED_IN}:
            actions.append("no_show")
    return GatePanel(
        admitted=result.admitted,
        headline=_HEADLINES[result.outcome],
        reason="" if result.admitted else _reason(result.reason),
        case_number=result.case_number,
        entry_id=result.entry_id,
        person=person,
        household=result.household,
        actions=tuple(actions),
    )


def _reason(code: str | None) -> str:
    if code is None:
        return ""
    if code.startswith("mrz_invalid:"):
        fields = code.split(":", 1)[1].replace(",", ", ")
        return f"passport zone wrong in: {fields}; scan it again or type it"
    return _REASONS.get(code, code.replace("_", " "))


def _desk(principal: Principal) -> None:
    if not may_work_gate(principal):
        raise Forbidden(f"role {principal.role} does not work the gate")


def _answer(
    request: Request,
    principal: Principal,
    svc: Svc,
    now: dt.datetime,
    code: str,
    panel: GatePanel | None,
    *,
    step: str = "look",
    note: str = "",
) -> Response:
    line = flight_board_line(svc.refuge.uow(), svc.guards, principal, code, now=now)
    fragment = is_htmx(request)
    context = {"line": line, "panel": panel, "step": step, "note": note, "oob": fragment}
    template = "gate_result.html" if fragment else "gate.html"
    return render(request, template, context, principal=principal)


@router.get("/gate")
def gate_flights(request: Request, principal: Viewer, svc: Svc, now: Now) -> Response:
    """The flights a gate agent may work, with how far each has come."""
    _desk(principal)
    lines = flight_board(svc.refuge.uow(), svc.guards, principal, now=now)
    return render(request, "gate_flights.html", {"lines": lines}, principal=principal)


@router.get("/gate/{code}")
def gate_desk(request: Request, code: str, principal: Viewer, svc: Svc, now: Now) -> Response:
    _desk(principal)
    return _answer(request, principal, svc, now, code, None)


@router.post("/gate/{code}/scan")
def gate_read(
    request: Request,
    code: str,
    principal: Viewer,
    svc: Svc,
    now: Now,
    scanned: Annotated[str, Form(max_length=_SCAN_MAX)],
    step: Annotated[Literal["look", "check_in", "board"], Form()] = "look",
) -> Response:
    """A scan: look (nothing recorded but the scan), or check in or board on the spot."""
    _desk(principal)
    refuge = svc.refuge
    key = load_or_create_signing_key(
        signing_key_path(refuge.settings.resolved_key_file), refuge.kek
    )
    result = gate_scan(
        svc.refuge.uow(),
        principal,
        code,
        scanned,
        step=_STEPS[step],
        public_keys=[key.public_key()],
        now=now,
    )
    return _answer(request, principal, svc, now, code, gate_panel(result), step=step)


@router.post("/gate/{code}/entries/{entry_id}/{action}")
def gate_tap(
    request: Request,
    code: str,
    entry_id: uuid.UUID,
    action: Literal["check-in", "board"],
    principal: Viewer,
    svc: Svc,
    now: Now,
) -> Response:
    """One tap after a look: check the person in, or board them."""
    step = GateStep.CHECK_IN if action == "check-in" else GateStep.BOARD
    result = gate_confirm(svc.refuge.uow(), principal, code, entry_id, step, now=now)
    return _answer(request, principal, svc, now, code, gate_panel(result))


@router.post("/gate/{code}/cases/{number}/no-show")
def gate_missing(
    request: Request, code: str, number: str, principal: Viewer, svc: Svc, now: Now
) -> Response:
    """One tap: the case's people not aboard did not come; their seats go to standby."""
    freed = gate_no_show(svc.refuge.uow(), principal, code, number, now=now)
    people = "person" if freed.freed == 1 else "people"
    note = f"Case {freed.case_number}: {freed.freed} {people} recorded as no-show, seats freed."
    return _answer(request, principal, svc, now, code, None, note=note)
