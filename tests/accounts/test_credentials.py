"""Passwords, TOTP codes, tokens, applicant secrets and rate limits, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from refuge.accounts import AttemptLimiter, Passwords, totp_code
from refuge.accounts.credentials import (
    digest,
    new_applicant_secret,
    new_token,
    new_totp_secret,
    normalise_applicant_secret,
    totp_step,
)
from refuge.domain.errors import TooManyAttempts

AT = dt.datetime(2026, 8, 20, 6, 0, 10, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def passwords() -> Passwords:
    return Passwords(time_cost=1, memory_cost=8, parallelism=1)


def test_passwords_are_stored_as_argon2id_and_verified(passwords: Passwords) -> None:
    stored = passwords.hash("a long test password")
    assert stored.startswith("$argon2id$")
    assert "a long test password" not in stored
    assert passwords.verify(stored, "a long test password")
    assert not passwords.verify(stored, "a long test passworD")
    assert not passwords.verify("not a hash", "a long test password")


def test_hashes_made_with_cheaper_parameters_are_marked_for_rehashing(passwords: Passwords) -> None:
    stronger = Passwords(time_cost=2, memory_cost=16, parallelism=1)
    assert stronger.needs_rehash(passwords.hash("a long test password"))
    assert not stronger.needs_rehash(stronger.hash("a long test password"))


def test_a_totp_code_is_accepted_in_its_step_and_the_neighbouring_ones() -> None:
    seed = new_totp_secret()
    code = totp_code(seed, AT)
    step = int(AT.timestamp()) // 30
    assert totp_step(seed, code, AT) == step
    assert totp_step(seed, code, AT + dt.timedelta(seconds=30)) == step
    assert totp_step(seed, code, AT + dt.timedelta(seconds=90)) is None
    assert totp_step(seed, "12345x", AT) is None
    assert totp_step(seed, "١٢٣٤٥٦", AT) is None  # Arabic-Indic digits are not a code


def test_tokens_and_applicant_secrets_are_random_and_stored_as_digests() -> None:
    tokens = {new_token("rfs") for _ in range(50)}
    assert len(tokens) == 50
    assert all(t.startswith("rfs_") and len(t) > 40 for t in tokens)
    secret = new_applicant_secret()
    assert len(secret) == 23
    assert secret.count("-") == 3
    assert not set(secret) & set("01OIL")
    assert digest(secret) != secret
    assert len(digest(secret)) == 64
    assert normalise_applicant_secret(secret.lower().replace("-", " ")) == secret.replace("-", "")


def test_the_limiter_refuses_past_its_limit_and_forgets_after_the_window() -> None:
    limiter = AttemptLimiter(3, dt.timedelta(minutes=1))
    for seconds in range(3):
        limiter.hit(["case:A"], AT + dt.timedelta(seconds=seconds))
    with pytest.raises(TooManyAttempts):
        limiter.hit(["case:A"], AT + dt.timedelta(seconds=3))
    limiter.hit(["case:B"], AT)  # other keys are unaffected
    limiter.hit(["case:A"], AT + dt.timedelta(minutes=2))


def test_the_limiter_counts_every_key_of_an_attempt() -> None:
    limiter = AttemptLimiter(2, dt.timedelta(minutes=1))
    limiter.hit(["user:a", "client:x"], AT)
    limiter.hit(["user:b", "client:x"], AT)
    with pytest.raises(TooManyAttempts):
        limiter.hit(["user:c", "client:x"], AT)
    limiter.clear("client:x")
    limiter.hit(["user:d", "client:x"], AT)
