"""The accounts policy (lifetimes, lock-out, hashing cost, the flight-time release window) and
the guards built from it that live as long as the service: the password hasher and the rate
limiters."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from refuge.accounts.credentials import Passwords
from refuge.accounts.limits import AttemptLimiter

__all__ = ["AccountPolicy", "Guards"]


@dataclass(frozen=True, slots=True)
class AccountPolicy:
    session_lifetime: dt.timedelta = dt.timedelta(hours=8)
    api_token_lifetime: dt.timedelta = dt.timedelta(days=90)
    lockout_after: int = 5  # consecutive failed logins
    lockout_for: dt.timedelta = dt.timedelta(minutes=15)
    # Attempts within a window, per username or case number (against guessing one secret) and per
    # client address (against trying many; higher, since an office or a help desk shares one).
    login_limit: int = 10
    login_client_limit: int = 60
    login_window: dt.timedelta = dt.timedelta(minutes=5)
    applicant_limit: int = 5
    applicant_client_limit: int = 30
    applicant_window: dt.timedelta = dt.timedelta(minutes=15)
    # Departure times are shown to everyone with flight access from this long before the window.
    flight_release_before: dt.timedelta = dt.timedelta(hours=3)
    # argon2id costs: OWASP's minimum (19 MiB, 2 passes); tests lower them, production must not.
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19_456
    argon2_parallelism: int = 1

    def per_worker(self, workers: int) -> AccountPolicy:
        """The policy for one of `workers` processes serving together: attempt counts live in
        each process's memory, so each is given its share of the limits (lock-out, stored in the
        database, is shared as it is)."""
        if workers <= 1:
            return self

        def share(limit: int) -> int:
            return max(1, limit // workers)

        return dataclasses.replace(
            self,
            login_limit=share(self.login_limit),
            login_client_limit=share(self.login_client_limit),
            applicant_limit=share(self.applicant_limit),
            applicant_client_limit=share(self.applicant_client_limit),
        )


@dataclass(slots=True)
class Guards:
    """What the service keeps between requests for its accounts."""

    policy: AccountPolicy
    passwords: Passwords = field(init=False)
    logins: AttemptLimiter = field(init=False)  # per username
    login_clients: AttemptLimiter = field(init=False)
    applicants: AttemptLimiter = field(init=False)  # per case number
    applicant_clients: AttemptLimiter = field(init=False)

    def __post_init__(self) -> None:
        p = self.policy
        self.passwords = Passwords(
            time_cost=p.argon2_time_cost,
            memory_cost=p.argon2_memory_kib,
            parallelism=p.argon2_parallelism,
        )
        self.logins = AttemptLimiter(p.login_limit, p.login_window)
        self.login_clients = AttemptLimiter(p.login_client_limit, p.login_window)
        self.applicants = AttemptLimiter(p.applicant_limit, p.applicant_window)
        self.applicant_clients = AttemptLimiter(p.applicant_client_limit, p.applicant_window)
