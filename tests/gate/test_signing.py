"""The boarding-pass signing key on disk: made once beside the KEK, sealed under it."""

from __future__ import annotations

from pathlib import Path

import pytest

from refuge.domain import KeyUnavailable
from refuge.gate import key_id, load_or_create_signing_key, signing_key_path
from refuge.protect import KeyEncryptionKey


def test_the_key_is_created_once_private_and_read_back_the_same(tmp_path: Path) -> None:
    kek = KeyEncryptionKey.generate()
    path = signing_key_path(tmp_path / "kek.key")
    assert path.parent == tmp_path
    first = load_or_create_signing_key(path, kek)
    assert path.stat().st_mode & 0o777 == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in path.read_bytes()
    assert key_id(load_or_create_signing_key(path, kek)) == key_id(first)


def test_the_key_file_does_not_open_without_its_kek(tmp_path: Path) -> None:
    path = tmp_path / "pass-signing-key.pem"
    load_or_create_signing_key(path, KeyEncryptionKey.generate())
    with pytest.raises(KeyUnavailable, match="pass-signing-key.pem"):
        load_or_create_signing_key(path, KeyEncryptionKey.generate())
