"""A whole operation day at once on PostgreSQL, bounded in time, loopback only: lists imported
(and sent again), matching and review decisions, screening, planning, check-ins at the gate and
applicants looking up their status, each from clients of its own at the same time. Then every
invariant is checked, and the run fails if one does not hold.

Over a scratch database loaded with a generated operation (households and cases registered,
screening facts recorded) plus approved households and declared flights for planning:

    importer   each scenario list through `import_list`, then the same files again (must add
               nothing)
    matcher    `match` over the stored records (splink on DuckDB), again and again
    reviewer   confirm or reject open pairs of the review queue
    screener   `screen_and_record` over every screenable case
    planner    `run_plan` (greedy, then CP-SAT for 2 s, one worker); a plan stored meanwhile by
               another run is a Conflict and counts as such
    gate       check in the manifested people of the earliest flight, one by one
    status     applicants' status look-ups over HTTP (`refuge serve`'s app in a child process),
               from --status-clients threads

Each kind of client is a process of its own (the service layer is synchronous; processes keep
the GIL out of the figures), over its own connection pool. Baseline, same run: each operation
once, alone, before the day starts; the table gives the median under load against it.

Invariants afterwards: no household on two flights; no flight over its seats plus surge; no lost
update (each case's transitions chain from stage to stage and end at its stage; everyone the gate
checked in is still checked in); the audit chain verifies; counts add up (each import: rows read =
accepted + rejected, its quarantine rows = its count; records stored = new records counted; a
file imported once per organisation); after a last matching run every record belongs to exactly
one person of one household, and no household cluster is empty.

    .venv/bin/python benchmarks/operation_day.py [--minutes 2] [--people 2000] [--flights 4]
        [--status-clients 4] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import multiprocessing
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import text

from api import (
    PASSWORD,
    POLICY,
    _free_port,
    _issue_secrets,
    _serve,
    _staff_session,
    _wait_until_up,
)
from refuge.accounts import Guards, Role, enrol_user
from refuge.bootstrap import Refuge, initialise
from refuge.cases.services import verify_audit
from refuge.config import Settings
from refuge.demo import load_scenario
from refuge.domain import (
    Case,
    Document,
    DocumentKind,
    Flight,
    Household,
    ManifestStatus,
    PartialDate,
    Person,
    PersonName,
    Relationship,
    Sex,
    Stage,
)
from refuge.domain.errors import Conflict, RefugeError
from refuge.eligibility import (
    RecordedFacts,
    screen_and_record,
    shipped_precedence,
    shipped_programs,
)
from refuge.gate import check_in
from refuge.intake import import_list
from refuge.matching import decide, match, review_queue
from refuge.planning import declare_flight, run_plan
from refuge.scenario import generate, write_scenario
from support import scratch_database

ACTOR = "benchmark"
SEATED = "('manifested', 'checked_in', 'boarded')"  # manifest statuses holding a seat


@dataclass
class Tally:
    """What one kind of client did: operations done, refused by a conflict, failed otherwise."""

    kind: str
    done: int = 0
    conflicts: int = 0
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    latencies: list[float] = field(default_factory=list)
    checked_in: list[str] = field(default_factory=list)  # manifest entries, for the invariants
    notes: collections.Counter[str] = field(default_factory=collections.Counter)
    said: dict[str, str] = field(default_factory=dict)  # one message per error code (no data)

    def timed(self, operation: Callable[[], object]) -> object:
        started = time.perf_counter()
        try:
            result = operation()
        except Conflict as exc:
            self.conflicts += 1
            self.said.setdefault(exc.code, exc.message)
            return None
        except RefugeError as exc:
            self.errors[exc.code] += 1
            self.said.setdefault(exc.code, exc.message)
            return None
        self.latencies.append(time.perf_counter() - started)
        self.done += 1
        return result


# -- the day's clients, each in a forked process ---------------------------------------------


def _importer(refuge: Refuge, lists: list[Path], deadline: float, tally: Tally) -> None:
    rounds = 0
    while time.monotonic() < deadline:
        for path in lists:
            if time.monotonic() >= deadline:
                break
            outcome = tally.timed(
                lambda path=path: import_list(
                    refuge.uow(), path, organisation=path.stem, actor=ACTOR, now=_now()
                )
            )
            if outcome is not None:
                tally.notes["already" if outcome.already else "stored"] += 1  # type: ignore[attr-defined]
        rounds += 1


def _matcher(refuge: Refuge, deadline: float, tally: Tally) -> None:
    while time.monotonic() < deadline:
        tally.timed(lambda: match(refuge.uow(), actor=ACTOR, now=_now()))


def _reviewer(refuge: Refuge, deadline: float, tally: Tally) -> None:
    verdicts = ("confirm", "reject")
    while time.monotonic() < deadline:
        pairs = review_queue(refuge.uow())
        if not pairs:
            time.sleep(0.5)
            continue
        for number, pair in enumerate(pairs[:20]):
            tally.timed(
                lambda pair=pair, number=number: decide(
                    refuge.uow(), pair.id, verdicts[number % 2], actor=ACTOR, now=_now()
                )
            )


def _screener(refuge: Refuge, deadline: float, tally: Tally) -> None:
    programs = shipped_programs()
    while time.monotonic() < deadline:
        tally.timed(
            lambda: screen_and_record(refuge.uow(), actor=ACTOR, now=_now(), programs=programs)
        )


def _planner(refuge: Refuge, deadline: float, tally: Tally) -> None:
    order = shipped_precedence()
    while time.monotonic() < deadline:
        tally.timed(
            lambda: run_plan(
                refuge.uow(), actor=ACTOR, now=_now(), order=order, time_limit_s=2.0, workers=1
            )
        )


def _gate(refuge: Refuge, flight: str, deadline: float, tally: Tally) -> None:
    while time.monotonic() < deadline:
        with refuge.uow() as uow:
            entries = uow.manifests.for_flight(uow.flights.get(flight).id)
        waiting = [e for e in entries if e.status is ManifestStatus.MANIFESTED]
        if not waiting:
            time.sleep(0.5)
            continue
        for entry in waiting[:10]:
            result = tally.timed(
                lambda entry=entry: check_in(
                    refuge.uow(), entry.id, flight_code=flight, gate_agent=ACTOR, now=_now()
                )
            )
            if result is not None:
                tally.checked_in.append(str(entry.id))


def _status(
    base: str, secrets: list[tuple[str, str]], clients: int, deadline: float, tally: Tally
) -> None:
    lock = threading.Lock()

    def client(offset: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            i = offset
            while time.monotonic() < deadline:
                number, secret = secrets[i % len(secrets)]
                i += clients
                started = time.perf_counter()
                answer = http.post(
                    "/applicant/status", json={"case_number": number, "secret": secret}
                )
                with lock:
                    if answer.status_code == 200:
                        tally.done += 1
                        tally.latencies.append(time.perf_counter() - started)
                    else:
                        tally.errors[str(answer.status_code)] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _run(kind: str, work: Callable[[Tally], None], refuge: Refuge, out: Queue[Tally]) -> None:
    refuge.engine.dispose(close=False)  # forked: the parent's pooled connections are not ours
    tally = Tally(kind)
    try:
        work(tally)
    except Exception as exc:  # noqa: BLE001 - reported as the client's failure, run goes on
        tally.errors[f"crashed: {type(exc).__name__}"] += 1
    out.put(tally)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- preparing the day ------------------------------------------------------------------------


def _approved_households(refuge: Refuge, count: int, program: str, organisation: str) -> None:
    """Households approved for relocation, with facts recorded, for the planner to seat."""
    now = _now()
    with refuge.uow() as uow:
        for n in range(count):
            people = [
                Person(
                    PersonName(f"Synth{n}x{m}", "Approved"),
                    PartialDate(1970 + m * 7, 1 + n % 12, 1),
                    Sex.FEMALE if (n + m) % 2 else Sex.MALE,
                    ("AFG",),
                    (
                        Document(
                            DocumentKind.PASSPORT, f"Q{n:05d}{m:02d}", "AFG", dt.date(2031, 1, 1)
                        ),
                    ),
                )
                for m in range(1 + n % 5)
            ]
            home = Household.of(people[0], *[(p, Relationship.CHILD) for p in people[1:]])
            uow.households.add(home)
            case = Case(uow.cases.next_number(), home.id, program, organisation)
            for stage in (Stage.REGISTERED, Stage.ELIGIBLE, Stage.VETTING_CLEARED, Stage.APPROVED):
                case.move_to(stage, actor=ACTOR, at=now)
            uow.cases.add(case)
            uow.eligibility.record_facts(
                case.id, home.id, RecordedFacts(threat_level=n % 3).as_record(), now
            )
        uow.commit()


def _flights(refuge: Refuge, count: int, seats: int) -> list[str]:
    now = _now()
    codes = []
    for n in range(count):
        departs = now + dt.timedelta(hours=6 + 3 * n)
        flight = Flight(
            code=f"RCH{100 + n}",
            aircraft="C-17",
            seats=seats,
            surge_seats=seats // 10,
            origin="KBL",
            destination="DOH",
            departs_earliest=departs,
            departs_latest=departs + dt.timedelta(hours=2),
        )
        declare_flight(refuge.uow(), flight, actor=ACTOR, now=now)
        codes.append(flight.code)
    return codes


# -- the invariants -----------------------------------------------------------------------------


def _invariants(refuge: Refuge, checked_in: list[str]) -> list[tuple[str, bool, str]]:
    results: list[tuple[str, bool, str]] = []
    with refuge.engine.connect() as db:
        split = db.execute(
            text(
                "SELECT count(*) FROM (SELECT household_id FROM manifest_entries "  # noqa: S608 - constant
                f"WHERE status IN {SEATED} GROUP BY household_id "
                "HAVING count(DISTINCT flight_id) > 1) s"
            ),
        ).scalar_one()
        results.append(("no household split across flights", split == 0, f"{split} split"))
        over = db.execute(
            text(
                "SELECT f.code, f.seats + f.surge_seats, count(m.id) FROM flights f "  # noqa: S608 - constant
                f"LEFT JOIN manifest_entries m ON m.flight_id = f.id AND m.status IN {SEATED} "
                "GROUP BY f.code, f.seats, f.surge_seats"
            )
        ).all()
        full = [f"{code} {n}/{limit}" for code, limit, n in over]
        overfull = [code for code, limit, n in over if n > limit]
        results.append(
            ("no flight over seats + surge", not overfull, ", ".join(full) or "no flights")
        )
        transitions = db.execute(
            text(
                "SELECT c.id, c.stage, t.from_stage, t.to_stage FROM cases c "
                "JOIN case_transitions t ON t.case_id = c.id ORDER BY c.id, t.seq"
            )
        ).all()
        chains: dict[uuid.UUID, list[tuple[str, str, str]]] = collections.defaultdict(list)
        for case_id, stage, before, after in transitions:
            chains[case_id].append((stage, before, after))
        broken = sum(
            1
            for steps in chains.values()
            if steps[-1][2] != steps[0][0]
            or any(steps[i][1] != steps[i - 1][2] for i in range(1, len(steps)))
        )
        results.append(
            (
                "no lost update: case histories chain to their stage",
                broken == 0,
                f"{len(chains)} cases, {len(transitions)} transitions, {broken} broken",
            )
        )
        statuses = dict(
            db.execute(text("SELECT CAST(id AS TEXT), status FROM manifest_entries")).all()
        )
        lost = [
            entry for entry in checked_in if statuses.get(entry) not in {"checked_in", "boarded"}
        ]
        results.append(
            (
                "no lost update: every check-in kept",
                not lost,
                f"{len(checked_in)} checked in, {len(lost)} lost",
            )
        )
        files = db.execute(
            text(
                "SELECT f.id, f.counts, (SELECT count(*) FROM intake_quarantine q "
                "WHERE q.file_id = f.id) FROM intake_files f"
            )
        ).all()
        unbalanced = [
            str(file_id)
            for file_id, counts, quarantined in files
            if counts.get("read") != counts.get("accepted", 0) + counts.get("rejected", 0)
            or counts.get("quarantined") != quarantined
        ]
        records = db.execute(text("SELECT count(*) FROM intake_records")).scalar_one()
        new = sum(counts.get("new", 0) for _, counts, _ in files)
        twice = db.execute(
            text(
                "SELECT count(*) FROM (SELECT organisation, content_hash FROM intake_files "
                "GROUP BY organisation, content_hash HAVING count(*) > 1) s"
            )
        ).scalar_one()
        results.append(
            (
                "counts add up: read = accepted + rejected; quarantine; records",
                not unbalanced and records == new and twice == 0,
                f"{len(files)} files, {records} records = {new} new, "
                f"{len(unbalanced)} unbalanced, {twice} imported twice",
            )
        )
        unmatched = db.execute(
            text(
                "SELECT count(*) FROM intake_records r LEFT JOIN match_memberships m "
                "ON m.record_id = r.id WHERE m.record_id IS NULL AND r.withdrawn_at IS NULL "
                "AND r.wrapped_key IS NOT NULL"
            )
        ).scalar_one()
        persons, households = db.execute(
            text(
                "SELECT count(DISTINCT person_id), count(DISTINCT household_id) "
                "FROM match_memberships"
            )
        ).one()
        members = db.execute(text("SELECT count(*) FROM match_memberships")).scalar_one()
        results.append(
            (
                "every record in one person; 1 <= persons per cluster <= records",
                unmatched == 0 and households <= persons <= members,
                f"{members} records in {persons} persons, {households} households, "
                f"{unmatched} unmatched",
            )
        )
    findings = verify_audit(refuge.uow())
    with refuge.engine.connect() as db:
        events = db.execute(text("SELECT count(*) FROM audit_events")).scalar_one()
    results.append(
        ("audit chain verifies", not findings, f"{events} events, {len(findings)} findings")
    )
    return results


# -- the run ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--approved", type=int, default=300, help="households ready to plan")
    parser.add_argument("--flights", type=int, default=4)
    parser.add_argument("--seats", type=int, default=150)
    parser.add_argument("--status-clients", type=int, default=4)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    fork = multiprocessing.get_context("fork")

    with tempfile.TemporaryDirectory() as tmp, scratch_database(args.postgres) as url:
        _, refuge = initialise(Settings(data_dir=Path(tmp), database_url=url, key_file=None))
        started = time.perf_counter()
        scenario = generate(args.people, args.seed)
        load_scenario(refuge, scenario, now=_now(), with_facts=True)
        lists = sorted(write_scenario(scenario, Path(tmp) / "lists").lists)
        program = scenario.programs[0].code
        _approved_households(refuge, args.approved, program, scenario.organisations[0].code)
        flights = _flights(refuge, args.flights, args.seats)
        enrolment = enrol_user(
            refuge.uow(),
            Guards(POLICY),
            username="officer",
            password=PASSWORD,
            role=Role.CASE_OFFICER,
            organisation=None,
            actor=ACTOR,
            now=_now(),
        )
        print(
            f"prepared {args.people} people, {len(lists)} lists, {args.approved} approved "
            f"households, {len(flights)} flights of {args.seats} seats in "
            f"{time.perf_counter() - started:.0f} s"
        )
        refuge.engine.dispose()
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = fork.Process(target=_serve, args=(refuge, port, 1), daemon=True)
        server.start()
        try:
            _wait_until_up(base)
            cookies, csrf = _staff_session(base, enrolment.totp_secret)
            secrets = sorted(_issue_secrets(base, cookies, csrf).items())

            # Baseline: each operation once, alone (the first plan also seats the gate's flight).
            alone: dict[str, float] = {}
            for kind, operation in (
                ("planner", lambda: run_plan(refuge.uow(), actor=ACTOR, now=_now(),
                                             order=shipped_precedence(), time_limit_s=2.0,
                                             workers=1)),
                ("screener", lambda: screen_and_record(refuge.uow(), actor=ACTOR, now=_now(),
                                                       programs=shipped_programs())),
                ("status", lambda: httpx.post(f"{base}/applicant/status", json={
                    "case_number": secrets[0][0], "secret": secrets[0][1]}).raise_for_status()),
            ):  # fmt: skip
                tally = Tally(kind)
                tally.timed(operation)
                alone[kind] = tally.latencies[0] if tally.latencies else float("nan")
            refuge.engine.dispose()

            deadline = time.monotonic() + args.minutes * 60
            clients: dict[str, Callable[[Tally], None]] = {
                "importer": lambda t: _importer(refuge, lists, deadline, t),
                "matcher": lambda t: _matcher(refuge, deadline, t),
                "reviewer": lambda t: _reviewer(refuge, deadline, t),
                "screener": lambda t: _screener(refuge, deadline, t),
                "planner": lambda t: _planner(refuge, deadline, t),
                "gate": lambda t: _gate(refuge, flights[0], deadline, t),
                "status": lambda t: _status(base, secrets, args.status_clients, deadline, t),
            }
            out: Queue[Tally] = fork.Queue()
            processes = [
                fork.Process(target=_run, args=(kind, work, refuge, out))
                for kind, work in clients.items()
            ]
            day_started = time.monotonic()
            for process in processes:
                process.start()
            tallies = {tally.kind: tally for tally in (out.get() for _ in processes)}
            for process in processes:
                process.join()
            elapsed = time.monotonic() - day_started
        finally:
            server.terminate()
            server.join(10)

        # The last records imported are matched before the invariants are checked.
        refuge.engine.dispose()
        match(refuge.uow(), actor=ACTOR, now=_now())
        checks = _invariants(refuge, tallies["gate"].checked_in)
        refuge.close()

    print(f"\noperation day of {elapsed:.0f} s on PostgreSQL, one process per kind of client")
    print(
        f"{'operation':<10}{'done':>7}{'per s':>8}{'conflict':>9}{'errors':>8}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'alone ms':>10}{'x alone':>8}  notes"
    )
    for kind in clients:
        tally = tallies[kind]
        lat = sorted(tally.latencies)
        p50 = statistics.median(lat) * 1000 if lat else float("nan")
        p99 = lat[int(len(lat) * 0.99)] * 1000 if lat else float("nan")
        base_ms = alone.get(kind, float("nan")) * 1000
        ratio = f"{p50 / base_ms:8.1f}" if kind in alone else f"{'':>8}"
        notes = dict(tally.notes) | {f"error {k}": v for k, v in tally.errors.items()}
        print(
            f"{kind:<10}{tally.done:>7}{tally.done / elapsed:>8.2f}{tally.conflicts:>9}"
            f"{sum(tally.errors.values()):>8}{p50:>9.0f}{p99:>9.0f}"
            f"{base_ms if kind in alone else float('nan'):>10.0f}{ratio}  "
            + ", ".join(f"{k} {v}" for k, v in notes.items())
        )
    for kind in clients:
        for code, message in tallies[kind].said.items():
            print(f"  {kind} {code}: {message}")
    print("\ninvariants")
    for name, held, detail in checks:
        print(f"  {'held  ' if held else 'BROKEN'}  {name}: {detail}")
    crashed = [k for k, t in tallies.items() if any(e.startswith("crashed") for e in t.errors)]
    if crashed or not all(held for _, held, _ in checks):
        raise SystemExit(f"operation day failed: crashed {crashed or 'none'}, invariants above")


if __name__ == "__main__":
    main()
