"""Protection at rest: personal data only as ciphertext, crypto-shredding, keys that must match."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from refuge.domain import (
    DataShredded,
    DecryptionFailed,
    Household,
    KeyUnavailable,
    NotFound,
    Stage,
)
from refuge.protect import KeyEncryptionKey
from refuge.store import (
    SHREDDED_REASON,
    SqlUnitOfWork,
    make_engine,
    make_session_factory,
    migrate,
)

from .builders import NOW, ORGANISATION, PROGRAM, arabic_script_family, case_for, latin_family

UowFactory = Callable[[], SqlUnitOfWork]
REASON = "Farkhunda Qaderyar asked to withdraw"


def _personal_values(households: list[Household]) -> set[str]:
    values: set[str] = {REASON}
    for household in households:
        for member in household.members:
            person = member.person
            name = person.name
            values |= {name.given, name.family, name.given_romanised, name.family_romanised}
            values |= {doc.number for doc in person.documents} | set(person.phones)
            values |= {person.notes, person.date_of_birth.iso()} - {""}
    # A year alone ("2015") turns up by chance in the hex of the ids stored beside it; it is
    # encrypted like the rest but too short to look for.
    return {value for value in values if len(value.encode()) > 4}


def _load(uow_factory: UowFactory, households: list[Household]) -> list[str]:
    with uow_factory() as uow:
        uow.organisations.add(ORGANISATION)
        uow.programs.add(PROGRAM)
        uow.households.add_many(households)
        numbers = []
        for household in households:
            case = case_for(household, uow.cases.next_number())
            case.move_to(Stage.WITHDRAWN, actor="officer-1", at=NOW, reason=REASON)
            uow.cases.add(case)
            uow.audit.record(
                actor="officer-1",
                action="case.register",
                object_kind="case",
                object_id=case.number,
                at=NOW,
                details={"household": str(household.id)},
            )
            numbers.append(case.number)
        uow.commit()
    return numbers


def test_the_sqlite_files_hold_no_plaintext_personal_data(tmp_path: Path) -> None:
    path = tmp_path / "data" / "refuge.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    kek = KeyEncryptionKey.generate()
    households = [latin_family(), arabic_script_family(), latin_family()]
    values = _personal_values(households)
    factory = make_session_factory(engine)
    _load(lambda: SqlUnitOfWork(factory, kek), households)

    wal = path.with_name(path.name + "-wal")
    assert wal.exists()  # the data is still in the write-ahead log: check it as it is
    while_open = path.read_bytes() + wal.read_bytes()
    engine.dispose()
    closed = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")

    for blob in (while_open, closed):
        assert [v for v in values if v.encode() in blob] == []
    # The check can fail: identifiers that are stored in clear are found.
    assert households[0].principal.nationalities[0].encode() in closed
    assert str(households[0].id).replace("-", "").encode() in closed


def test_no_column_of_any_table_holds_plaintext_personal_data(
    uow_factory: UowFactory, engine: Engine
) -> None:
    households = [latin_family(), arabic_script_family()]
    values = _personal_values(households)
    _load(uow_factory, households)

    tables = ["households", "household_keys", "persons", "person_documents", "person_phones"]
    tables += ["cases", "case_transitions", "audit_events"]
    dumped = []
    with engine.connect() as connection:
        for table in tables:
            for row in connection.execute(text(f"SELECT * FROM {table}")):  # noqa: S608 - fixed names
                for value in row:
                    dumped.append(value if isinstance(value, bytes) else str(value).encode())
    blob = b"\x00".join(dumped)
    assert [v for v in values if v.encode() in blob] == []


def test_a_shredded_household_cannot_be_read_but_still_counts(uow_factory: UowFactory) -> None:
    shredded, kept = latin_family(), arabic_script_family()
    numbers = _load(uow_factory, [shredded, kept])
    document = shredded.principal.documents[0].number
    phone = shredded.principal.phones[0]

    with uow_factory() as uow:
        uow.households.shred(shredded.id)
        uow.commit()

    with uow_factory() as uow:
        with pytest.raises(DataShredded, match=str(shredded.id)):
            uow.households.get(shredded.id)
        assert uow.households.is_shredded(shredded.id)
        assert not uow.households.is_shredded(kept.id)
        assert uow.households.get(kept.id) == kept
        assert uow.households.count() == 2
        assert uow.households.count_people() == 5
        # The digests are gone too: the number no longer links to anyone.
        assert uow.households.find_by_document(document) == []
        assert uow.households.find_by_phone(phone) == []
        case = uow.cases.get(numbers[0])
        assert case.stage is Stage.WITHDRAWN
        assert case.history[-1].reason == SHREDDED_REASON
        assert uow.cases.get(numbers[1]).history[-1].reason == REASON
        assert len(list(uow.audit.events())) == 2
        assert uow.audit.verify() == []


def test_shredding_twice_or_an_unknown_household_is_refused(uow_factory: UowFactory) -> None:
    household = latin_family()
    _load(uow_factory, [household])
    with uow_factory() as uow:
        uow.households.shred(household.id)
        with pytest.raises(DataShredded):
            uow.households.shred(household.id)
    with uow_factory() as uow, pytest.raises(NotFound):
        uow.households.shred(latin_family().id)


def test_a_shredded_household_is_gone_from_the_sqlite_files(tmp_path: Path) -> None:
    path = tmp_path / "refuge.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    factory = make_session_factory(engine)
    kek = KeyEncryptionKey.generate()
    household = latin_family()
    _load(lambda: SqlUnitOfWork(factory, kek), [household])
    with engine.connect() as connection:
        wrapped = connection.execute(text("SELECT wrapped_key FROM household_keys")).scalar_one()
        digests = [r[0] for r in connection.execute(text("SELECT number_index FROM person_phones"))]
    assert wrapped
    assert digests

    with SqlUnitOfWork(factory, kek) as uow:
        uow.households.shred(household.id)
        uow.commit()
    engine.dispose()

    wal = path.with_name(path.name + "-wal")
    blob = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert wrapped not in blob
    assert [d for d in digests if d.encode() in blob] == []


def test_data_sealed_under_another_key_encryption_key_is_refused(
    uow_factory: UowFactory, engine: Engine
) -> None:
    household = latin_family()
    _load(uow_factory, [household])
    stranger = SqlUnitOfWork(make_session_factory(engine), KeyEncryptionKey.generate())

    with stranger as uow, pytest.raises(KeyUnavailable, match=str(household.id)):
        uow.households.get(household.id)


def test_a_ciphertext_copied_into_another_row_does_not_decrypt(
    uow_factory: UowFactory, engine: Engine
) -> None:
    household = latin_family()
    _load(uow_factory, [household])
    spouse = household.members[1].person.id.hex
    principal = household.principal.id.hex
    # Both people share the household key; only the binding to row and field stops the swap.
    with engine.begin() as connection:
        given = connection.execute(
            text("SELECT given_enc FROM persons WHERE replace(CAST(id AS TEXT), '-', '') = :id"),
            {"id": principal},
        ).scalar_one()
        connection.execute(
            text(
                "UPDATE persons SET given_enc = :g WHERE replace(CAST(id AS TEXT), '-', '') = :id"
            ),
            {"g": given, "id": spouse},
        )

    with uow_factory() as uow, pytest.raises(DecryptionFailed, match="person.given"):
        uow.households.get(household.id)


def test_times_come_back_as_aware_utc(uow_factory: UowFactory) -> None:
    household = latin_family()
    number = _load(uow_factory, [household])[0]
    kabul = dt.timezone(dt.timedelta(hours=4, minutes=30))
    with uow_factory() as uow:
        case = uow.cases.get(number)
        case.move_to(
            Stage.CLOSED,
            actor="officer-2",
            at=dt.datetime(2021, 8, 26, 17, 50, tzinfo=kabul),
            reason="done",
        )
        uow.cases.save(case)
        uow.commit()
    with uow_factory() as uow:
        closed = uow.cases.get(number).history[-1].at
    assert closed.tzinfo == dt.UTC
    assert closed == dt.datetime(2021, 8, 26, 13, 20, tzinfo=dt.UTC)
