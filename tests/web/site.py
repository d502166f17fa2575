"""A running Refuge for browser tests: the real application served by uvicorn on a free loopback
port, over a real database seeded with a generated operation, one user per role, and a clock the
test moves (so each sign-in gets a fresh TOTP step)."""

from __future__ import annotations

import datetime as dt
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from sqlalchemy import Engine

from refuge.accounts import AccountPolicy, Guards, Role, totp_code
from refuge.api import create_app
from refuge.bootstrap import Refuge
from refuge.config import Settings
from refuge.demo import DemoAccount, enrol_demo_accounts, import_lists, load_scenario
from refuge.protect import KeyEncryptionKey
from refuge.scenario import generate, write_scenario
from refuge.store import make_session_factory

START = dt.datetime(2026, 8, 20, 6, 0, tzinfo=dt.UTC)
# argon2id at its cheapest: browser journeys sign in many times.
FAST = AccountPolicy(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1)
PEOPLE = 150
SEED = 11


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            return self.now

    def advance(self, delta: dt.timedelta) -> None:
        with self._lock:
            self.now += delta


@dataclass
class Site:
    url: str
    refuge: Refuge
    clock: Clock
    accounts: dict[Role, DemoAccount]
    organisations: tuple[str, ...]

    def account(self, role: Role) -> DemoAccount:
        return self.accounts[role]

    def code(self, role: Role) -> str:
        """A code from a fresh time step: a step used once is refused (replay)."""
        self.clock.advance(dt.timedelta(seconds=31))
        return totp_code(self.accounts[role].totp_secret, self.clock.now)


def seed_operation(engine: Engine, kek: KeyEncryptionKey, data_dir: Path) -> tuple[Refuge, Site]:
    """A generated operation (registered households with screening facts, and every
    organisation's list imported, some rows quarantined) and one user per role."""
    refuge = Refuge(Settings(data_dir=data_dir), engine, make_session_factory(engine), kek)
    scenario = generate(PEOPLE, SEED)
    load_scenario(refuge, scenario, now=START, with_facts=True)
    with tempfile.TemporaryDirectory(prefix="refuge-web-lists-") as lists:
        written = write_scenario(scenario, Path(lists))
        import_lists(refuge, written.lists, now=START)
    organisations = tuple(o.code for o in scenario.organisations)
    accounts = enrol_demo_accounts(refuge, Guards(FAST), partner=organisations[0], now=START)
    site = Site(
        url="",
        refuge=refuge,
        clock=Clock(START),
        accounts={a.role: a for a in accounts},
        organisations=organisations,
    )
    return refuge, site


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(site: Site) -> Iterator[Site]:
    """The application on a free loopback port, in a thread, until the block ends."""
    app = create_app(site.refuge, policy=FAST, clock=site.clock, secure_cookies=False)
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="refuge-web-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    site.url = f"http://127.0.0.1:{port}"
    try:
        yield site
    finally:
        server.should_exit = True
        thread.join(timeout=30)
