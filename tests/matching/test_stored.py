"""Matching stored records on SQLite and PostgreSQL: a scenario's lists imported, matched into
persons and households, pairs reviewed (confirmed, rejected, undone), and the decisions kept when
matching runs again after one more list, with nothing personal stored or left on disk."""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from refuge.cases.services import add_organisation
from refuge.demo import plaintext_found
from refuge.domain import Conflict, NotFound, Organisation, OrganisationKind
from refuge.intake import IntakeRecord, import_list, read_list
from refuge.matching import Decision, ReviewPair, decide, match, review_queue, undo
from refuge.scenario import ScenarioFiles, generate, write_scenario
from refuge.store import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]
NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=2)
# A small operation has few uncertain pairs: the band is widened to have some to decide.
BAND = (0.001, 0.999)


@pytest.fixture(scope="module")
def scenario_lists(tmp_path_factory: pytest.TempPathFactory) -> ScenarioFiles:
    return write_scenario(generate(500, seed=7), tmp_path_factory.mktemp("scenario") / "lists")


def import_lists(uow_factory: UowFactory, paths: tuple[Path, ...]) -> None:
    for path in paths:
        import_list(
            uow_factory(), path, organisation=path.stem, actor="test", now=NOW, today=NOW.date()
        )


def person_of(uow_factory: UowFactory) -> dict[uuid.UUID, uuid.UUID]:
    with uow_factory() as uow:
        return {record: m.person for record, m in uow.matching.memberships().items()}


def together(uow_factory: UowFactory, pair: ReviewPair) -> bool:
    persons = person_of(uow_factory)
    return persons[pair.left] == persons[pair.right]


def personal_values(files: ScenarioFiles) -> set[str]:
    values: set[str] = set()
    for path in files.lists:
        for result in read_list(path, organisation=path.stem, today=NOW.date()):
            if isinstance(result, IntakeRecord):
                name = result.name
                values.update(v for v in (name.given_romanised, name.family_romanised) if v)
                values.update(n for n in (result.passport_number, result.tazkira_number) if n)
                values.update(result.phones)
    return {v for v in values if len(v) >= 6}


@pytest.fixture
def empty_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temp dir and working dir of the test's own, where matching could leave files."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    for variable in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.setenv(variable, str(scratch))
    monkeypatch.chdir(scratch)
    return scratch


def test_matching_reviews_and_rematching_keep_every_decision(
    uow_factory: UowFactory,
    scenario_lists: ScenarioFiles,
    engine: Engine,
    database_url: str,
    empty_temp: Path,
) -> None:
    for path in scenario_lists.lists:
        add_organisation(
            uow_factory(),
            Organisation(path.stem, path.stem, OrganisationKind.NGO),
            actor="test",
            now=NOW,
        )
    first, last = scenario_lists.lists[:-1], scenario_lists.lists[-1:]
    import_lists(uow_factory, first)

    report = match(uow_factory(), actor="matcher", now=NOW, threshold=BAND[1], review_band=BAND)
    assert report.records > 300
    assert report.households < report.persons < report.records
    assert report.links > 0
    assert report.decisions_kept == 0
    queue = review_queue(uow_factory())
    assert len(queue) == report.review_pairs > 2
    assert all(BAND[0] <= pair.probability < BAND[1] for pair in queue)
    assert all(
        {f.verdict for f in pair.fields} <= {"agrees", "disagrees", "missing"} for pair in queue
    )
    # The linkage's database lived in memory: nothing was written to the temp or working dir.
    assert list(empty_temp.iterdir()) == []

    # Confirm a pair the model kept apart: its two persons become one.
    apart = [pair for pair in queue if not together(uow_factory, pair)]
    merged, rejected = apart[0], apart[1]
    outcome = decide(uow_factory(), merged.id, "confirm", actor="officer", now=LATER)
    assert outcome.pair.decision is Decision.CONFIRMED
    assert outcome.pair.decided_by == "officer"
    assert outcome.persons_after == outcome.persons_before - 1
    assert together(uow_factory, merged)
    with pytest.raises(Conflict, match=str(merged.id)):
        decide(uow_factory(), merged.id, "reject", actor="officer", now=LATER)
    # Undo unmerges; the pair is back in the queue; confirming again merges again.
    undone = undo(uow_factory(), merged.id, actor="officer", now=LATER)
    assert undone.pair.decision is Decision.OPEN
    assert not together(uow_factory, merged)
    assert merged.id in {pair.id for pair in review_queue(uow_factory())}
    decide(uow_factory(), merged.id, Decision.CONFIRMED, actor="officer", now=LATER)
    decide(uow_factory(), rejected.id, "reject", actor="officer", now=LATER)
    assert not together(uow_factory, rejected)
    # A pair the links had joined is split by a rejection.
    joined = next(
        (
            pair
            for pair in queue
            if pair.id not in (merged.id, rejected.id) and together(uow_factory, pair)
        ),
        None,
    )
    if joined is not None:
        decide(uow_factory(), joined.id, "reject", actor="officer", now=LATER)
        assert not together(uow_factory, joined)
    with pytest.raises(NotFound):
        decide(uow_factory(), uuid.uuid4(), "confirm", actor="officer", now=LATER)

    # One more list, matching again: the decisions hold and decided pairs stay out of the queue.
    import_lists(uow_factory, last)
    again = match(uow_factory(), actor="matcher", now=LATER, threshold=BAND[1], review_band=BAND)
    assert again.records > report.records
    assert again.decisions_kept == (3 if joined is not None else 2)
    assert together(uow_factory, merged)
    assert not together(uow_factory, rejected)
    if joined is not None:
        assert not together(uow_factory, joined)
    open_ids = {(pair.left, pair.right) for pair in review_queue(uow_factory())}
    assert (merged.left, merged.right) not in open_ids
    assert (rejected.left, rejected.right) not in open_ids
    assert list(empty_temp.iterdir()) == []

    with uow_factory() as uow:
        actions = [event.action for event in uow.audit.events()]
        runs = [event for event in uow.audit.events() if event.action == "match.run"]
    assert actions.count("match.run") == 2
    assert actions.count("match.confirm") == 2
    assert actions.count("match.unmerge") == 1
    assert actions.count("match.reject") == (2 if joined is not None else 1)
    assert runs[0].details["records"] == report.records
    assert runs[1].details["review_pairs"] == again.review_pairs

    # Stored matching rows hold ids, probabilities and field names: no name, no number.
    values = personal_values(scenario_lists)
    assert len(values) > 300
    dumped: list[bytes] = []
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            if table.startswith("match_"):
                for row in connection.execute(text(f"SELECT * FROM {table}")):  # noqa: S608 - our names
                    dumped.extend(str(v).encode() for v in row if v is not None)
    blob = b"\n".join(dumped)
    assert len(blob) > 10_000
    assert [v for v in values if v.encode() in blob] == []
    if database_url.startswith("sqlite"):
        database = Path(database_url.removeprefix("sqlite:///"))
        files = [database, database.with_name(database.name + "-wal")]
        assert plaintext_found(files, values) == 0


def test_an_unknown_engine_is_refused_before_anything_is_read(uow_factory: UowFactory) -> None:
    from refuge.domain import InvalidInput

    with pytest.raises(InvalidInput, match="engine"):
        match(uow_factory(), actor="matcher", now=NOW, engine="sqlite")
    with uow_factory() as uow:
        assert [e.action for e in uow.audit.events()] == []


def households_of(uow_factory: UowFactory) -> frozenset[frozenset[uuid.UUID]]:
    with uow_factory() as uow:
        groups: dict[uuid.UUID, set[uuid.UUID]] = {}
        for record, membership in uow.matching.memberships().items():
            groups.setdefault(membership.household, set()).add(record)
    return frozenset(frozenset(group) for group in groups.values())


def test_one_decision_rebuilds_households_as_a_full_run_would_and_undo_restores_them(
    uow_factory: UowFactory, scenario_lists: ScenarioFiles, empty_temp: Path
) -> None:
    for path in scenario_lists.lists:
        add_organisation(
            uow_factory(),
            Organisation(path.stem, path.stem, OrganisationKind.NGO),
            actor="test",
            now=NOW,
        )
    import_lists(uow_factory, scenario_lists.lists)
    match(uow_factory(), actor="matcher", now=NOW, threshold=BAND[1], review_band=BAND)
    before = households_of(uow_factory)
    with uow_factory() as uow:
        home = {record: m.household for record, m in uow.matching.memberships().items()}
    pair = next(
        pair
        for pair in review_queue(uow_factory())
        if not together(uow_factory, pair) and home[pair.left] != home[pair.right]
    )

    outcome = decide(uow_factory(), pair.id, "confirm", actor="officer", now=LATER)
    after = households_of(uow_factory)
    assert after != before
    assert outcome.households_before == len(before)
    assert outcome.households_after == len(after)
    # A full run under the same decision finds the households the decision made.
    match(uow_factory(), actor="matcher", now=LATER, threshold=BAND[1], review_band=BAND)
    assert households_of(uow_factory) == after

    undo(uow_factory(), pair.id, actor="officer", now=LATER)
    assert households_of(uow_factory) == before
    assert not together(uow_factory, pair)

    with uow_factory() as uow:
        events = {event.action: event for event in uow.audit.events()}
    merged, unmerged = events["match.confirm"].details, events["match.unmerge"].details
    assert (merged["left"], merged["right"]) == (str(pair.left), str(pair.right))
    assert len(str(merged["persons_merged"]).split()) == 1
    assert merged["persons_split"] == ""
    assert (merged["households_before"], merged["households_after"]) == (len(before), len(after))
    assert unmerged["persons_split"] == merged["persons_merged"]
    assert unmerged["households_after"] == len(before)
