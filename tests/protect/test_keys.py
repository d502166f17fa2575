"""The key-encryption key file and the household data keys it wraps."""

from __future__ import annotations

import base64
import errno
import stat
import uuid
from pathlib import Path

import pytest

import refuge.protect.keys
from refuge.domain import AlreadyExists, DecryptionFailed, KeyUnavailable
from refuge.protect import DataKey, KeyEncryptionKey, create_key_file, load_key_file

HOUSEHOLD = uuid.UUID("5b1f7e0c-6c0a-4a55-9d7e-3f1f2b8c9a10")
OTHER_HOUSEHOLD = uuid.UUID("0c2d1a9e-8f3b-4e61-a1d2-77e5c4b3f201")


def test_a_new_key_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "refuge.kek"
    create_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_key_file_reads_back_as_the_same_key(tmp_path: Path) -> None:
    path = tmp_path / "refuge.kek"
    created = create_key_file(path)
    loaded = load_key_file(path)
    assert loaded.kek_id == created.kek_id
    data_key = DataKey.generate().secret
    assert loaded.unwrap(created.wrap(data_key, HOUSEHOLD), HOUSEHOLD) == data_key
    assert loaded.subkey("audit") == created.subkey("audit")


def test_each_new_key_file_holds_a_different_key(tmp_path: Path) -> None:
    first = create_key_file(tmp_path / "one.kek")
    second = create_key_file(tmp_path / "two.kek")
    assert first.kek_id != second.kek_id


def test_an_existing_key_file_is_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "refuge.kek"
    original = create_key_file(path)
    content = path.read_bytes()
    with pytest.raises(AlreadyExists, match=str(path)):
        create_key_file(path)
    assert path.read_bytes() == content
    assert load_key_file(path).kek_id == original.kek_id


def test_a_key_file_that_could_not_be_written_is_not_left_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "refuge.kek"

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(refuge.protect.keys.os, "fsync", disk_full)
    with pytest.raises(KeyUnavailable, match=str(path)):
        create_key_file(path)
    assert not path.exists()
    monkeypatch.undo()
    created = create_key_file(path)
    assert load_key_file(path).kek_id == created.kek_id


def test_a_missing_key_file_is_reported_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "refuge.kek"
    with pytest.raises(KeyUnavailable, match=str(path)) as refused:
        load_key_file(path)
    assert refused.value.code == "key_unavailable"


def test_a_directory_in_place_of_the_key_file_is_reported_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(KeyUnavailable, match=str(tmp_path)):
        load_key_file(tmp_path)


def _damaged_contents() -> list[tuple[str, bytes]]:
    secret = bytes(range(32))
    good = b"refuge-kek-v1:" + base64.b64encode(secret)
    return [
        ("empty", b""),
        ("not ours", b"-----BEGIN PRIVATE KEY-----\nMIIE\n"),
        ("no header", base64.b64encode(secret)),
        ("not base64", b"refuge-kek-v1:not*base64*at*all"),
        ("truncated", good[:30]),
        ("short key", b"refuge-kek-v1:" + base64.b64encode(secret[:16])),
        ("long key", b"refuge-kek-v1:" + base64.b64encode(secret + b"x")),
        ("binary", b"\xff\xfe\x00\x81" * 16),
    ]


@pytest.mark.parametrize(
    "content", [c for _, c in _damaged_contents()], ids=[n for n, _ in _damaged_contents()]
)
def test_a_damaged_key_file_is_reported_with_its_path(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "refuge.kek"
    path.write_bytes(content)
    with pytest.raises(KeyUnavailable, match=str(path)) as refused:
        load_key_file(path)
    assert "AAECAwQF" not in str(refused.value)  # the key's own text is never echoed


def test_the_key_file_holds_the_key_the_program_uses(tmp_path: Path) -> None:
    path = tmp_path / "refuge.kek"
    path.write_text("refuge-kek-v1:" + base64.b64encode(bytes(range(32))).decode() + "\n")
    assert load_key_file(path).kek_id == KeyEncryptionKey(bytes(range(32))).kek_id


@pytest.mark.parametrize("length", [0, 16, 31, 33, 64])
def test_a_key_of_the_wrong_length_is_refused(length: int) -> None:
    with pytest.raises(KeyUnavailable, match="32 bytes"):
        KeyEncryptionKey(b"k" * length)


def test_subkeys_differ_per_purpose_and_from_the_key_itself() -> None:
    kek = KeyEncryptionKey(bytes(range(32)))
    purposes = ["blind-index", "audit", "boarding-pass", "applicant-secret"]
    subkeys = [kek.subkey(purpose) for purpose in purposes]
    assert all(len(key) == 32 for key in subkeys)
    assert len(set(subkeys)) == len(purposes)
    assert bytes(range(32)) not in subkeys
    assert all(bytes(range(32)) not in key for key in subkeys)


def test_a_subkey_is_the_same_each_time_and_differs_between_keys() -> None:
    kek = KeyEncryptionKey(bytes(range(32)))
    assert kek.subkey("audit") == kek.subkey("audit")
    assert KeyEncryptionKey.generate().subkey("audit") != kek.subkey("audit")


def test_a_wrapped_data_key_unwraps_to_itself() -> None:
    kek = KeyEncryptionKey.generate()
    data_key = DataKey.generate().secret
    wrapped = kek.wrap(data_key, HOUSEHOLD)
    assert data_key not in wrapped
    assert kek.unwrap(wrapped, HOUSEHOLD) == data_key


def test_wrapping_twice_gives_different_bytes() -> None:
    kek = KeyEncryptionKey.generate()
    data_key = DataKey.generate().secret
    assert kek.wrap(data_key, HOUSEHOLD) != kek.wrap(data_key, HOUSEHOLD)


def test_a_data_key_does_not_unwrap_under_another_key_encryption_key() -> None:
    wrapped = KeyEncryptionKey.generate().wrap(DataKey.generate().secret, HOUSEHOLD)
    with pytest.raises(DecryptionFailed, match=str(HOUSEHOLD)) as refused:
        KeyEncryptionKey.generate().unwrap(wrapped, HOUSEHOLD)
    assert refused.value.code == "decryption_failed"


def test_a_data_key_does_not_unwrap_for_another_household() -> None:
    kek = KeyEncryptionKey.generate()
    wrapped = kek.wrap(DataKey.generate().secret, HOUSEHOLD)
    with pytest.raises(DecryptionFailed, match=str(OTHER_HOUSEHOLD)):
        kek.unwrap(wrapped, OTHER_HOUSEHOLD)


@pytest.mark.parametrize("keep", [0, 5, 12, 27, 59])
def test_a_truncated_wrapped_key_fails_as_a_decryption_failure(keep: int) -> None:
    kek = KeyEncryptionKey.generate()
    wrapped = kek.wrap(DataKey.generate().secret, HOUSEHOLD)
    with pytest.raises(DecryptionFailed, match=str(HOUSEHOLD)):
        kek.unwrap(wrapped[:keep], HOUSEHOLD)


def test_a_wrapped_key_with_any_byte_flipped_does_not_unwrap() -> None:
    kek = KeyEncryptionKey.generate()
    wrapped = kek.wrap(DataKey.generate().secret, HOUSEHOLD)
    for index in range(len(wrapped)):
        altered = bytearray(wrapped)
        altered[index] ^= 0x01
        with pytest.raises(DecryptionFailed):
            kek.unwrap(bytes(altered), HOUSEHOLD)
