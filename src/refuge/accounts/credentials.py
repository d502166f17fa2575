"""Secrets people and machines present: argon2id password hashes, TOTP second factors, and random
bearer tokens (sessions, API tokens, CSRF tokens, applicant secrets) kept only as digests."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import pyotp
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = [
    "Passwords",
    "digest",
    "digests_equal",
    "new_applicant_secret",
    "new_token",
    "new_totp_secret",
    "normalise_applicant_secret",
    "provisioning_uri",
    "totp_code",
    "totp_step",
]

# Applicant secrets are read out or written down by people: no 0/O or 1/I/L to confuse.
_APPLICANT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_APPLICANT_GROUPS = 4
_APPLICANT_GROUP = 5
_TOTP_PERIOD = 30


class Passwords:
    """argon2id hashing with the policy's cost parameters.

    Verifying against a dummy hash when the user is unknown makes an unknown user cost the same
    time as a wrong password.
    """

    def __init__(self, *, time_cost: int, memory_cost: int, parallelism: int) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            type=Type.ID,
        )
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def verify_dummy(self, password: str) -> None:
        self.verify(self._dummy, password)

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)


def new_token(prefix: str) -> str:
    """A bearer token: 256 random bits, with a prefix saying what it is (for secret scanners)."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def digest(secret: str) -> str:
    """What is stored of a high-entropy secret: its SHA-256. Enough, because nobody can guess
    the secret to test against it; passwords, which people choose, get argon2id instead."""
    return hashlib.sha256(secret.encode()).hexdigest()


def digests_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def new_applicant_secret() -> str:
    """About 99 random bits in four groups of five, e.g. `K7QXM-2RTPA-...`."""
    groups = (
        "".join(secrets.choice(_APPLICANT_ALPHABET) for _ in range(_APPLICANT_GROUP))
        for _ in range(_APPLICANT_GROUPS)
    )
    return "-".join(groups)


def normalise_applicant_secret(secret: str) -> str:
    return "".join(ch for ch in secret.upper() if ch.isalnum())


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_step(secret: str, code: str, at: dt.datetime) -> int | None:
    """The time step `code` belongs to (the current one or either neighbour, for clock drift),
    or None if it is wrong. Callers refuse a step at or before the last one used (replay)."""
    code = code.strip()
    if not (code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret, interval=_TOTP_PERIOD)
    now = int(at.timestamp()) // _TOTP_PERIOD
    for step in (now, now - 1, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def totp_code(secret: str, at: dt.datetime) -> str:
    """The code an authenticator app would show at `at` (for enrolment checks and tests)."""
    return pyotp.TOTP(secret, interval=_TOTP_PERIOD).at(at)


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app reads (usually from a QR code) at enrolment."""
    return pyotp.TOTP(secret, interval=_TOTP_PERIOD).provisioning_uri(
        name=username, issuer_name="Refuge"
    )
