"""Stored intake on SQLite and PostgreSQL: lists imported into encrypted source records and the
quarantine, re-imported, corrected and shredded, with every row accounted for and nothing
personal readable in the database."""

from __future__ import annotations

import datetime as dt
import gc
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, select, text

from refuge.cases.services import add_organisation
from refuge.demo import plaintext_found
from refuge.domain import DataShredded, InvalidInput, NotFound, Organisation, OrganisationKind
from refuge.intake import (
    ImportOutcome,
    IntakeRecord,
    Origin,
    QuarantineStatus,
    RejectedRow,
    SourceRecord,
    correct_quarantined,
    import_list,
    list_quarantine,
    read_list,
    search_records,
    show_quarantined,
    shred_imported_file,
)
from refuge.intake import background as background_module
from refuge.intake.background import AHEAD
from refuge.scenario import ScenarioFiles, generate, write_scenario
from refuge.store import SqlUnitOfWork
from refuge.store.intake import IntakeRecordRow, SqlIntakeRepository

UowFactory = Callable[[], SqlUnitOfWork]
NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
TODAY = NOW.date()
ORG = "kabul-ngo"
HEADER = ["ID", "Given name", "Family name", "Date of birth", "Sex", "Tazkira", "Phone"]
AHMAD = ["K-1", "Ahmad", "Karimi", "12/05/1985", "M", "1400-0101-12345", "0700 123 456"]
MARYAM = ["K-2", "Maryam", "Ahmadi", "1990", "F", "", "0799 123 456"]
JAWID = ["K-3", "Jawid", "Noorzai", "03/03/1979", "M", "", ""]
# Day 31 of February and a two-digit phone: rejected.
ZARGHONA = ["K-4", "Zarghona", "Sultani", "31/02/1985", "F", "", "12"]
FARID = ["K-5", "Farid", "Rahimi", "1/7/2001", "M", "", "0788 555 111"]


def organisations(uow_factory: UowFactory, *codes: str) -> None:
    for code in codes:
        add_organisation(
            uow_factory(),
            Organisation(code, code.replace("-", " ").title(), OrganisationKind.NGO),
            actor="test",
            now=NOW,
        )


def run(
    uow_factory: UowFactory, path: Path, organisation: str = ORG, **kwargs: Any
) -> ImportOutcome:
    return import_list(
        uow_factory(), path, organisation=organisation, actor="test", now=NOW, today=TODAY, **kwargs
    )


def records(uow_factory: UowFactory, *, withdrawn: bool = False) -> list[SourceRecord]:
    with uow_factory() as uow:
        return list(uow.intake.records(withdrawn=withdrawn))


# -- the scenario's lists, end to end ----------------------------------------------------------


@pytest.fixture(scope="module")
def scenario_lists(tmp_path_factory: pytest.TempPathFactory) -> ScenarioFiles:
    scenario = generate(300, seed=11)
    return write_scenario(scenario, tmp_path_factory.mktemp("scenario") / "lists")


def scenario_organisations(uow_factory: UowFactory, files: ScenarioFiles) -> None:
    organisations(uow_factory, *(path.stem for path in files.lists))


def test_the_scenario_lists_are_stored_with_every_row_accounted_for(
    uow_factory: UowFactory, scenario_lists: ScenarioFiles
) -> None:
    scenario_organisations(uow_factory, scenario_lists)
    total_new = total_quarantined = 0
    for path in scenario_lists.lists:
        outcome = run(uow_factory, path, organisation=path.stem)
        report = outcome.report
        assert report is not None
        assert report.finished
        assert report.read == outcome.new + outcome.quarantined, path.name
        assert (report.accepted, report.rejected) == (outcome.new, outcome.quarantined)
        total_new += outcome.new
        total_quarantined += outcome.quarantined

    stored = records(uow_factory)
    assert len(stored) == total_new > 0.9 * (total_new + total_quarantined)
    assert len(list_quarantine(uow_factory())) == total_quarantined
    # Each record says where it came from.
    names = {path.name: path for path in scenario_lists.lists}
    for item in stored:
        provenance = item.record.provenance
        assert provenance.file in names
        assert provenance.organisation == names[provenance.file].stem
        assert provenance.row >= 1
        assert len(provenance.content_hash) == 64
    with uow_factory() as uow:
        events = [e for e in uow.audit.events() if e.action == "intake.import"]
    assert len(events) == len(scenario_lists.lists)
    assert sum(int(str(e.details["read"])) for e in events) == total_new + total_quarantined


@pytest.mark.parametrize(
    ("background", "sealed_there"),
    [(False, False), (True, False), (True, True)],
    ids=["read-in-process", "read-in-background", "sealed-in-background"],
)
def test_records_come_back_exactly_as_the_list_was_read(
    uow_factory: UowFactory,
    scenario_lists: ScenarioFiles,
    background: bool,
    sealed_there: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Sealed there: the background reader seals every record (as when storing falls behind it),
    # and this process seals none; else this process seals them all.
    monkeypatch.setattr(background_module, "SEAL_BEHIND", 0 if sealed_there else AHEAD + 1)
    sealed_here = []
    sealed = SqlIntakeRepository._sealed

    def counted(self: SqlIntakeRepository, record: IntakeRecord, record_id: uuid.UUID) -> Any:
        sealed_here.append(record_id)
        return sealed(self, record, record_id)

    monkeypatch.setattr(SqlIntakeRepository, "_sealed", counted)
    path = next(p for p in scenario_lists.lists if p.suffix == ".csv")
    organisations(uow_factory, path.stem)
    outcome = run(uow_factory, path, organisation=path.stem, background=background)

    read = [
        r
        for r in read_list(path, organisation=path.stem, today=TODAY)
        if isinstance(r, IntakeRecord)
    ]
    stored = sorted(records(uow_factory), key=lambda s: s.record.provenance.row)
    assert [s.record for s in stored] == read
    assert outcome.report is not None
    assert (outcome.report.read, outcome.new) == (len(read) + outcome.quarantined, len(read))
    assert len(sealed_here) == (0 if sealed_there else len(read))
    # The blind indexes made there find the records here.
    with uow_factory() as uow:
        for source in stored:
            if source.record.tazkira_number:
                assert source.id in uow.intake.find_by_document(source.record.tazkira_number)
            for phone in source.record.phones:
                assert source.id in uow.intake.find_by_phone(phone)


@pytest.mark.parametrize("background", [False, True], ids=["in-process", "in-background"])
def test_automatic_garbage_collection_pauses_for_an_import_and_resumes_after_it(
    uow_factory: UowFactory, scenario_lists: ScenarioFiles, background: bool
) -> None:
    # Collection during an import is by sweeps between batches (refuge.intake.sweeps): the
    # collector is off while rows are stored and on again once the import is over.
    path = next(p for p in scenario_lists.lists if p.suffix == ".csv")
    organisations(uow_factory, path.stem)
    during: list[bool] = []
    assert gc.isenabled()

    outcome = run(
        uow_factory,
        path,
        organisation=path.stem,
        background=background,
        batch=50,
        on_progress=lambda _: during.append(gc.isenabled()),
    )

    assert outcome.new > 50
    assert during
    assert not any(during)
    assert gc.isenabled()


def test_nothing_personal_is_readable_anywhere_in_the_database(
    uow_factory: UowFactory, scenario_lists: ScenarioFiles, engine: Engine, database_url: str
) -> None:
    scenario_organisations(uow_factory, scenario_lists)
    values: set[str] = set()
    for path in scenario_lists.lists:
        run(uow_factory, path, organisation=path.stem)
        for result in read_list(path, organisation=path.stem, today=TODAY):
            if isinstance(result, RejectedRow):
                values.update(value for _, value in result.values)
                continue
            name = result.name
            values.update(
                (name.given, name.family, name.given_romanised, name.family_romanised),
            )
            values.update(n for n in (result.passport_number, result.tazkira_number) if n)
            values.update(result.phones)
            if result.father_name:
                values.add(result.father_name.written)
    # Short values made of hex digits turn up inside hex digests by chance.
    values = {v for v in values if len(v) >= 10 or (len(v) >= 5 and not _hexlike(v))}
    assert len(values) > 300

    # Every column of every intake table, as the database hands it out.
    dumped: list[bytes] = []
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            if not table.startswith("intake_"):
                continue
            for row in connection.execute(text(f"SELECT * FROM {table}")):  # noqa: S608 - our names
                dumped.extend(
                    v if isinstance(v, bytes) else str(v).encode() for v in row if v is not None
                )
    blob = b"\n".join(dumped)
    assert len(blob) > 10_000
    assert [v for v in values if v.encode() in blob] == []
    if database_url.startswith("sqlite"):
        database = Path(database_url.removeprefix("sqlite:///"))
        files = [database, database.with_name(database.name + "-wal")]
        assert plaintext_found(files, values) == 0


def _hexlike(value: str) -> bool:
    return all(char in "0123456789abcdefABCDEF" for char in value)


def test_importing_the_same_file_twice_adds_nothing_and_says_so(
    uow_factory: UowFactory, scenario_lists: ScenarioFiles
) -> None:
    path = scenario_lists.lists[0]
    organisations(uow_factory, path.stem)
    first = run(uow_factory, path, organisation=path.stem)
    before = len(records(uow_factory))

    again = run(uow_factory, path, organisation=path.stem)

    assert again.already
    assert again.report is None
    assert again.file.id == first.file.id
    assert "imported already" in again.render()
    assert "nothing added" in again.render()
    assert len(records(uow_factory)) == before
    with uow_factory() as uow:
        assert len(uow.intake.files()) == 1


# -- versions of a hand-written list -----------------------------------------------------------


def test_a_corrected_version_updates_what_changed_and_says_what(
    uow_factory: UowFactory, write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    organisations(uow_factory, ORG)
    first = run(uow_factory, write_csv([HEADER, AHMAD, MARYAM, JAWID, ZARGHONA]))
    assert (first.new, first.quarantined) == (3, 1)

    maryam_moved = [*MARYAM[:6], "0799 999 000"]
    fixed = [*ZARGHONA[:3], "28/02/1985", "F", "", ""]
    (tmp_path / "list.csv").unlink()
    second = run(uow_factory, write_csv([HEADER, FARID, AHMAD, maryam_moved, fixed]))

    assert (second.new, second.changed, second.unchanged, second.withdrawn) == (2, 1, 1, 1)
    assert (second.quarantine_resolved, second.quarantine_replaced, second.quarantined) == (1, 0, 0)
    summary = second.render()
    assert "2 new, 1 changed, 1 unchanged, 1 withdrawn" in summary
    assert "1 rows resolved" in summary

    current = {s.record.source_id: s for s in records(uow_factory)}
    assert set(current) == {"K-1", "K-2", "K-4", "K-5"}
    assert current["K-2"].record.phones == ("+93799999000",)
    assert current["K-1"].record.provenance.row == 3  # where the new version has it
    everything = {s.record.source_id: s for s in records(uow_factory, withdrawn=True)}
    assert everything["K-3"].withdrawn
    with uow_factory() as uow:
        assert uow.intake.find_by_phone("+93799999000") == [current["K-2"].id]
        assert uow.intake.find_by_phone("+93799123456") == []
        assert uow.intake.find_by_document("1400 0101 12345") == [current["K-1"].id]
    assert list_quarantine(uow_factory()) == []


def test_a_row_that_comes_back_restores_its_withdrawn_record(
    uow_factory: UowFactory, write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    organisations(uow_factory, ORG)
    run(uow_factory, write_csv([HEADER, AHMAD, JAWID]))
    (tmp_path / "list.csv").unlink()
    assert run(uow_factory, write_csv([HEADER, AHMAD])).withdrawn == 1
    (tmp_path / "list.csv").unlink()
    back = run(uow_factory, write_csv([HEADER, JAWID, AHMAD]))

    assert (back.new, back.changed, back.unchanged, back.withdrawn) == (0, 1, 1, 0)
    assert {s.record.source_id for s in records(uow_factory)} == {"K-1", "K-3"}


def test_another_list_of_the_same_organisation_withdraws_nothing_from_the_first(
    uow_factory: UowFactory, write_csv: Callable[..., Path]
) -> None:
    organisations(uow_factory, ORG)
    run(uow_factory, write_csv([HEADER, AHMAD, MARYAM], name="staff.csv"))
    other = run(uow_factory, write_csv([HEADER, JAWID], name="families.csv"))

    assert (other.new, other.withdrawn) == (1, 0)
    assert len(records(uow_factory)) == 3


def test_a_repeated_row_is_kept_as_a_record_of_its_own(
    uow_factory: UowFactory, write_csv: Callable[..., Path]
) -> None:
    organisations(uow_factory, ORG)
    outcome = run(uow_factory, write_csv([HEADER, AHMAD, AHMAD, MARYAM]))

    assert outcome.new == 3
    repeated = [s for s in records(uow_factory) if s.record.source_id == "K-1"]
    assert len(repeated) == 2
    flagged = [
        s
        for s in repeated
        if any(w.problem == "repeats row 2 of this file" for w in s.record.warnings)
    ]
    assert [s.record.provenance.row for s in flagged] == [3]


# -- the quarantine ------------------------------------------------------------------------------


def test_a_quarantined_row_is_listed_corrected_field_by_field_and_accepted(
    uow_factory: UowFactory, write_csv: Callable[..., Path]
) -> None:
    organisations(uow_factory, ORG)
    run(uow_factory, write_csv([HEADER, AHMAD, ZARGHONA]))
    (entry,) = list_quarantine(uow_factory(), ORG)
    assert (entry.file, entry.sheet, entry.row, entry.status) == ("list.csv", None, 3, "open")
    assert {p.field for p in entry.problems if p.severity == "error"} == {"date_of_birth", "phone"}
    listed = repr(entry)
    assert [value for value in ZARGHONA[1:4] if value in listed] == []

    opened = show_quarantined(uow_factory(), entry.id, actor="officer", now=NOW)
    assert dict(opened.values)["Date of birth"] == "31/02/1985"
    assert dict(opened.values)["Given name"] == "Zarghona"

    half = correct_quarantined(
        uow_factory(), entry.id, {"date_of_birth": "28/02/1985"}, actor="test", now=NOW
    )
    assert not half.accepted
    assert [p.field for p in half.problems if p.severity == "error"] == ["phone"]
    (still,) = list_quarantine(uow_factory(), ORG)
    assert still.corrected_fields == ("date_of_birth",)

    done = correct_quarantined(uow_factory(), entry.id, {"phone": ""}, actor="test", now=NOW)

    assert done.accepted
    assert done.new_record
    assert list_quarantine(uow_factory(), ORG) == []
    (closed,) = list_quarantine(uow_factory(), ORG, open_only=False)
    assert closed.status is QuarantineStatus.CORRECTED
    assert closed.record_id == done.record_id
    record = next(s for s in records(uow_factory) if s.id == done.record_id)
    assert record.origin is Origin.CORRECTION
    assert record.record.date_of_birth.iso() == "1985-02-28"
    assert record.record.phones == ()
    assert (record.record.provenance.file, record.record.provenance.row) == ("list.csv", 3)
    with uow_factory() as uow:
        events = [e for e in uow.audit.events() if e.action.startswith("intake.quarantine")]
    assert [e.action.rsplit(".", 1)[1] for e in events] == ["view", "correct", "correct"]
    assert events[0].actor == "officer"
    assert events[-1].details == {"fields": "phone", "accepted": True, "errors": 0}


def test_a_correction_is_applied_again_when_the_same_wrong_row_comes_back(
    uow_factory: UowFactory, write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    organisations(uow_factory, ORG)
    run(uow_factory, write_csv([HEADER, AHMAD, ZARGHONA]))
    (entry,) = list_quarantine(uow_factory())
    correct_quarantined(
        uow_factory(), entry.id, {"date_of_birth": "1985", "phone": ""}, actor="test", now=NOW
    )
    (tmp_path / "list.csv").unlink()

    again = run(uow_factory, write_csv([HEADER, AHMAD, ZARGHONA, FARID]))

    assert (again.reapplied, again.quarantined, again.new, again.unchanged) == (1, 0, 1, 2)
    assert again.withdrawn == 0
    assert list_quarantine(uow_factory()) == []


def test_a_row_still_wrong_in_a_new_version_is_quarantined_again_not_resolved(
    uow_factory: UowFactory, write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    organisations(uow_factory, ORG)
    run(uow_factory, write_csv([HEADER, AHMAD, ZARGHONA]))
    (tmp_path / "list.csv").unlink()

    again = run(uow_factory, write_csv([HEADER, ZARGHONA, AHMAD]))

    assert (again.quarantined, again.quarantine_replaced, again.quarantine_resolved) == (1, 1, 0)
    (entry,) = list_quarantine(uow_factory())
    assert entry.file_id == again.file.id
    assert entry.row == 2


def test_a_correction_to_an_unknown_field_or_row_is_refused(
    uow_factory: UowFactory, write_csv: Callable[..., Path]
) -> None:
    organisations(uow_factory, ORG)
    run(uow_factory, write_csv([HEADER, ZARGHONA]))
    (entry,) = list_quarantine(uow_factory())
    with pytest.raises(InvalidInput, match="unknown field colour"):
        correct_quarantined(uow_factory(), entry.id, {"colour": "x"}, actor="t", now=NOW)
    with pytest.raises(NotFound, match="quarantined row"):
        correct_quarantined(uow_factory(), uuid.uuid4(), {"phone": ""}, actor="t", now=NOW)


def test_an_unknown_organisation_imports_nothing(
    uow_factory: UowFactory, write_csv: Callable[..., Path]
) -> None:
    with pytest.raises(NotFound, match="organisation nobody not found"):
        run(uow_factory, write_csv([HEADER, AHMAD]), organisation="nobody")
    with uow_factory() as uow:
        assert uow.intake.files() == []


# -- shredding -----------------------------------------------------------------------------------


def test_shredding_an_import_makes_its_records_and_quarantine_unreadable(
    uow_factory: UowFactory, write_csv: Callable[..., Path], engine: Engine
) -> None:
    organisations(uow_factory, ORG, "herat-aid")
    outcome = run(uow_factory, write_csv([HEADER, AHMAD, MARYAM, ZARGHONA]))
    run(uow_factory, write_csv([HEADER, JAWID], name="herat.csv"), organisation="herat-aid")
    (entry,) = list_quarantine(uow_factory(), ORG)

    shredded = shred_imported_file(
        uow_factory(), outcome.file.id, actor="test", now=NOW, reason_code="site-evacuated"
    )

    assert shredded == 3
    assert [s.record.source_id for s in records(uow_factory)] == ["K-3"]
    with uow_factory() as uow:
        assert uow.intake.find_by_document("1400-0101-12345") == []
        assert uow.intake.find_by_phone("+93700123456") == []
        with pytest.raises(DataShredded):
            uow.intake.open_quarantined(entry.id)
    with engine.connect() as connection:
        keys = connection.execute(
            select(IntakeRecordRow.wrapped_key).where(IntakeRecordRow.file_id == outcome.file.id)
        ).scalars()
        assert list(keys) == [None, None]


def test_a_search_by_document_or_phone_reads_the_records_found_and_never_a_shredded_one(
    uow_factory: UowFactory, write_csv: Callable[..., Path]
) -> None:
    organisations(uow_factory, ORG, "herat-aid")
    outcome = run(uow_factory, write_csv([HEADER, AHMAD, MARYAM]))
    run(uow_factory, write_csv([HEADER, FARID], name="herat.csv"), organisation="herat-aid")

    def found(text: str) -> list[str]:
        hits = search_records(uow_factory(), text, actor="user:officer", now=NOW)
        return [hit.record.source_id for hit in hits]

    assert found("1400-0101-12345") == ["K-1"]
    assert found("+93 799 123 456") == ["K-2"]
    assert found("rahimi farid") == ["K-5"]
    shred_imported_file(
        uow_factory(), outcome.file.id, actor="test", now=NOW, reason_code="site-evacuated"
    )
    assert found("1400-0101-12345") == []
    assert found("0799 123 456") == []
    assert found("0788 555 111") == ["K-5"]
