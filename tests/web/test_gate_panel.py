"""What the gate page offers after a scan: one-tap actions that fit the person's status, and
refusals read out in words an agent acts on."""

from __future__ import annotations

import uuid

from refuge.domain import ManifestStatus
from refuge.gate import MemberCheck, ScanOutcome, ScanResult
from refuge.web.gate import gate_panel


def check(status: ManifestStatus | None) -> MemberCheck:
    return MemberCheck("principal", "WQ", "M", 1984, "001", status)


def result(
    outcome: ScanOutcome, status: ManifestStatus | None, reason: str | None = None
) -> ScanResult:
    person = check(status)
    return ScanResult(
        outcome,
        "mrz",
        reason=reason,
        entry_id=uuid.uuid4(),
        case_number="AB12-CD34",
        household_id=uuid.uuid4(),
        person=person,
        household=(person, check(status)),
    )


def test_a_manifested_person_can_be_checked_in_or_marked_no_show_not_boarded() -> None:
    panel = gate_panel(result(ScanOutcome.ON_MANIFEST, ManifestStatus.MANIFESTED))
    assert panel.admitted
    assert panel.headline == "On this flight"
    assert panel.actions == ("check_in", "no_show")


def test_a_checked_in_person_can_be_boarded() -> None:
    panel = gate_panel(result(ScanOutcome.CHECKED_IN, ManifestStatus.CHECKED_IN))
    assert panel.actions == ("board", "no_show")


def test_someone_aboard_offers_nothing_more() -> None:
    panel = gate_panel(result(ScanOutcome.BOARDED, ManifestStatus.BOARDED))
    assert panel.actions == ()


def test_a_replayed_pass_is_refused_in_words_and_still_shows_who_it_is() -> None:
    panel = gate_panel(result(ScanOutcome.REFUSED, ManifestStatus.BOARDED, "already_boarded"))
    assert not panel.admitted
    assert panel.reason.startswith("already boarded")
    assert panel.person is not None
    assert panel.actions == ()


def test_a_bad_passport_zone_names_the_fields_to_scan_again() -> None:
    unreadable = ScanResult(
        ScanOutcome.UNREADABLE, "mrz", reason="mrz_invalid:date of birth,document number"
    )
    panel = gate_panel(unreadable)
    assert panel.reason == (
        "passport zone wrong in: date of birth, document number; scan it again or type it"
    )
    assert panel.person is None
    assert panel.actions == ()


def test_standby_people_cannot_be_checked_in_from_the_gate() -> None:
    panel = gate_panel(result(ScanOutcome.REFUSED, ManifestStatus.STANDBY, "entry_standby"))
    assert panel.reason == "on standby: no seat on this flight"
    assert panel.actions == ()
