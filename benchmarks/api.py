"""How fast the running service answers an applicant's status check and a case officer's case
list, on PostgreSQL and on SQLite, at a fixed offered rate, against baselines in the same run.

The service runs as `refuge serve` does (uvicorn on 127.0.0.1, plain HTTP) in a child process
over a scratch database loaded with a generated operation, first as one process (the previous
configuration) and then with `--workers` processes sharing the port. The load comes from this
process over loopback only: open loop at a fixed rate (latency counted from when each request
was due, so a slow server cannot hide its queue), optionally followed by a closed loop with a
few connections (saturation). Each run has a fixed request count and a time limit.

Baselines, same run: the single-process server (the ratio column of the other rows compares
their p99 against it), and GET /session without a cookie, which passes the middleware, routing
and problem details but touches no database.

    .venv/bin/python benchmarks/api.py [--people 2000] [--rate 200] [--requests 1000]
        [--workers 2] [--databases postgresql,sqlite] [--saturate]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import datetime as dt
import multiprocessing
import random
import socket
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
from fastapi import FastAPI

from refuge.accounts import AccountPolicy, Guards, Role, enrol_user, totp_code
from refuge.api import create_app
from refuge.api.serving import serve
from refuge.bootstrap import Refuge, initialise
from refuge.config import Settings
from refuge.demo import load_scenario
from refuge.scenario import generate
from support import scratch_database

PASSWORD = "benchmark password, long enough"  # noqa: S105 - a scratch user on a scratch database
# The applicant limits guard one case number and one address against guessing; every request
# here comes from 127.0.0.1, so they are raised to measure the check, not the limiter (whose
# cost is still paid on every request).
POLICY = AccountPolicy(applicant_limit=10**9, applicant_client_limit=10**9)
SECRETS = 200  # cases given an applicant secret
TIME_LIMIT = 60.0  # seconds, per run


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    json: dict[str, str] | None = None


@dataclass(frozen=True)
class Result:
    database: str
    server: str
    label: str
    mode: str
    sent: int
    ok: int
    seconds: float
    latencies: list[float]  # seconds

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000

    def row(self, baseline: Result | None) -> str:
        ratio = f"{self.p99 / baseline.p99:>9.2f}" if baseline else f"{'':>9}"
        return (
            f"{self.database:<11}{self.server:<11}{self.label:<25}{self.mode:<11}"
            f"{self.sent:>6}{self.ok:>6}{self.sent / self.seconds:>8.0f}{self.p50:>9.1f}"
            f"{self.p99:>9.1f}{ratio}"
        )


HEADER = (
    f"{'database':<11}{'server':<11}{'workload':<25}{'mode':<11}{'sent':>6}{'200s':>6}"
    f"{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'p99/1 pr':>9}"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _serve(refuge: Refuge, port: int, workers: int) -> None:
    policy = POLICY.per_worker(workers)

    def make_app() -> FastAPI:
        # Forked: the parent's pooled connections must not be shared with it.
        refuge.engine.dispose(close=False)
        return create_app(refuge, policy=policy, secure_cookies=False)

    serve(
        make_app,
        host="127.0.0.1",
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        server_header=False,
    )


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("the service did not start within 30 s")


STATUSES: collections.Counter[tuple[str, int]] = collections.Counter()


async def _send(client: httpx.AsyncClient, request: Request) -> bool:
    answer = await client.request(request.method, request.path, json=request.json)
    STATUSES[request.path.split("?")[0], answer.status_code] += 1
    return answer.status_code == 200


async def _open_loop(
    client: httpx.AsyncClient, make: Callable[[int], Request], rate: float, count: int
) -> tuple[int, float, list[float]]:
    """`count` requests offered at `rate` per second whatever the answers' pace."""
    latencies: list[float] = []
    ok = 0
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def one(i: int) -> None:
        nonlocal ok
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - loop.time()))
        answered = await _send(client, make(i))
        ok += answered
        latencies.append(loop.time() - due)

    await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(count))), TIME_LIMIT)
    return ok, loop.time() - start, latencies


async def _closed_loop(
    client: httpx.AsyncClient, make: Callable[[int], Request], workers: int, count: int
) -> tuple[int, float, list[float]]:
    """`count` requests from `workers` connections, each sending as soon as answered."""
    latencies: list[float] = []
    ok = 0
    loop = asyncio.get_running_loop()
    start = loop.time()
    numbers = iter(range(count))

    async def worker() -> None:
        nonlocal ok
        for i in numbers:
            sent = loop.time()
            answered = await _send(client, make(i))
            ok += answered
            latencies.append(loop.time() - sent)

    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(workers))), TIME_LIMIT)
    return ok, loop.time() - start, latencies


async def _measure(
    base: str,
    workloads: dict[str, tuple[Callable[[int], Request], dict[str, str]]],
    rate: float,
    count: int,
    connections: int,
    saturate: bool,
) -> list[tuple[str, str, int, int, float, list[float]]]:
    """(workload, mode, sent, answered, seconds, latencies) for each workload and mode."""
    results = []
    for label, (make, cookies) in workloads.items():
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(
            base_url=base, cookies=cookies, limits=limits, timeout=TIME_LIMIT
        ) as client:
            for i in range(50):  # warm the connections and the server's caches
                await _send(client, make(i))
            ok, seconds, lat = await _open_loop(client, make, rate, count)
            results.append((label, f"{rate:.0f}/s", count, ok, seconds, lat))
            if saturate:
                ok, seconds, lat = await _closed_loop(client, make, connections, count)
                results.append((label, "saturated", count, ok, seconds, lat))
    return results


def _prepare(refuge: Refuge, people: int, seed: int) -> None:
    now = dt.datetime.now(dt.UTC)
    start = time.perf_counter()
    households = load_scenario(refuge, generate(people, seed), now=now)
    print(
        f"loaded {households} households ({people} people) in {time.perf_counter() - start:.0f} s"
    )


def _staff_session(base: str, seed: str) -> tuple[dict[str, str], str]:
    with httpx.Client(base_url=base) as client:
        answer = client.post(
            "/session",
            json={
                "username": "officer",
                "password": PASSWORD,
                "totp": totp_code(seed, dt.datetime.now(dt.UTC)),
            },
        )
        answer.raise_for_status()
        return dict(client.cookies), answer.json()["csrf_token"]


def _issue_secrets(base: str, cookies: dict[str, str], csrf: str) -> dict[str, str]:
    with httpx.Client(base_url=base, cookies=cookies, headers={"X-CSRF-Token": csrf}) as client:
        numbers = [line["number"] for line in client.get("/cases?limit=500").json()]
        secrets = {}
        for number in random.Random(1).sample(numbers, min(SECRETS, len(numbers))):
            answer = client.post(f"/cases/{number}/applicant-secret")
            answer.raise_for_status()
            secrets[number] = answer.json()["secret"]
    return secrets


def _run_server(
    refuge: Refuge,
    secret: str,
    workers: int,
    args: argparse.Namespace,
) -> list[tuple[str, str, int, int, float, list[float]]]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = multiprocessing.get_context("fork").Process(
        target=_serve, args=(refuge, port, workers), daemon=False
    )
    server.start()
    try:
        _wait_until_up(base)
        cookies, csrf = _staff_session(base, secret)
        secrets = sorted(_issue_secrets(base, cookies, csrf).items())
        pages = max(1, args.people // 4 // 50)

        def status(i: int) -> Request:
            number, secret = secrets[i % len(secrets)]
            return Request("POST", "/applicant/status", {"case_number": number, "secret": secret})

        def case_list(i: int) -> Request:
            return Request("GET", f"/cases?limit=50&offset={(i * 7919) % pages * 50}")

        workloads = {
            "baseline (no database)": (lambda i: Request("GET", "/session"), {}),
            "applicant status": (status, {}),
            "case officer: case list": (case_list, cookies),
        }
        return asyncio.run(
            _measure(base, workloads, args.rate, args.requests, args.connections, args.saturate)
        )
    finally:
        server.terminate()
        server.join(30)


def _database(kind: str, postgres: str, tmp: Path) -> contextlib.AbstractContextManager[str]:
    if kind == "postgresql":
        return scratch_database(postgres)
    return contextlib.nullcontext(f"sqlite:///{tmp / 'benchmark.db'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--requests", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=2, help="server processes, tuned run")
    parser.add_argument("--connections", type=int, default=8, help="connections at saturation")
    parser.add_argument("--saturate", action="store_true", help="also a closed-loop run")
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()

    results: list[Result] = []
    for kind in args.databases.split(","):
        with tempfile.TemporaryDirectory() as tmp, _database(kind, args.postgres, Path(tmp)) as url:
            _, refuge = initialise(Settings(data_dir=Path(tmp), database_url=url, key_file=None))
            _prepare(refuge, args.people, args.seed)
            enrolment = enrol_user(
                refuge.uow(),
                Guards(POLICY),
                username="officer",
                password=PASSWORD,
                role=Role.CASE_OFFICER,
                organisation=None,
                actor="benchmark",
                now=dt.datetime.now(dt.UTC),
            )
            refuge.engine.dispose()
            try:
                for workers in dict.fromkeys((1, args.workers)):
                    server = f"{workers} proc"
                    for row in _run_server(refuge, enrolment.totp_secret, workers, args):
                        results.append(Result(kind, server, *row))
            finally:
                refuge.close()

    print(HEADER)
    for result in results:
        single = next(
            r
            for r in results
            if (r.database, r.label, r.mode, r.server)
            == (result.database, result.label, result.mode, "1 proc")
        )
        print(result.row(None if single is result else single))
    print("answers:", ", ".join(f"{path} {code}: {n}" for (path, code), n in STATUSES.items()))
    for kind in args.databases.split(","):
        tuned = [
            r
            for r in results
            if r.database == kind
            and r.server == f"{args.workers} proc"
            and r.mode != "saturated"
            and not r.label.startswith("baseline")
        ]
        worst = max(r.p99 for r in tuned)
        verdict = "met" if worst < 100 else "MISSED"
        print(
            f"{kind}, {args.workers} proc: worst p99 {worst:.0f} ms at {args.rate:.0f}/s offered: "
            f"target p99 < 100 ms {verdict}"
        )


if __name__ == "__main__":
    main()
