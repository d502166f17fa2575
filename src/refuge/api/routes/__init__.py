"""One router per resource."""

from refuge.api.routes import (
    applicant,
    audit,
    cases,
    flights,
    households,
    organisations,
    programs,
    reports,
    session,
    tokens,
    users,
)

__all__ = [
    "applicant",
    "audit",
    "cases",
    "flights",
    "households",
    "organisations",
    "programs",
    "reports",
    "session",
    "tokens",
    "users",
]
