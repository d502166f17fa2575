"""The table of who may do what, coarse statuses and masking."""

from __future__ import annotations

import uuid

from refuge.accounts import (
    ROLE_MOVES,
    ROLE_SCOPES,
    AccountPolicy,
    Channel,
    Principal,
    Role,
    Scope,
)
from refuge.accounts.views import CoarseStatus, coarse_status, mask
from refuge.domain import Stage


def test_every_role_and_stage_is_covered() -> None:
    assert set(ROLE_SCOPES) == set(Role) == set(ROLE_MOVES)
    assert {coarse_status(stage) for stage in Stage} == set(CoarseStatus)


def test_the_auditor_reads_everything_and_changes_nothing() -> None:
    scopes = ROLE_SCOPES[Role.AUDITOR]
    assert all(s.value.endswith(":read") for s in scopes)
    assert Scope.AUDIT_READ in scopes
    assert ROLE_MOVES[Role.AUDITOR] == frozenset()


def test_partners_never_reach_households_flights_or_the_audit_log() -> None:
    scopes = ROLE_SCOPES[Role.PARTNER]
    assert not scopes & {Scope.HOUSEHOLDS_READ, Scope.FLIGHTS_READ, Scope.AUDIT_READ}
    assert ROLE_MOVES[Role.PARTNER] == frozenset()


def test_a_tokens_scopes_never_exceed_its_owners_role() -> None:
    principal = Principal.of(
        user_id=uuid.uuid4(),
        username="partner-a",
        role=Role.PARTNER,
        organisation="ngo-a",
        channel=Channel.TOKEN,
        credential_id=uuid.uuid4(),
        token_scopes=frozenset({Scope.CASES_READ, Scope.AUDIT_READ}),
    )
    assert principal.scopes == frozenset({Scope.CASES_READ})


def test_refusals_and_rejections_are_told_as_wait_for_contact() -> None:
    for stage in (Stage.INELIGIBLE, Stage.VETTING_REFUSED, Stage.WITHDRAWN, Stage.NO_SHOW):
        assert coarse_status(stage) is CoarseStatus.WAIT_FOR_CONTACT
    for stage in (Stage.MANIFESTED, Stage.CHECKED_IN, Stage.BOARDED):
        assert coarse_status(stage) is CoarseStatus.APPROVED


def test_masks_keep_three_characters_at_most() -> None:
    assert mask("P1234567") == "*****567"
    assert mask("+93700000001") == "*****001"
    assert mask("AB12") == "*****"


def test_each_of_several_server_processes_gets_its_share_of_the_attempt_limits() -> None:
    policy = AccountPolicy()
    shared = policy.per_worker(4)
    assert (shared.login_limit, shared.applicant_limit) == (
        policy.login_limit // 4,
        max(1, policy.applicant_limit // 4),
    )
    assert shared.applicant_client_limit * 4 <= policy.applicant_client_limit
    assert shared.lockout_after == policy.lockout_after  # stored in the database: shared
    assert policy.per_worker(1) is policy
