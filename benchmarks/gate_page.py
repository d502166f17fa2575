"""The gate page against the gate service: what a check-in costs through the page a gate agent
uses (session and CSRF check, the scan, the flight's counts, the answer rendered as an htmx
fragment) beside the same scan through the service alone, measured in the same run.

Builds manifested households (as benchmarks/gate.py does), issues their boarding passes, signs a
gate agent in, then checks half the people in through the service (the baseline) and the other
half by POSTing their pass to /gate/FLIGHT/scan, in process (Starlette's test client: no network,
so the difference is the page's own work). Prints scans per second, p50 and p99 per scan, and the
ratio of the two.

    .venv/bin/python benchmarks/gate_page.py [--people 2400] [--databases sqlite,postgresql]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import secrets
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from gate import DAY, build, percentile
from refuge.accounts import AccountPolicy, Guards, Role, enrol_user, login, totp_code
from refuge.api import create_app
from refuge.api.deps import CSRF_COOKIE, SESSION_COOKIE
from refuge.bootstrap import Refuge
from refuge.config import Settings
from refuge.gate import (
    GateStep,
    ScanOutcome,
    issue_passes,
    load_or_create_signing_key,
    scan,
    signing_key_path,
)
from refuge.protect import KeyEncryptionKey
from refuge.store import make_engine, make_session_factory, migrate
from support import scratch_database

NOW = DAY - dt.timedelta(hours=1)
FAST = AccountPolicy(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1)
PASSWORD = secrets.token_urlsafe(16)


def run(label: str, url: str, people: int, folder: Path) -> None:
    engine = make_engine(url)
    migrate(engine)
    refuge = Refuge(
        Settings(data_dir=folder), engine, make_session_factory(engine), KeyEncryptionKey.generate()
    )
    codes = build(refuge.uow, people)
    key = load_or_create_signing_key(
        signing_key_path(refuge.settings.resolved_key_file), refuge.kek
    )
    passes = [
        (code, token.token)
        for code in codes
        for token in issue_passes(refuge.uow(), code, key, actor="ops", now=NOW)
    ]
    random.Random(7).shuffle(passes)
    half = len(passes) // 2
    keys = [key.public_key()]

    service: list[float] = []
    for code, token in passes[:half]:
        started = time.perf_counter()
        result = scan(
            refuge.uow(),
            token,
            flight_code=code,
            gate_agent="gate-1",
            now=NOW,
            public_keys=keys,
            step=GateStep.CHECK_IN,
        )
        service.append(time.perf_counter() - started)
        assert result.outcome is ScanOutcome.CHECKED_IN

    guards = Guards(FAST)
    enrolment = enrol_user(
        refuge.uow(),
        guards,
        username="gate-bench",
        password=PASSWORD,
        role=Role.GATE_AGENT,
        organisation=None,
        actor="bench",
        now=NOW,
    )
    session = login(
        refuge.uow(),
        guards,
        username="gate-bench",
        password=PASSWORD,
        totp=totp_code(enrolment.totp_secret, NOW),
        client="127.0.0.1",
        now=NOW,
    )
    app = create_app(refuge, policy=FAST, clock=lambda: NOW, secure_cookies=False)
    page: list[float] = []
    with TestClient(app, base_url="http://127.0.0.1") as client:
        client.cookies.set(SESSION_COOKIE, session.token)
        client.cookies.set(CSRF_COOKIE, session.csrf_token)
        headers = {"HX-Request": "true", "X-CSRF-Token": session.csrf_token}
        for code, token in passes[half:]:
            started = time.perf_counter()
            answer = client.post(
                f"/gate/{code}/scan",
                data={"scanned": token, "step": "check_in"},
                headers=headers,
            )
            page.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.status_code
            assert "Checked in" in answer.text
    engine.dispose()

    print(f"\n{label}: {len(passes)} people on {len(codes)} flights, half checked in each way")
    print(f"  {'':34} {'scans/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for name, values in (
        ("gate page (POST, htmx fragment)", page),
        ("baseline: gate service scan", service),
    ):
        print(
            f"  {name:34} {len(values) / sum(values):8.0f} {percentile(values, 0.5) * 1e3:8.2f}"
            f" {percentile(values, 0.99) * 1e3:8.2f}"
        )
    ratio = percentile(page, 0.5) / percentile(service, 0.5)
    print(f"  ratio page/service per scan (p50): {ratio:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2_400)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    for database in args.databases.split(","):
        with tempfile.TemporaryDirectory() as folder:
            if database == "sqlite":
                run("SQLite", f"sqlite:///{Path(folder) / 'refuge.db'}", args.people, Path(folder))
            elif database == "postgresql":
                with scratch_database(args.postgres) as url:
                    run("PostgreSQL", url, args.people, Path(folder))
            else:
                parser.error(f"unknown database {database}")


if __name__ == "__main__":
    main()
