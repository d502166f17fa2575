"""The gate service against a stored manifest, on SQLite and PostgreSQL: check-in and boarding
from signed passes and passport zones, refusals with their reasons, no-shows, and the audit
trail they leave (with no personal data in it)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from refuge.domain import Conflict, ManifestStatus, Stage
from refuge.gate import (
    GateStep,
    IssuedToken,
    ScanOutcome,
    ScanResult,
    generate_pass_key,
    issue_passes,
    no_show,
    scan,
    scan_batch,
)

from .building import NOW, Boarding, td3

LATER = NOW + dt.timedelta(hours=1)


def issued(boarding: Boarding, code: str) -> list[IssuedToken]:
    return issue_passes(boarding.uow(), code, boarding.key, actor="ops-1", now=NOW)


def at_gate(
    boarding: Boarding, scanned: str, code: str, step: GateStep = GateStep.CHECK_IN
) -> ScanResult:
    return scan(
        boarding.uow(),
        scanned,
        flight_code=code,
        gate_agent="gate-7",
        now=LATER,
        public_keys=[boarding.key.public_key()],
        step=step,
    )


def stage_of(boarding: Boarding, number: str) -> Stage:
    with boarding.uow() as uow:
        return uow.cases.get(number).stage


def statuses(boarding: Boarding, number: str) -> list[ManifestStatus]:
    with boarding.uow() as uow:
        case = uow.cases.get(number)
        return sorted(e.status for e in uow.manifests.for_case(case.id))


def test_a_pass_is_issued_for_every_manifested_person_and_names_no_one(boarding: Boarding) -> None:
    tokens = issued(boarding, "RCH101")
    assert len(tokens) == 4  # two households of two
    assert len({t.pass_id for t in tokens}) == 4
    for token in tokens:
        household = boarding.households[token.case_number]
        for member in household.members:
            assert member.person.name.family.upper() not in token.token


def test_check_in_then_board_moves_the_entry_and_the_case_along(boarding: Boarding) -> None:
    tokens = issued(boarding, "RCH101")
    number = tokens[0].case_number
    mine = [t for t in tokens if t.case_number == number]

    first = at_gate(boarding, mine[0].token, "RCH101")
    assert first.outcome is ScanOutcome.CHECKED_IN
    assert first.case_number == number
    assert first.person is not None
    assert first.person.sex in {"M", "F"}
    assert len(first.household) == 2
    assert stage_of(boarding, number) is Stage.CHECKED_IN

    at_gate(boarding, mine[1].token, "RCH101")
    boarded = at_gate(boarding, mine[0].token, "RCH101", GateStep.BOARD)
    assert boarded.outcome is ScanOutcome.BOARDED
    # Half the household aboard: the case waits for the other half.
    assert stage_of(boarding, number) is Stage.CHECKED_IN
    at_gate(boarding, mine[1].token, "RCH101", GateStep.BOARD)
    assert stage_of(boarding, number) is Stage.BOARDED
    assert statuses(boarding, number) == [ManifestStatus.BOARDED] * 2


def test_boarding_without_check_in_is_refused(boarding: Boarding) -> None:
    token = issued(boarding, "RCH101")[0]
    result = at_gate(boarding, token.token, "RCH101", GateStep.BOARD)
    assert (result.outcome, result.reason) == (ScanOutcome.REFUSED, "not_checked_in")


def test_a_replayed_pass_is_refused_from_the_stored_state(boarding: Boarding) -> None:
    token = issued(boarding, "RCH101")[0]
    at_gate(boarding, token.token, "RCH101")
    at_gate(boarding, token.token, "RCH101", GateStep.BOARD)
    again = at_gate(boarding, token.token, "RCH101", GateStep.BOARD)
    assert (again.outcome, again.reason) == (ScanOutcome.REFUSED, "already_boarded")
    # Shown who it is, so the agent can find the copy's holder.
    assert again.case_number == token.case_number


def test_a_pass_for_another_flight_is_refused(boarding: Boarding) -> None:
    token = issued(boarding, "RCH202")[0]
    result = at_gate(boarding, token.token, "RCH101")
    assert (result.outcome, result.reason) == (ScanOutcome.REFUSED, "wrong_flight")
    assert statuses(boarding, token.case_number) == [ManifestStatus.MANIFESTED] * 2


def test_forged_and_altered_passes_are_refused(boarding: Boarding) -> None:
    genuine = issued(boarding, "RCH101")[0].token
    forger = dataclasses.replace(boarding, key=generate_pass_key())
    forged = issued(forger, "RCH101")[0].token
    assert at_gate(boarding, forged, "RCH101").reason == "unknown_key"
    # Change one character of the signed body.
    i = len(genuine) // 2
    altered = genuine[:i] + ("A" if genuine[i] != "A" else "B") + genuine[i + 1 :]
    assert at_gate(boarding, altered, "RCH101").outcome is ScanOutcome.REFUSED
    assert at_gate(boarding, "hello", "RCH101").outcome is ScanOutcome.UNREADABLE


def test_a_reissued_pass_withdraws_the_older_print(boarding: Boarding) -> None:
    old = issued(boarding, "RCH101")[0]
    issued(boarding, "RCH101")
    result = at_gate(boarding, old.token, "RCH101")
    assert (result.outcome, result.reason) == (ScanOutcome.REFUSED, "pass_withdrawn")


def test_a_passport_zone_checks_its_holder_in_against_the_manifest(boarding: Boarding) -> None:
    number = next(n for n, code in boarding.flight_of.items() if code == "RCH101")
    principal = boarding.households[number].principal
    zone = td3(principal.documents[0].number)
    result = at_gate(boarding, zone, "RCH101")
    assert result.outcome is ScanOutcome.CHECKED_IN
    assert result.case_number == number
    assert result.person is not None
    assert result.person.relationship == "principal"
    assert at_gate(boarding, zone, "RCH202").outcome is ScanOutcome.NOT_ON_MANIFEST
    assert at_gate(boarding, td3("ZZ9999999"), "RCH101").outcome is ScanOutcome.NOT_ON_MANIFEST
    broken = zone[:-1] + ("1" if zone[-1] != "1" else "2")
    assert at_gate(boarding, broken, "RCH101").outcome is ScanOutcome.UNREADABLE


def test_a_no_show_frees_the_entries_and_refuses_the_pass(boarding: Boarding) -> None:
    token = issued(boarding, "RCH101")[0]
    freed = no_show(
        boarding.uow(), token.case_number, flight_code="RCH101", gate_agent="gate-7", now=LATER
    )
    assert {e.status for e in freed} == {ManifestStatus.NO_SHOW}
    assert statuses(boarding, token.case_number) == [ManifestStatus.NO_SHOW] * 2
    assert stage_of(boarding, token.case_number) is Stage.NO_SHOW
    result = at_gate(boarding, token.token, "RCH101")
    assert (result.outcome, result.reason) == (ScanOutcome.REFUSED, "entry_no_show")
    with pytest.raises(Conflict, match=token.case_number):
        no_show(boarding.uow(), token.case_number, flight_code="RCH101", gate_agent="g", now=LATER)


def test_a_batch_is_worked_through_in_order_with_one_result_per_scan(boarding: Boarding) -> None:
    tokens = issued(boarding, "RCH101")
    scans = [tokens[0].token, "", tokens[0].token, "garbage", tokens[1].token]
    results = scan_batch(
        boarding.uow(),
        scans,
        flight_code="RCH101",
        gate_agent="gate-7",
        clock=lambda: LATER,
        public_keys=[boarding.key.public_key()],
    )
    assert [r.outcome for r in results] == [
        ScanOutcome.CHECKED_IN,
        ScanOutcome.ALREADY_CHECKED_IN,
        ScanOutcome.UNREADABLE,
        ScanOutcome.CHECKED_IN,
    ]
    with boarding.uow() as uow:
        logged = uow.gate.scans_for_flight(boarding.flights["RCH101"].id)
    assert [s.outcome for s in logged].count("checked_in") == 2
    assert len(logged) == 4


def test_audit_events_and_result_lines_carry_no_personal_data(boarding: Boarding) -> None:
    tokens = issued(boarding, "RCH101")
    number = tokens[0].case_number
    principal = boarding.households[number].principal
    lines = [
        at_gate(boarding, tokens[0].token, "RCH101").line(),
        at_gate(boarding, td3(principal.documents[0].number), "RCH101").line(),
        at_gate(boarding, tokens[0].token, "RCH202").line(),
    ]
    with boarding.uow() as uow:
        events = list(uow.audit.events())
        assert uow.audit.verify() == []
    actions = {e.action for e in events}
    assert {"gate.passes_issued", "gate.check_in", "case.transition", "gate.refused"} <= actions
    dumped = json.dumps([dataclasses.asdict(e) for e in events], default=str) + "\n".join(lines)
    for household in boarding.households.values():
        for member in household.members:
            person = member.person
            assert person.name.family not in dumped
            assert person.name.given not in dumped
            for doc in person.documents:
                assert doc.number not in dumped
            assert "1984-03-21" not in dumped
