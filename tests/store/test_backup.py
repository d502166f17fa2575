"""Backups on both databases: what a backup holds comes back, a changed byte or another key is
refused, and households shredded after a backup stay shredded after restoring it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from refuge.domain import DataShredded, DecryptionFailed, Household, KeyUnavailable
from refuge.protect import KeyEncryptionKey, ShredList
from refuge.store import SqlUnitOfWork, make_session_factory
from refuge.store.backup import back_up, restore, verify_backup

from .builders import NOW, latin_family

Factory = Callable[[], SqlUnitOfWork]


def _store_two(uow_factory: Factory) -> tuple[Household, Household]:
    first, second = latin_family(), latin_family()
    with uow_factory() as uow:
        uow.households.add_many([first, second])
        for household in (first, second):
            uow.audit.record(
                actor="test",
                action="household.add",
                object_kind="household",
                object_id=str(household.id),
                at=NOW,
            )
        uow.commit()
    return first, second


def _shred(uow_factory: Factory, household_id: uuid.UUID, shreds: ShredList) -> None:
    with uow_factory() as uow:
        uow.households.shred(household_id)
        uow.commit()
    shreds.append(household_id)


def test_a_restored_backup_holds_the_same_households_and_an_intact_audit_chain(
    engine: Engine, kek: KeyEncryptionKey, uow_factory: Factory, tmp_path: Path
) -> None:
    first, second = _store_two(uow_factory)
    backup = tmp_path / "b.refuge"
    back_up(engine, kek, backup)
    with uow_factory() as uow:
        uow.households.shred(first.id)
        uow.commit()
    header, _ = verify_backup(kek, backup)
    assert header.database_kind == engine.dialect.name
    restore(engine, kek, backup, ShredList(tmp_path / "none.shredded", kek))
    with uow_factory() as uow:
        assert uow.households.get(first.id) == first
        assert uow.households.get(second.id) == second
        assert uow.audit.verify() == []
        assert sum(1 for _ in uow.audit.events()) == 2


def test_a_changed_byte_is_found_by_verify_and_refused_by_restore(
    engine: Engine, kek: KeyEncryptionKey, uow_factory: Factory, tmp_path: Path
) -> None:
    first, _ = _store_two(uow_factory)
    backup = tmp_path / "b.refuge"
    back_up(engine, kek, backup)
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    backup.write_bytes(bytes(data))
    with pytest.raises(DecryptionFailed):
        verify_backup(kek, backup)
    with uow_factory() as uow:
        uow.households.shred(first.id)
        uow.commit()
    with pytest.raises(DecryptionFailed):
        restore(engine, kek, backup, ShredList(tmp_path / "none.shredded", kek))
    with uow_factory() as uow, pytest.raises(DataShredded):
        uow.households.get(first.id)


def test_a_backup_does_not_open_under_another_key(
    engine: Engine, kek: KeyEncryptionKey, uow_factory: Factory, tmp_path: Path
) -> None:
    _store_two(uow_factory)
    backup = tmp_path / "b.refuge"
    back_up(engine, kek, backup)
    with pytest.raises(KeyUnavailable):
        verify_backup(KeyEncryptionKey.generate(), backup)


def test_a_household_shredded_after_the_backup_stays_shredded_after_restoring_it(
    engine: Engine, kek: KeyEncryptionKey, uow_factory: Factory, tmp_path: Path
) -> None:
    first, second = _store_two(uow_factory)
    backup = tmp_path / "b.refuge"
    back_up(engine, kek, backup)
    shreds = ShredList(tmp_path / "kek.key.shredded", kek)
    _shred(uow_factory, first.id, shreds)
    report = restore(engine, kek, backup, shreds)
    assert report.reshredded == [first.id]
    with SqlUnitOfWork(make_session_factory(engine), kek) as uow:
        with pytest.raises(DataShredded):
            uow.households.get(first.id)
        assert uow.households.get(second.id) == second
        assert uow.audit.verify() == []
        actions = [event.action for event in uow.audit.events()]
    assert actions[-1] == "household.shred"
