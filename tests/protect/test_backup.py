"""The sealed backup format, the shred list and destroying key files."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.domain import AuditChainBroken, DecryptionFailed, KeyUnavailable
from refuge.protect import (
    BackupHeader,
    KeyEncryptionKey,
    ShredList,
    create_key_file,
    destroy_file,
    load_key_file,
    open_backup,
    seal_backup,
)

KEK = KeyEncryptionKey.generate()
HEADER = BackupHeader("sqlite", dt.datetime(2021, 8, 20, 9, 30, tzinfo=dt.UTC), "0001")
# Two full chunks and a part: chunk boundaries are exercised.
PLAIN = bytes(range(256)) * (9 * 1024)


def _sealed(plain: bytes = PLAIN, kek: KeyEncryptionKey = KEK) -> bytes:
    out = io.BytesIO()
    seal_backup(kek, HEADER, io.BytesIO(plain), out)
    return out.getvalue()


def test_what_is_sealed_opens_unchanged_with_its_header_and_manifest() -> None:
    out = io.BytesIO()
    header, manifest = open_backup(KEK, io.BytesIO(_sealed()), out)
    assert out.getvalue() == PLAIN
    assert header == HEADER
    assert (manifest.size, manifest.chunks) == (len(PLAIN), 3)


def test_the_plaintext_does_not_appear_in_the_backup() -> None:
    marker = b"Qaderyar Wahidullah P0000001"
    assert marker not in _sealed(marker * 100)


def test_an_empty_dump_round_trips() -> None:
    out = io.BytesIO()
    _, manifest = open_backup(KEK, io.BytesIO(_sealed(b"")), out)
    assert (out.getvalue(), manifest.chunks) == (b"", 0)


SMALL = _sealed(b"x" * 3000)


@settings(max_examples=60, deadline=None)
@given(position=st.integers(min_value=0), bit=st.integers(min_value=0, max_value=7))
def test_any_flipped_bit_is_refused(position: int, bit: int) -> None:
    data = bytearray(SMALL)
    data[position % len(data)] ^= 1 << bit
    with pytest.raises((DecryptionFailed, KeyUnavailable)):
        open_backup(KEK, io.BytesIO(bytes(data)), None)


@pytest.mark.parametrize("cut", [1, 17, 1024])
def test_a_cut_backup_is_refused(cut: int) -> None:
    with pytest.raises(DecryptionFailed):
        open_backup(KEK, io.BytesIO(_sealed()[:-cut]), None)


def test_a_dropped_chunk_is_refused() -> None:
    data = _sealed()
    # Drop the first data chunk: the next one no longer decrypts as chunk 0.
    start = data.index(b"}", 8) + 1
    length = int.from_bytes(data[start : start + 4], "big")
    with pytest.raises(DecryptionFailed):
        open_backup(KEK, io.BytesIO(data[:start] + data[start + 4 + length :]), None)


def test_a_backup_does_not_open_under_another_key() -> None:
    with pytest.raises(KeyUnavailable):
        open_backup(KeyEncryptionKey.generate(), io.BytesIO(_sealed()), None)


def test_a_file_that_is_not_a_backup_is_refused() -> None:
    with pytest.raises(DecryptionFailed, match="not a Refuge backup"):
        open_backup(KEK, io.BytesIO(b"SQLite format 3\x00" + bytes(100)), None)


def test_the_shred_list_reads_back_what_was_appended(tmp_path: Path) -> None:
    shreds = ShredList(tmp_path / "kek.key.shredded", KEK)
    ids = [uuid.uuid4(), uuid.uuid4()]
    for household_id in ids:
        shreds.append(household_id)
    assert [entry.household_id for entry in shreds.entries()] == ids
    assert (tmp_path / "kek.key.shredded").stat().st_mode & 0o777 == 0o600


def test_an_altered_shred_list_line_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kek.key.shredded"
    ShredList(path, KEK).append(uuid.UUID(int=1))
    text = path.read_text()
    path.write_text(text.replace(str(uuid.UUID(int=1)), str(uuid.UUID(int=2))))
    with pytest.raises(AuditChainBroken, match="line 1"):
        ShredList(path, KEK).entries()


def test_a_shred_list_under_another_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kek.key.shredded"
    ShredList(path, KEK).append(uuid.uuid4())
    with pytest.raises(AuditChainBroken):
        ShredList(path, KeyEncryptionKey.generate()).entries()


def test_a_destroyed_key_file_is_gone_and_cannot_be_loaded(tmp_path: Path) -> None:
    path = tmp_path / "kek.key"
    create_key_file(path)
    assert destroy_file(path) is True
    assert not path.exists()
    with pytest.raises(KeyUnavailable):
        load_key_file(path)
    assert destroy_file(path) is False
