"""Where each role lands after signing in, and the links its pages offer: the role's daily work
first. Every link is a page this module's table names for that role only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from refuge.accounts import Role

__all__ = ["LANDING", "Link", "landing", "links_for"]


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    path: str


_DASHBOARD = Link("Dashboard", "/dashboard")
_SEARCH = Link("Find a case", "/casework")
_REVIEW = Link("Review queue", "/review-queue")
_QUARANTINE = Link("Quarantine", "/quarantined")
_IMPORT = Link("Import a list", "/list-imports")
_AUDIT = Link("Audit log", "/audit-log")
_SUBMISSIONS = Link("Our submissions", "/submissions")
_FLIGHTS = Link("Flights", "/departures")
_GATE = Link("Gate", "/gate")


def _home(label: str) -> Link:
    return Link(label, "/home")


# The first link is the role's landing page.
LANDING: Mapping[Role, tuple[Link, ...]] = {
    Role.COORDINATOR: (
        _DASHBOARD,
        _SEARCH,
        _REVIEW,
        _QUARANTINE,
        _IMPORT,
        _FLIGHTS,
        _GATE,
        _AUDIT,
    ),  # fmt: skip
    Role.CASE_OFFICER: (_SEARCH, _REVIEW, _QUARANTINE, _IMPORT),
    Role.VETTING_OFFICER: (_SEARCH,),
    Role.PARTNER: (_SUBMISSIONS, _IMPORT),
    Role.FLIGHT_OPERATIONS: (_FLIGHTS,),
    Role.GATE_AGENT: (_GATE, _FLIGHTS, _SEARCH),
    Role.RECEPTION_OFFICER: (_home("Reception"), _SEARCH),
    Role.AUDITOR: (_AUDIT,),
}


def links_for(role: Role) -> tuple[Link, ...]:
    return LANDING[role]


def landing(role: Role) -> str:
    return LANDING[role][0].path
