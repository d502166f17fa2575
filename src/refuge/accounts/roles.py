"""Roles as DESIGN.md names them, the scopes of what each may do, and the pipeline moves each may
make. The one table of who may do what; `access.py` applies it to single objects."""

from __future__ import annotations

import enum
from collections.abc import Mapping

from refuge.domain import Stage

__all__ = [
    "FLIGHT_TIME_ROLES",
    "ROLE_MOVES",
    "ROLE_SCOPES",
    "UNMASKED_ROLES",
    "Role",
    "Scope",
]


class Role(enum.StrEnum):
    PARTNER = "partner_organisation"
    CASE_OFFICER = "case_officer"
    VETTING_OFFICER = "vetting_officer"
    COORDINATOR = "coordinator"
    FLIGHT_OPERATIONS = "flight_operations"
    GATE_AGENT = "gate_agent"
    RECEPTION_OFFICER = "reception_officer"
    AUDITOR = "auditor"


class Scope(enum.StrEnum):
    """What a request may touch. A role holds a set of scopes; an API token holds a subset of its
    owner's."""

    CASES_READ = "cases:read"
    CASES_WRITE = "cases:write"
    HOUSEHOLDS_READ = "households:read"
    FLIGHTS_READ = "flights:read"
    PROGRAMS_READ = "programs:read"
    PROGRAMS_WRITE = "programs:write"
    ORGANISATIONS_READ = "organisations:read"
    ORGANISATIONS_WRITE = "organisations:write"
    USERS_READ = "users:read"
    USERS_WRITE = "users:write"
    AUDIT_READ = "audit:read"
    REPORTS_READ = "reports:read"
    # Lists sent in: uploading them (and correcting their quarantined rows), and reading what
    # became of them. A partner's are limited to its own organisation's lists.
    IMPORTS_READ = "imports:read"
    IMPORTS_WRITE = "imports:write"
    RECORDS_READ = "records:read"  # source records as the lists had them
    PERSONS_READ = "persons:read"  # the persons matching joined records into
    REVIEW_READ = "review:read"
    REVIEW_WRITE = "review:write"  # confirm, reject or undo an uncertain pair
    SCREENING_READ = "screening:read"
    SCREENING_WRITE = "screening:write"  # record a security screening outcome
    SCREENING_RUN = "screening:run"  # screen cases against the programs' rules
    SITES_READ = "sites:read"  # reception sites, their occupancy and warnings: counts only
    SITES_WRITE = "sites:write"  # sites added, flights expected at them
    ARRIVALS_WRITE = "arrivals:write"  # people received at a site, and their departures
    PLANS_READ = "plans:read"
    PLANS_WRITE = "plans:write"


_S = Scope
_BASE = frozenset({_S.PROGRAMS_READ, _S.ORGANISATIONS_READ})
_CASEWORK = _BASE | {_S.CASES_READ, _S.CASES_WRITE, _S.HOUSEHOLDS_READ, _S.FLIGHTS_READ}
_LISTS = frozenset({_S.IMPORTS_READ, _S.IMPORTS_WRITE, _S.RECORDS_READ})
_IDENTITIES = frozenset({_S.RECORDS_READ, _S.PERSONS_READ, _S.SCREENING_READ})

ROLE_SCOPES: Mapping[Role, frozenset[Scope]] = {
    # A partner sees its own submissions' coarse status, and the records of its own lists as it
    # sent them (masked): nothing of persons that other organisations' lists were joined into.
    Role.PARTNER: _BASE | _LISTS | {_S.CASES_READ},
    Role.CASE_OFFICER: _CASEWORK
    | _LISTS
    | _IDENTITIES
    | {_S.REPORTS_READ, _S.REVIEW_READ, _S.REVIEW_WRITE, _S.SCREENING_RUN},
    Role.VETTING_OFFICER: _CASEWORK | _IDENTITIES | {_S.REPORTS_READ, _S.SCREENING_WRITE},
    Role.COORDINATOR: frozenset(Scope),
    Role.FLIGHT_OPERATIONS: _BASE | {_S.FLIGHTS_READ, _S.PLANS_READ},
    Role.GATE_AGENT: _CASEWORK,
    Role.RECEPTION_OFFICER: _CASEWORK | {_S.SITES_READ, _S.ARRIVALS_WRITE},
    # The auditor reads everything and changes nothing.
    Role.AUDITOR: frozenset(s for s in Scope if s.value.endswith(":read")),
}

_P = Stage
ROLE_MOVES: Mapping[Role, frozenset[Stage]] = {
    Role.PARTNER: frozenset(),
    Role.CASE_OFFICER: frozenset(
        {_P.REGISTERED, _P.ELIGIBLE, _P.INELIGIBLE, _P.DOCUMENTS_MISSING, _P.WITHDRAWN, _P.CLOSED}
    ),
    Role.VETTING_OFFICER: frozenset({_P.VETTING_CLEARED, _P.VETTING_REFUSED}),
    Role.COORDINATOR: frozenset(Stage),
    Role.FLIGHT_OPERATIONS: frozenset(),
    Role.GATE_AGENT: frozenset({_P.CHECKED_IN, _P.BOARDED, _P.NO_SHOW, _P.DEPARTED}),
    Role.RECEPTION_OFFICER: frozenset({_P.ARRIVED}),
    Role.AUDITOR: frozenset(),
}

# Who sees document and phone numbers whole: those who check them against a person or a paper.
UNMASKED_ROLES: frozenset[Role] = frozenset(
    {Role.CASE_OFFICER, Role.VETTING_OFFICER, Role.COORDINATOR, Role.GATE_AGENT}
)

# Who sees departure times before the release window opens (operational security).
FLIGHT_TIME_ROLES: frozenset[Role] = frozenset({Role.FLIGHT_OPERATIONS, Role.COORDINATOR})
