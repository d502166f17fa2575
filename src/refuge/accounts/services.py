"""Use cases of the service: logging in and out, sessions and API tokens, users, applicant
secrets and status checks, and every read or change a principal makes of cases, households,
flights, organisations, programs, the audit log and reports.

Authorisation happens here, in one place: each function takes the acting `Principal`, checks its
scopes for kinds of resources and loads single objects through `access.py`. Routes and commands
only translate.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from refuge.accounts.access import (
    access_case,
    access_flight,
    access_household,
    case_view,
    flight_order,
    flight_view,
    household_view,
)
from refuge.accounts.credentials import (
    digest,
    digests_equal,
    new_applicant_secret,
    new_token,
    new_totp_secret,
    normalise_applicant_secret,
    provisioning_uri,
    totp_step,
)
from refuge.accounts.policy import Guards
from refuge.accounts.ports import AccountsUnitOfWork, ApiTokenRecord, Holder, SessionRecord, User
from refuge.accounts.principal import Channel, Principal
from refuge.accounts.roles import ROLE_MOVES, ROLE_SCOPES, Role, Scope
from refuge.accounts.views import (
    CaseLineView,
    CaseStatusView,
    CaseView,
    CoarseStatus,
    FlightView,
    HouseholdView,
    coarse_status,
)
from refuge.cases.services import (
    OperationSummary,
    add_organisation,
    add_program,
    move_case,
    operation_summary,
)
from refuge.domain import InvalidInput, NotFound, Organisation, Program, Stage
from refuge.domain.errors import Forbidden, NotAuthenticated
from refuge.protect.audit import AuditEvent, AuditFinding

__all__ = [
    "AuthenticatedSession",
    "Enrolment",
    "IssuedSession",
    "IssuedToken",
    "UserView",
    "add_user",
    "applicant_status",
    "authenticate_session",
    "authenticate_token",
    "create_organisation",
    "create_program",
    "deactivate_user",
    "enrol_user",
    "issue_api_token",
    "issue_applicant_secret",
    "list_cases",
    "list_flights",
    "list_organisations",
    "list_programs",
    "list_users",
    "login",
    "logout",
    "read_audit",
    "read_case",
    "read_flight",
    "read_household",
    "report",
    "revoke_api_token",
    "revoke_sessions",
    "transition_case",
    "verify_audit_log",
]

_LOGIN_FAILED = "login failed: unknown user, wrong password or code, or account locked"
_NOT_SIGNED_IN = "not signed in, or the session or token has expired or been revoked"
_STATUS_UNKNOWN = "no case with this number and secret"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_MIN_PASSWORD = 12
_MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A new user's second-factor seed, shown once to be put into an authenticator app."""

    username: str
    totp_secret: str
    provisioning_uri: str


@dataclass(frozen=True, slots=True)
class IssuedSession:
    token: str  # shown once; stored only as a digest
    csrf_token: str
    expires_at: dt.datetime
    principal: Principal


@dataclass(frozen=True, slots=True)
class AuthenticatedSession:
    principal: Principal
    csrf_digest: str


@dataclass(frozen=True, slots=True)
class IssuedToken:
    id: uuid.UUID
    token: str  # shown once; stored only as a digest
    scopes: frozenset[Scope]
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class UserView:
    username: str
    role: Role
    organisation: str | None
    active: bool
    locked: bool


# --- users and credentials ---------------------------------------------------------------------


def enrol_user(
    uow: AccountsUnitOfWork,
    guards: Guards,
    *,
    username: str,
    password: str,
    role: Role,
    organisation: str | None,
    actor: str,
    now: dt.datetime,
) -> Enrolment:
    """Create a user with a password and a fresh TOTP seed. For the bootstrap command and
    `add_user`; does not check who asks."""
    if len(password) < _MIN_PASSWORD:
        raise InvalidInput(f"password must be at least {_MIN_PASSWORD} characters")
    seed = new_totp_secret()
    user = User(
        username=username,
        role=role,
        organisation=organisation,
        password_hash=guards.passwords.hash(password),
        totp_secret=seed,
    )
    with uow:
        if organisation is not None:
            uow.organisations.get(organisation)
        uow.users.add(user)
        uow.audit.record(
            actor=actor,
            action="user.add",
            object_kind="user",
            object_id=username,
            at=now,
            details={"role": str(role), "organisation": organisation},
        )
        uow.commit()
    return Enrolment(username, seed, provisioning_uri(seed, username))


def add_user(
    uow: AccountsUnitOfWork,
    guards: Guards,
    principal: Principal,
    *,
    username: str,
    password: str,
    role: Role,
    organisation: str | None,
    now: dt.datetime,
) -> Enrolment:
    principal.require(Scope.USERS_WRITE)
    return enrol_user(
        uow,
        guards,
        username=username,
        password=password,
        role=role,
        organisation=organisation,
        actor=principal.actor,
        now=now,
    )


def list_users(
    uow: AccountsUnitOfWork, principal: Principal, *, now: dt.datetime
) -> list[UserView]:
    principal.require(Scope.USERS_READ)
    with uow:
        return [
            UserView(u.username, u.role, u.organisation, u.active, u.locked_at(now))
            for u in uow.users.list()
        ]


def login(
    uow: AccountsUnitOfWork,
    guards: Guards,
    *,
    username: str,
    password: str,
    totp: str,
    client: str,
    now: dt.datetime,
) -> IssuedSession:
    """Password and TOTP code in, a session out.

    Unknown user, wrong password, wrong code and locked account all raise the same
    NotAuthenticated, after the same argon2id work; attempts are rate limited per username and
    per client whether the user exists or not.
    """
    guards.login_clients.hit([client], now)
    guards.logins.hit([username], now)
    failure = NotAuthenticated(_LOGIN_FAILED)
    with uow:
        try:
            user = uow.users.get(username)
        except NotFound:
            guards.passwords.verify_dummy(password)
            raise failure from None
        password_ok = guards.passwords.verify(user.password_hash, password)
        step = totp_step(user.totp_secret, totp, now) if password_ok else None
        if not user.active or user.locked_at(now):
            raise failure
        if step is None or step <= user.totp_last_step:
            _count_failure(uow, guards, user, now)
            uow.commit()
            raise failure
        user.failed_logins = 0
        user.locked_until = None
        user.totp_last_step = step
        if guards.passwords.needs_rehash(user.password_hash):
            user.password_hash = guards.passwords.hash(password)
        uow.users.save(user)
        token, csrf = new_token("rfs"), new_token("rfc")
        record = SessionRecord(
            user_id=user.id,
            token_digest=digest(token),
            csrf_digest=digest(csrf),
            created_at=now,
            expires_at=now + guards.policy.session_lifetime,
        )
        uow.sessions.add(record)
        uow.audit.record(
            actor=f"user:{user.username}",
            action="session.open",
            object_kind="session",
            object_id=str(record.id),
            at=now,
        )
        uow.commit()
    guards.logins.clear(username)
    principal = _principal(user, Channel.SESSION, record.id)
    return IssuedSession(token, csrf, record.expires_at, principal)


def _count_failure(uow: AccountsUnitOfWork, guards: Guards, user: User, now: dt.datetime) -> None:
    user.failed_logins += 1
    locked = user.failed_logins >= guards.policy.lockout_after
    if locked:
        user.locked_until = now + guards.policy.lockout_for
        user.failed_logins = 0
    uow.users.save(user)
    uow.audit.record(
        actor=f"user:{user.username}",
        action="login.fail",
        object_kind="user",
        object_id=user.username,
        at=now,
        details={"locked": locked},
    )


def _principal(
    user: User,
    channel: Channel,
    credential_id: uuid.UUID,
    scopes: frozenset[Scope] | None = None,
) -> Principal:
    return Principal.of(
        user_id=user.id,
        username=user.username,
        role=user.role,
        organisation=user.organisation,
        channel=channel,
        credential_id=credential_id,
        token_scopes=scopes,
    )


def authenticate_session(
    uow: AccountsUnitOfWork, token: str, *, now: dt.datetime
) -> AuthenticatedSession:
    """Every request on a session makes this look-up, so it is one query by the token's SHA-256
    (session tokens are long random strings: argon2id is for passwords, at login), with the
    holder read alongside and nothing decrypted."""
    with uow:
        found = uow.sessions.find_held(digest(token))
    if found is None:
        raise NotAuthenticated(_NOT_SIGNED_IN)
    record, holder = found
    if not record.live_at(now) or not holder.active:
        raise NotAuthenticated(_NOT_SIGNED_IN)
    return AuthenticatedSession(_held(holder, Channel.SESSION, record.id), record.csrf_digest)


def authenticate_token(uow: AccountsUnitOfWork, token: str, *, now: dt.datetime) -> Principal:
    with uow:
        found = uow.api_tokens.find_held(digest(token))
    if found is None:
        raise NotAuthenticated(_NOT_SIGNED_IN)
    record, holder = found
    if not record.live_at(now) or not holder.active:
        raise NotAuthenticated(_NOT_SIGNED_IN)
    return _held(holder, Channel.TOKEN, record.id, record.scopes)


def _held(
    holder: Holder,
    channel: Channel,
    credential_id: uuid.UUID,
    scopes: frozenset[Scope] | None = None,
) -> Principal:
    return Principal.of(
        user_id=holder.user_id,
        username=holder.username,
        role=holder.role,
        organisation=holder.organisation,
        channel=channel,
        credential_id=credential_id,
        token_scopes=scopes,
    )


def logout(uow: AccountsUnitOfWork, principal: Principal, *, now: dt.datetime) -> None:
    if principal.channel is not Channel.SESSION:
        raise Forbidden("an API token is revoked (DELETE /tokens/{id}), not logged out")
    with uow:
        uow.sessions.revoke(principal.credential_id, now)
        uow.audit.record(
            actor=principal.actor,
            action="session.close",
            object_kind="session",
            object_id=str(principal.credential_id),
            at=now,
        )
        uow.commit()


def revoke_sessions(
    uow: AccountsUnitOfWork, principal: Principal, username: str, *, now: dt.datetime
) -> int:
    """End every session of a user (a lost device, a person leaving the operation)."""
    principal.require(Scope.USERS_WRITE)
    with uow:
        user = uow.users.get(username)
        count = uow.sessions.revoke_for_user(user.id, now)
        uow.audit.record(
            actor=principal.actor,
            action="session.revoke_all",
            object_kind="user",
            object_id=username,
            at=now,
            details={"sessions": count},
        )
        uow.commit()
    return count


def deactivate_user(
    uow: AccountsUnitOfWork, principal: Principal, username: str, *, now: dt.datetime
) -> None:
    """Someone leaves the operation: no more logins, and every session and token ends now."""
    principal.require(Scope.USERS_WRITE)
    with uow:
        user = uow.users.get(username)
        user.active = False
        uow.users.save(user)
        sessions = uow.sessions.revoke_for_user(user.id, now)
        tokens = 0
        for token in uow.api_tokens.for_user(user.id):
            if token.revoked_at is None:
                uow.api_tokens.revoke(token.id, now)
                tokens += 1
        uow.audit.record(
            actor=principal.actor,
            action="user.deactivate",
            object_kind="user",
            object_id=username,
            at=now,
            details={"sessions": sessions, "tokens": tokens},
        )
        uow.commit()


def issue_api_token(
    uow: AccountsUnitOfWork,
    guards: Guards,
    principal: Principal,
    *,
    name: str,
    scopes: Iterable[Scope],
    now: dt.datetime,
) -> IssuedToken:
    """A token for a machine client acting as this user, limited to `scopes` (which must be
    among the user's role's). Only a person logged in with a second factor may issue one."""
    if principal.channel is not Channel.SESSION:
        raise Forbidden("API tokens are issued from a logged-in session, not by other tokens")
    wanted = frozenset(scopes)
    if not wanted:
        raise InvalidInput("field scopes: name at least one scope")
    beyond = wanted - ROLE_SCOPES[principal.role]
    if beyond:
        names = ", ".join(sorted(beyond))
        raise Forbidden(f"role {principal.role} does not hold scope(s) {names}")
    if not name.strip() or len(name) > 100:
        raise InvalidInput("field name: 1 to 100 characters")
    token = new_token("rft")
    record = ApiTokenRecord(
        user_id=principal.user_id,
        name=name.strip(),
        token_digest=digest(token),
        scopes=wanted,
        created_at=now,
        expires_at=now + guards.policy.api_token_lifetime,
    )
    with uow:
        uow.api_tokens.add(record)
        uow.audit.record(
            actor=principal.actor,
            action="api_token.issue",
            object_kind="api_token",
            object_id=str(record.id),
            at=now,
            details={"scopes": " ".join(sorted(wanted))},
        )
        uow.commit()
    return IssuedToken(record.id, token, wanted, record.expires_at)


def revoke_api_token(
    uow: AccountsUnitOfWork, principal: Principal, token_id: uuid.UUID, *, now: dt.datetime
) -> None:
    """Revoke one of the principal's own tokens (or anyone's, for a user manager)."""
    with uow:
        mine = {t.id for t in uow.api_tokens.for_user(principal.user_id)}
        if token_id not in mine and not principal.may(Scope.USERS_WRITE):
            raise NotFound(f"API token {token_id} not found")
        uow.api_tokens.revoke(token_id, now)
        uow.audit.record(
            actor=principal.actor,
            action="api_token.revoke",
            object_kind="api_token",
            object_id=str(token_id),
            at=now,
        )
        uow.commit()


# --- applicants --------------------------------------------------------------------------------


def issue_applicant_secret(
    uow: AccountsUnitOfWork, principal: Principal, number: str, *, now: dt.datetime
) -> str:
    """A new secret for the applicant of case `number`, replacing any before it. Shown once."""
    principal.require(Scope.CASES_WRITE)
    secret = new_applicant_secret()
    with uow:
        access_case(uow, principal, number)
        uow.applicant_secrets.set(number, digest(normalise_applicant_secret(secret)), now)
        uow.audit.record(
            actor=principal.actor,
            action="applicant_secret.issue",
            object_kind="case",
            object_id=number,
            at=now,
        )
        uow.commit()
    return secret


def applicant_status(
    uow: AccountsUnitOfWork,
    guards: Guards,
    *,
    number: str,
    secret: str,
    client: str,
    now: dt.datetime,
) -> CoarseStatus:
    """The coarse status of a case for its applicant. An unknown case and a wrong secret give the
    same NotFound; checks are rate limited per case number and per client either way."""
    # Spaces, dashes, case and look-alike letters do not make a fresh key for the limiter.
    key = "".join(ch for ch in number.upper() if ch.isalnum()).translate(_CONFUSABLE)
    guards.applicant_clients.hit([client], now)
    guards.applicants.hit([key], now)
    presented = digest(normalise_applicant_secret(secret))
    with uow:
        found = uow.applicant_secrets.find(number)
    _, stored, stage = found if found is not None else ("", digest(""), Stage.SUBMITTED)
    # Compare against something either way, so an unknown case takes the same path.
    if not digests_equal(stored, presented) or found is None:
        raise NotFound(_STATUS_UNKNOWN)
    return coarse_status(stage)


# --- cases, households, flights ----------------------------------------------------------------


def read_case(
    uow: AccountsUnitOfWork, principal: Principal, number: str, *, now: dt.datetime
) -> CaseView | CaseStatusView:
    """A case as the principal may see it. A whole case (its history, with the reasons given,
    which may speak of people) is part of a person's record: reading one is an audit event."""
    with uow:
        view = case_view(principal, access_case(uow, principal, number))
        if isinstance(view, CaseView):
            uow.audit.record(
                actor=principal.actor,
                action="case.read",
                object_kind="case",
                object_id=number,
                at=now,
                details={"role": str(principal.role), "via": str(principal.channel)},
            )
            uow.commit()
    return view


def list_cases(
    uow: AccountsUnitOfWork,
    principal: Principal,
    *,
    stage: Stage | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[CaseLineView]:
    """The cases the principal may see, one line each: a partner's own submissions only, with
    their coarse status only."""
    principal.require(Scope.CASES_READ)
    if not 1 <= limit <= _MAX_PAGE or offset < 0:
        raise InvalidInput(f"limit must be 1 to {_MAX_PAGE} and offset not negative")
    organisation = principal.organisation if principal.role is Role.PARTNER else None
    if principal.role is Role.PARTNER and stage is not None:
        raise InvalidInput("field stage: partner organisations see coarse status only")
    with uow:
        rows = uow.case_listing.list(
            organisation=organisation, stage=stage, limit=limit, offset=offset
        )
    whole = principal.role is not Role.PARTNER
    return [
        CaseLineView(
            number=row.number,
            organisation=row.organisation,
            program=row.program,
            status=coarse_status(row.stage),
            stage=row.stage if whole else None,
            version=row.version if whole else None,
        )
        for row in rows
    ]


def transition_case(
    uow: AccountsUnitOfWork,
    principal: Principal,
    number: str,
    to: Stage,
    *,
    reason: str,
    expected_version: int | None,
    now: dt.datetime,
) -> CaseView | CaseStatusView:
    """Move a case, if the principal's role makes that move. `expected_version` guards against
    overwriting a newer version (StaleObject)."""
    principal.require(Scope.CASES_WRITE)
    with uow:
        access_case(uow, principal, number)
    if to not in ROLE_MOVES[principal.role]:
        raise Forbidden(f"role {principal.role} may not move cases to {to}")
    case = move_case(
        uow,
        number,
        to,
        actor=principal.actor,
        now=now,
        reason=reason,
        expected_version=expected_version,
    )
    return case_view(principal, case)


def read_household(
    uow: AccountsUnitOfWork, principal: Principal, household_id: uuid.UUID, *, now: dt.datetime
) -> HouseholdView:
    """A household and its people, masked for the role. Every read is an audit event."""
    with uow:
        household = access_household(uow, principal, household_id)
        cases = [case.number for case in uow.cases.for_household(household_id)]
        uow.audit.record(
            actor=principal.actor,
            action="household.read",
            object_kind="household",
            object_id=str(household_id),
            at=now,
            details={"role": str(principal.role), "via": str(principal.channel)},
        )
        uow.commit()
    return household_view(principal, household, cases)


def list_flights(
    uow: AccountsUnitOfWork, guards: Guards, principal: Principal, *, now: dt.datetime
) -> list[FlightView]:
    principal.require(Scope.FLIGHTS_READ)
    with uow:
        flights = uow.flights.list()
    views = [flight_view(principal, f, now=now, policy=guards.policy) for f in flights]
    return sorted(views, key=flight_order)


def read_flight(
    uow: AccountsUnitOfWork, guards: Guards, principal: Principal, code: str, *, now: dt.datetime
) -> FlightView:
    with uow:
        flight = access_flight(uow, principal, code)
    return flight_view(principal, flight, now=now, policy=guards.policy)


# --- the operation -----------------------------------------------------------------------------


def list_organisations(uow: AccountsUnitOfWork, principal: Principal) -> list[Organisation]:
    """Every organisation; a partner sees only its own."""
    principal.require(Scope.ORGANISATIONS_READ)
    with uow:
        organisations = uow.organisations.list()
    if principal.role is Role.PARTNER:
        return [o for o in organisations if o.code == principal.organisation]
    return organisations


def create_organisation(
    uow: AccountsUnitOfWork, principal: Principal, organisation: Organisation, *, now: dt.datetime
) -> None:
    principal.require(Scope.ORGANISATIONS_WRITE)
    add_organisation(uow, organisation, actor=principal.actor, now=now)


def list_programs(uow: AccountsUnitOfWork, principal: Principal) -> list[Program]:
    principal.require(Scope.PROGRAMS_READ)
    with uow:
        return uow.programs.list()


def create_program(
    uow: AccountsUnitOfWork, principal: Principal, program: Program, *, now: dt.datetime
) -> None:
    principal.require(Scope.PROGRAMS_WRITE)
    add_program(uow, program, actor=principal.actor, now=now)


def read_audit(
    uow: AccountsUnitOfWork, principal: Principal, *, after: int = 0, limit: int = 100
) -> list[AuditEvent]:
    """Audit events with seq greater than `after`, oldest first."""
    principal.require(Scope.AUDIT_READ)
    if not 1 <= limit <= _MAX_PAGE or after < 0:
        raise InvalidInput(f"limit must be 1 to {_MAX_PAGE} and after not negative")
    page: list[AuditEvent] = []
    with uow:
        for event in uow.audit.events():
            if event.seq <= after:
                continue
            page.append(event)
            if len(page) == limit:
                break
    return page


def verify_audit_log(uow: AccountsUnitOfWork, principal: Principal) -> list[AuditFinding]:
    principal.require(Scope.AUDIT_READ)
    with uow:
        return uow.audit.verify()


def report(uow: AccountsUnitOfWork, principal: Principal) -> OperationSummary:
    """Counts only; no personal data."""
    principal.require(Scope.REPORTS_READ)
    return operation_summary(uow)
