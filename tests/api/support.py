"""An operation to test the service against, on SQLite and PostgreSQL: two organisations, a
program, three households (two from one organisation), a flight, and one user per role, each of
whom can be logged in as a browser session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from refuge.accounts import AccountPolicy, Guards, Role, enrol_user, totp_code
from refuge.api import create_app
from refuge.bootstrap import Refuge
from refuge.cases.services import Registration, add_organisation, add_program, register_households
from refuge.config import Settings
from refuge.domain import (
    Document,
    DocumentKind,
    Flight,
    Household,
    Organisation,
    OrganisationKind,
    Person,
    PersonName,
    Program,
    Relationship,
)
from refuge.protect import KeyEncryptionKey
from refuge.store import make_session_factory

START = dt.datetime(2026, 8, 20, 6, 0, tzinfo=dt.UTC)
PASSWORD = "a long test password"
# argon2id at its cheapest: the suite hashes and verifies hundreds of times.
FAST = AccountPolicy(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, delta: dt.timedelta) -> None:
        self.now += delta


@dataclass
class Operation:
    refuge: Refuge
    app: FastAPI
    clock: Clock
    seeds: dict[str, str]  # username -> TOTP seed
    cases: dict[str, str]  # label -> case number
    households: dict[str, str]  # label -> household id
    flight: str
    clients: list[TestClient] = field(default_factory=list)
    logged_in: dict[Role, Staff] = field(default_factory=dict)

    def client(self) -> TestClient:
        # Entered, so one event-loop portal serves all its requests (much quicker than one each).
        client = TestClient(self.app, base_url="https://testserver").__enter__()
        self.clients.append(client)
        return client

    def staff(self, role: Role) -> Staff:
        """The role's user, logged in once per test."""
        if role not in self.logged_in:
            self.logged_in[role] = self.login(role)
        return self.logged_in[role]

    def close(self) -> None:
        for client in self.clients:
            client.__exit__(None, None, None)

    def code(self, username: str) -> str:
        # A code from a fresh time step each time: a used step is refused (replay).
        self.clock.advance(dt.timedelta(seconds=31))
        return totp_code(self.seeds[username], self.clock.now)

    def login(self, role: Role) -> Staff:
        client = self.client()
        username = USERNAMES[role]
        answer = client.post(
            "/session",
            json={"username": username, "password": PASSWORD, "totp": self.code(username)},
        )
        assert answer.status_code == 200, answer.text
        return Staff(client, answer.json()["csrf_token"])


@dataclass
class Staff:
    """A logged-in browser: sends the CSRF header on anything but reads."""

    client: TestClient
    csrf: str

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self.client.post(url, headers=headers, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self.client.delete(url, headers=headers, **kwargs)


USERNAMES = {role: role.value.replace("_", "-") for role in Role}


def _household(given: str, family: str, passport: str, phone: str) -> Household:
    principal = Person(
        name=PersonName(given, family),
        nationalities=("AFG",),
        documents=(Document(DocumentKind.PASSPORT, passport, "AFG"),),
        phones=(phone,),
        notes="interpreter for the embassy",
    )
    child = Person(name=PersonName("Test", family), nationalities=("AFG",))
    return Household.of(principal, (child, Relationship.CHILD))


def build_operation(engine: Engine, kek: KeyEncryptionKey, tmp_path: Path) -> Operation:
    refuge = Refuge(Settings(data_dir=tmp_path), engine, make_session_factory(engine), kek)
    clock = Clock(START)
    now = clock.now
    add_organisation(
        refuge.uow(), Organisation("ngo-a", "Org A", OrganisationKind.NGO), actor="t", now=now
    )
    add_organisation(
        refuge.uow(), Organisation("ngo-b", "Org B", OrganisationKind.NGO), actor="t", now=now
    )
    add_program(refuge.uow(), Program("siv", "SIV", 1), actor="t", now=now)
    households = {
        "a1": _household("Synth", "Alpha", "P1234567", "+93700000001"),
        "a2": _household("Synth", "Bravo", "P7654321", "+93700000002"),
        "b1": _household("Synth", "Charlie", "P5555555", "+93700000003"),
    }
    numbers = register_households(
        refuge.uow(),
        [
            Registration(households["a1"], "siv", "ngo-a"),
            Registration(households["a2"], "siv", "ngo-a"),
            Registration(households["b1"], "siv", "ngo-b"),
        ],
        actor="t",
        now=now,
    )
    with refuge.uow() as uow:
        uow.flights.add(
            Flight(
                code="rf101",
                aircraft="C-17",
                seats=300,
                origin="OAKB",
                destination="OMAM",
                departs_earliest=START + dt.timedelta(days=1),
                departs_latest=START + dt.timedelta(days=1, hours=2),
            )
        )
        uow.commit()
    seeds = {}
    for role, username in USERNAMES.items():
        enrolment = enrol_user(
            refuge.uow(),
            FAST_GUARDS,
            username=username,
            password=PASSWORD,
            role=role,
            organisation="ngo-a" if role is Role.PARTNER else None,
            actor="t",
            now=now,
        )
        seeds[username] = enrolment.totp_secret
    app = create_app(refuge, policy=FAST, clock=clock)
    op = Operation(
        refuge=refuge,
        app=app,
        clock=clock,
        seeds=seeds,
        cases=dict(zip(households, numbers, strict=True)),
        households={k: str(h.id) for k, h in households.items()},
        flight="rf101",
    )
    return op


FAST_GUARDS = Guards(FAST)
