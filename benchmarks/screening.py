"""Cases per second for screening: 1,000,000 synthetic cases through the pure `screen` under the
shipped programs, against a hand-written plain-Python check of one simple rule over the same
facts (the floor any rule engine stands on); then a smaller stored run through
`screen_and_record` (facts unsealed, decisions recorded, cases moved, audited) on SQLite, or on a
scratch PostgreSQL database with --postgres.

Facts are built in memory, in batches, from a seeded generator: every program, every outcome,
households of one to seven people (5,000 households, each with seven recorded variants, so the
pool's cases differ by program and facts). Building them is timed apart from screening them.

    .venv/bin/python benchmarks/screening.py [--cases 1000000] [--stored 10000] [--seed 1]
                                             [--postgres URL]

Target (issue 5): 1,000,000 cases screened in under 2 minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import random
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from refuge.bootstrap import Refuge, initialise
from refuge.cases.services import Registration, add_organisation, add_program, register_households
from refuge.config import Settings
from refuge.domain import (
    Case,
    Document,
    DocumentKind,
    Household,
    Organisation,
    OrganisationKind,
    PartialDate,
    Person,
    PersonName,
    Program,
    Relationship,
    Sex,
)
from refuge.eligibility import (
    CaseFacts,
    Outcome,
    ProgramDefinition,
    RecordedFacts,
    SivStep,
    load_program,
    screen,
    screen_and_record,
    shipped_programs,
)
from support import scratch_database

ON = dt.date(2021, 8, 20)
NOW = dt.datetime(2021, 8, 20, 12, 0, tzinfo=dt.UTC)
CODES = ("citizens", "siv", "partner-tcn", "humanitarian-p", "resettlement-partner")
STEPS = tuple(SivStep)
EMPLOYERS = ("us-government", "us-military", "us-contractor", "isaf", "local-business")
AT_RISK = ("woman-leader", "journalist", "activist", "human-rights-defender", "none")
NATIONALITIES = ("AFG", "AFG", "AFG", "USA", "NOR", "DEU", "GBR")
BATCH = 100_000
_SERIAL = iter(range(1, 10**9))


def person(rng: random.Random, born: int, nationality: str) -> Person:
    documents: tuple[Document, ...] = ()
    if rng.random() < 0.9:  # one in ten has no valid passport: documents missing
        expiry = ON + dt.timedelta(days=rng.randint(-200, 2000))
        number = f"P{next(_SERIAL):09d}"
        documents = (Document(DocumentKind.PASSPORT, number, nationality, expiry),)
    sex = Sex.FEMALE if rng.random() < 0.5 else Sex.MALE
    name = PersonName(f"Given{next(_SERIAL)}", "Family")
    return Person(name, PartialDate(born, 1 + born % 12, 1 + born % 28), sex, (nationality,),
                  documents)  # fmt: skip


def household(rng: random.Random) -> Household:
    nationality = rng.choice(NATIONALITIES)
    principal = person(rng, rng.randint(1960, 2000), nationality)
    others: list[tuple[Person, Relationship]] = []
    if rng.random() < 0.8:
        others.append((person(rng, rng.randint(1965, 2002), nationality), Relationship.SPOUSE))
    for _ in range(rng.randint(0, 5)):
        others.append((person(rng, rng.randint(1998, 2020), nationality), Relationship.CHILD))
    return Household.of(principal, *others)


def recorded(rng: random.Random, household: Household) -> RecordedFacts:
    """Program-specific facts as case officers would record them; some left unknown."""
    principal = household.members[0].person
    return RecordedFacts(
        registered_on=ON - dt.timedelta(days=rng.randint(0, 400)),
        siv_step=rng.choice(STEPS) if rng.random() < 0.8 else None,
        employer=rng.choice(EMPLOYERS) if rng.random() < 0.85 else None,
        employment_months=rng.randint(0, 120),
        vulnerabilities=frozenset({rng.choice(AT_RISK)}),
        threat_level=rng.randint(0, 5),
        medical_need=rng.randint(0, 3),
        referral=rng.choice(("ngo", "media-organisation", "self")),
        accepted_by=frozenset({"NOR"}) if rng.random() < 0.3 else frozenset(),
        permanent_residence=({principal.id: frozenset({"USA"})} if rng.random() < 0.05 else {}),
    )


def facts_batches(count: int, seed: int) -> Iterator[list[CaseFacts]]:
    """`count` cases' facts in batches. Households come from a pool (screening reads them, it
    does not change them), so memory stays flat; cases and their facts are each their own."""
    rng = random.Random(seed)
    pool = [household(rng) for _ in range(5000)]
    # Seven recorded variants per household (a prime, so each meets every program in turn).
    variants = [[recorded(rng, home) for _ in range(7)] for home in pool]
    made = 0
    while made < count:
        batch = []
        for index in range(made, min(count, made + BATCH)):
            slot = index % len(pool)
            home = pool[slot]
            case = Case(f"C{index:08d}", home.id, CODES[index % len(CODES)], "ngo")
            known = variants[slot][(index // len(pool)) % 7]
            batch.append(known.for_case(case, home, ON, registered_on=None))
        made += len(batch)
        yield batch


def baseline_check(facts: CaseFacts) -> bool:
    """One rule written by hand: SIV Chief of Mission approval reached or passed."""
    return facts.siv_step is not None and STEPS.index(facts.siv_step) >= 1


def pure_run(count: int, seed: int) -> None:
    programs = shipped_programs()
    build = screened = baseline = 0.0
    outcomes = dict.fromkeys(Outcome, 0)
    passed = 0
    started = time.perf_counter()
    for batch in facts_batches(count, seed):
        build += time.perf_counter() - started
        t0 = time.perf_counter()
        for facts in batch:
            outcomes[screen(facts, programs[facts.case.program]).outcome] += 1
        t1 = time.perf_counter()
        for facts in batch:
            passed += baseline_check(facts)
        t2 = time.perf_counter()
        screened += t1 - t0
        baseline += t2 - t1
        started = time.perf_counter()
    rules = sum(len(p.rules) for p in programs.values()) / len(programs)
    print(f"pure screening, {count:,} cases, {len(programs)} programs, {rules:.1f} rules each:")
    print(f"  facts built in memory     {build:8.1f} s  {count / build:12,.0f} cases/s")
    print(f"  screen (all rules)        {screened:8.1f} s  {count / screened:12,.0f} cases/s")
    print(f"  baseline (one rule, hand) {baseline:8.1f} s  {count / baseline:12,.0f} cases/s")
    print(f"  screen / baseline time    {screened / baseline:8.1f} x")
    print(f"  build + screen            {build + screened:8.1f} s  (target: under 120 s)")
    print("  outcomes: " + ", ".join(f"{o.value} {n:,}" for o, n in outcomes.items()))


def _edited_siv(programs: dict[str, ProgramDefinition]) -> dict[str, ProgramDefinition]:
    source = programs["siv"].source
    text = Path(source).read_text("utf-8")
    old = "when: {fact: siv.step, op: ge, value: com-approved}"
    changed = text.replace(old, "when: {fact: siv.step, op: ge, value: com-applied}")
    return {**programs, "siv": load_program(Path(source), changed)}


def stored_run(count: int, seed: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), database_url=database_url)
        _created, app = initialise(settings)
        try:
            _stored_run(app, count, seed)
        finally:
            app.close()


def _stored_run(app: Refuge, count: int, seed: int) -> None:
    rng = random.Random(seed)
    add_organisation(
        app.uow(), Organisation("ngo", "NGO", OrganisationKind.NGO), actor="b", now=NOW
    )
    for rank, code in enumerate(CODES, start=1):
        add_program(app.uow(), Program(code, code, rank), actor="b", now=NOW)
    t0 = time.perf_counter()
    homes = [household(rng) for _ in range(count)]
    numbers: list[str] = []
    for start in range(0, count, 1000):
        part = homes[start : start + 1000]
        numbers += register_households(
            app.uow(),
            [Registration(h, CODES[(start + i) % len(CODES)], "ngo") for i, h in enumerate(part)],
            actor="b",
            now=NOW,
        )
    # Facts written through the repository, 1,000 a transaction (the service takes one case per
    # transaction, as an officer records them); each sealed under its household's key.
    for start in range(0, count, 1000):
        with app.uow() as uow:
            for number, home in zip(numbers[start : start + 1000], homes[start : start + 1000],
                                    strict=True):  # fmt: skip
                case_id = uow.eligibility.case_id(number)
                uow.eligibility.record_facts(case_id, home.id, recorded(rng, home).as_record(), NOW)
            uow.commit()
    setup = time.perf_counter() - t0
    programs = dict(shipped_programs())
    print(f"stored screening on {app.engine.dialect.name}, {count:,} cases "
          f"(set up in {setup:.1f} s):")  # fmt: skip
    for label, run_programs, only_changed in (
        ("first screening (all cases)", programs, False),
        ("again, --changed, nothing changed", programs, True),
        ("again, --changed, SIV program edited", _edited_siv(programs), True),
        ("again, all cases, SIV edited back", programs, False),
    ):
        t = time.perf_counter()
        report = screen_and_record(
            app.uow(), actor="b", now=NOW, programs=run_programs, only_changed=only_changed
        )
        took = time.perf_counter() - t
        rate = report.screened / took if report.screened else 0.0
        print(
            f"  {label:38s} {took:7.1f} s  screened {report.screened:6,}  "
            f"{rate:9,.0f} cases/s  moved {report.moved:6,}  changed {len(report.changes):6,}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--stored", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", help="server URL: the stored run uses a scratch database")
    args = parser.parse_args()
    if args.cases:
        pure_run(args.cases, args.seed)
    if args.stored:
        with scratch_database(args.postgres) if args.postgres else contextlib.nullcontext() as url:
            stored_run(args.stored, args.seed, url)


if __name__ == "__main__":
    main()
