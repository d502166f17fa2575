"""Keys: the key-encryption key (KEK) kept in a file outside the database, and the per-household
data keys it wraps.

Every personal field is encrypted under its household's data key; the data key is stored only
wrapped by the KEK. Destroying a household's wrapped data key (crypto-shredding) makes that
household's fields unreadable for good; destroying the KEK does the same for everyone.
"""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from refuge.domain.errors import AlreadyExists, DecryptionFailed, KeyUnavailable

__all__ = ["KeyEncryptionKey", "create_key_file", "load_key_file"]

_KEY_FILE_HEADER = "refuge-kek-v1:"
_NONCE = 12
_TAG = 16


class KeyEncryptionKey:
    """The operation's master key. Never stored in the database; only `kek_id` is."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) != 32:
            raise KeyUnavailable("the key-encryption key must be 32 bytes")
        self._aead = AESGCM(secret)
        self._secret = secret
        self.kek_id = hashlib.sha256(b"refuge kek id" + secret).hexdigest()[:16]

    @classmethod
    def generate(cls) -> KeyEncryptionKey:
        return cls(AESGCM.generate_key(bit_length=256))

    def subkey(self, purpose: str) -> bytes:
        """A key for one purpose (blind index, audit chain); none reveals another or the KEK."""
        return HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=f"refuge/{purpose}".encode()
        ).derive(self._secret)

    def wrap(self, data_key: bytes, household_id: uuid.UUID) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, data_key, household_id.bytes)

    def unwrap(self, wrapped: bytes, household_id: uuid.UUID) -> bytes:
        # A value cut short would reach AESGCM with a nonce it rejects with ValueError.
        if len(wrapped) < _NONCE + _TAG:
            raise DecryptionFailed(f"household {household_id}: wrapped data key is truncated")
        try:
            return self._aead.decrypt(wrapped[:_NONCE], wrapped[_NONCE:], household_id.bytes)
        except InvalidTag as exc:
            raise DecryptionFailed(
                f"household {household_id}: data key does not open with this key-encryption key"
            ) from exc

    def export(self) -> str:
        return _KEY_FILE_HEADER + base64.b64encode(self._secret).decode()


def create_key_file(path: Path) -> KeyEncryptionKey:
    """Write a new KEK to `path`, readable by its owner only. Refuses to overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = KeyEncryptionKey.generate()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise AlreadyExists(f"key file {path} exists already; refusing to replace it") from exc
    try:
        with os.fdopen(fd, "w") as out:
            out.write(key.export() + "\n")
            out.flush()
            # Everything encrypted under this key is lost with it: make it durable before use.
            os.fsync(out.fileno())
    except OSError as exc:
        # A half-written file would block a retry (never overwritten) and load as damaged.
        path.unlink(missing_ok=True)
        raise KeyUnavailable(f"key file {path} could not be written") from exc
    return key


def load_key_file(path: Path) -> KeyEncryptionKey:
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise KeyUnavailable(
            f"key file {path} cannot be read; run `refuge init` or set REFUGE_KEY_FILE"
        ) from exc
    try:
        text = content.decode("ascii").strip()
    except UnicodeDecodeError as exc:
        raise KeyUnavailable(f"key file {path} is not a Refuge key file") from exc
    if not text.startswith(_KEY_FILE_HEADER):
        raise KeyUnavailable(f"key file {path} is not a Refuge key file")
    try:
        secret = base64.b64decode(text[len(_KEY_FILE_HEADER) :], validate=True)
    except ValueError as exc:
        raise KeyUnavailable(f"key file {path} is damaged") from exc
    # Checked here, not only in KeyEncryptionKey, so the message says which file is damaged.
    if len(secret) != 32:
        raise KeyUnavailable(f"key file {path} is damaged: it does not hold a 32-byte key")
    return KeyEncryptionKey(secret)
