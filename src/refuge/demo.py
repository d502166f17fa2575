"""The demo operation: a synthetic scenario generated, loaded into a fresh SQLite database, and
checked for plaintext personal data on disk."""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from refuge.accounts import Guards, Role, enrol_user
from refuge.bootstrap import Refuge, initialise
from refuge.cases.services import (
    OperationSummary,
    Registration,
    add_organisation,
    add_program,
    operation_summary,
    register_households,
)
from refuge.config import Settings
from refuge.demo_planning import plan_demo
from refuge.domain import Household, InvalidConfiguration
from refuge.eligibility import RecordedFacts, SivStep, record_facts_many
from refuge.intake import import_list
from refuge.scenario import HouseholdTruth, Scenario, generate, write_scenario

__all__ = [
    "DemoAccount",
    "DemoResult",
    "ListImport",
    "demo_facts",
    "enrol_demo_accounts",
    "import_lists",
    "load_scenario",
    "plaintext_found",
    "run_demo",
    "sensitive_values",
]

T = TypeVar("T")
_ACTOR = "demo"
_BATCH = 500
_HEX = b"0123456789abcdef"


@dataclass(frozen=True)
class ListImport:
    """One organisation's list as the demo imported it: counts only."""

    file: str
    organisation: str
    rows: int
    accepted: int
    quarantined: int


@dataclass(frozen=True)
class DemoResult:
    summary: OperationSummary
    imports: tuple[ListImport, ...]
    database: Path
    key_file: Path
    values_checked: int
    values_found: int


def load_scenario(
    refuge: Refuge,
    scenario: Scenario,
    *,
    now: dt.datetime,
    truths: Iterable[HouseholdTruth] | None = None,
    with_facts: bool = False,
) -> int:
    """Register the scenario's organisations, programs and households (`truths`, if already
    built, else built on the way), and with `with_facts` plausible screening facts for each
    case. Returns how many households were loaded."""
    for organisation in scenario.organisations:
        add_organisation(refuge.uow(), organisation, actor=_ACTOR, now=now)
    for program in scenario.programs:
        add_program(refuge.uow(), program, actor=_ACTOR, now=now)
    loaded = 0
    for batch in _batches(scenario.truths if truths is None else truths, _BATCH):
        registrations = [Registration(t.household, t.program, t.sponsor) for t in batch]
        numbers = register_households(refuge.uow(), registrations, actor=_ACTOR, now=now)
        if with_facts:
            facts = zip(numbers, (demo_facts(truth, now.date()) for truth in batch), strict=True)
            record_facts_many(refuge.uow(), facts, actor=_ACTOR, now=now)
        loaded += len(numbers)
    return loaded


# The scenario's reasons for risk, in the words of the humanitarian program file.
_AT_RISK = {
    "woman_leader": "woman-leader",
    "journalist": "journalist",
    "human_rights_defender": "human-rights-defender",
    "minority_high_risk": "minority-high-risk-profession",
}
_SIV_STEPS = tuple(SivStep)


def demo_facts(truth: HouseholdTruth, on: dt.date) -> RecordedFacts:
    """Plausible screening facts for a scenario household, varied by its index so that every
    outcome occurs: some SIV applicants not yet in the pipeline, some facts never recorded."""
    n = truth.index
    common = RecordedFacts(
        registered_on=on - dt.timedelta(days=n % 120),
        threat_level=n % 6,
        medical_need=2 if "medical_need" in truth.vulnerabilities else 0,
    )
    if truth.program == "siv":
        return replace(
            common, siv_step=_SIV_STEPS[n % len(_SIV_STEPS)], employer="us-government",
            employment_months=6 + n % 60,
        )  # fmt: skip
    if truth.program == "humanitarian-p":
        at_risk = frozenset(_AT_RISK[v] for v in truth.vulnerabilities if v in _AT_RISK)
        referral = "ngo" if n % 7 else None
        return replace(common, vulnerabilities=at_risk, referral=referral)
    if truth.program == "resettlement-partner":
        return replace(
            common, employer="partner-embassy", role="interpreter",
            accepted_by=frozenset({"DEU"}) if n % 5 else frozenset(),
        )  # fmt: skip
    if truth.program == "partner-tcn":
        return replace(common, accepted_by=frozenset({"GBR"}) if n % 3 else frozenset())
    return common


def sensitive_values(households: Iterable[Household]) -> set[str]:
    """Every name, document number and phone number of these households, as given."""
    values: set[str] = set()
    for household in households:
        for member in household.members:
            person = member.person
            name = person.name
            values.update((name.given, name.family, name.given_romanised, name.family_romanised))
            values.update(doc.number for doc in person.documents)
            values.update(person.phones)
    # Very short values (a one-letter initial) would be found in any binary file by chance.
    return {value for value in values if len(value) >= 4}


def plaintext_found(paths: Iterable[Path], values: Iterable[str]) -> int:
    """How many of `values` appear, UTF-8 encoded, in any of the files.

    Blind-index digests are stored as hex text, so a short name made of hex letters ("Feda",
    "Abed") turns up inside one by chance; such a hit followed by more hex is not counted.
    """
    blobs = [path.read_bytes() for path in paths if path.exists()]
    return sum(1 for value in values if any(_contains(blob, value.encode()) for blob in blobs))


def _contains(blob: bytes, needle: bytes) -> bool:
    hexlike = all(char in _HEX for char in needle[1:].lower())
    start = blob.find(needle)
    while start != -1:
        after = blob[start + len(needle) : start + len(needle) + 1]
        if not (hexlike and after and after in _HEX):
            return True
        start = blob.find(needle, start + 1)
    return False


def run_demo(
    *, data_dir: Path, people: int, seed: int, echo: Callable[[str], object] = print
) -> DemoResult:
    if data_dir.exists():
        shutil.rmtree(data_dir)
    settings = Settings(data_dir=data_dir, database_url=None, key_file=None)
    echo(f"generating a synthetic operation of {people} people (seed {seed})")
    scenario = generate(people, seed)
    # Households are built on demand; build them once for loading and for the leak check.
    truths = list(scenario.truths)
    _, refuge = initialise(settings)
    try:
        now = dt.datetime.now(dt.UTC)
        echo("loading it into a fresh SQLite database, every personal field encrypted")
        load_scenario(refuge, scenario, now=now, with_facts=True, truths=truths)
        echo("importing each organisation's list as it sent it (CSV, XLSX, HXL; several scripts)")
        # The lists are plaintext as organisations send them: kept only until imported.
        with tempfile.TemporaryDirectory(prefix="refuge-demo-lists-") as lists:
            written = write_scenario(scenario, Path(lists))
            imports = import_lists(refuge, written.lists, now=now)
        echo("screening, approving and planning the eligible households onto demo flights")
        plan_demo(refuge, now=now, echo=echo)
        summary = operation_summary(refuge.uow())
        database = refuge.sqlite_path
    finally:
        refuge.close()
    if database is None:
        raise InvalidConfiguration("the demo runs on its own SQLite file")
    values = sensitive_values(truth.household for truth in truths)
    database_files = [database, database.with_name(database.name + "-wal")]
    found = plaintext_found(database_files, values)
    return DemoResult(summary, imports, database, settings.resolved_key_file, len(values), found)


def import_lists(
    refuge: Refuge, lists: Iterable[Path], *, now: dt.datetime
) -> tuple[ListImport, ...]:
    """Import each list for the organisation it is named after, with the mapping Refuge proposes
    from its headers (the scenario's organisations have no saved profiles)."""
    done = []
    for path in lists:
        outcome = import_list(
            refuge.uow(), path, organisation=path.stem, actor=_ACTOR, now=now, today=now.date()
        )
        report = outcome.report
        read = report.read if report is not None else 0
        done.append(ListImport(path.name, path.stem, read, outcome.new, outcome.quarantined))
    return tuple(done)


@dataclass(frozen=True)
class DemoAccount:
    """A demo user: signs in with the password and a code made from the TOTP secret."""

    username: str
    role: Role
    organisation: str | None
    password: str
    totp_secret: str


def enrol_demo_accounts(
    refuge: Refuge, guards: Guards, *, partner: str, now: dt.datetime
) -> tuple[DemoAccount, ...]:
    """One user per role, named after it (`case-officer`), all with one fresh random password;
    the partner organisation's user works for `partner`."""
    password = secrets.token_urlsafe(12)
    accounts = []
    for role in Role:
        organisation = partner if role is Role.PARTNER else None
        username = role.value.replace("_", "-")
        enrolment = enrol_user(
            refuge.uow(),
            guards,
            username=username,
            password=password,
            role=role,
            organisation=organisation,
            actor=_ACTOR,
            now=now,
        )
        accounts.append(DemoAccount(username, role, organisation, password, enrolment.totp_secret))
    return tuple(accounts)


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
