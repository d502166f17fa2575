"""The backup file format: a database dump sealed with AES-GCM in numbered chunks under a key
derived from the key-encryption key, so a backup opens only where that key is.

Layout: magic, a length-prefixed JSON header (format version, database kind, created at, schema
revision, KEK id, salt, nonce prefix), then length-prefixed chunks. Every chunk's associated data
binds the header's digest, the chunk's index and whether it is the last, so a changed header, a
changed, dropped, reordered or appended chunk is refused. The last chunk is the manifest: the
plaintext's sha256, its size and the number of data chunks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import struct
from dataclasses import dataclass
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from refuge.domain.errors import DecryptionFailed, KeyUnavailable
from refuge.protect.keys import KeyEncryptionKey

__all__ = ["BACKUP_FORMAT", "BackupHeader", "BackupManifest", "open_backup", "seal_backup"]

BACKUP_FORMAT = 1
_MAGIC = b"RFGBKP\x00\x01"
_CHUNK = 1 << 20
_LENGTH = struct.Struct(">I")
_MAX_HEADER = 64 * 1024
_TAG = 16


@dataclass(frozen=True, slots=True)
class BackupHeader:
    database_kind: str  # "sqlite" or "postgresql"
    created_at: dt.datetime
    schema_revision: str
    format_version: int = BACKUP_FORMAT


@dataclass(frozen=True, slots=True)
class BackupManifest:
    sha256: str
    size: int
    chunks: int


def _file_key(kek: KeyEncryptionKey, salt: bytes) -> AESGCM:
    # A fresh salt per file gives each backup its own key: nonces never repeat across files.
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"refuge/backup-file").derive(
        kek.subkey("backup")
    )
    return AESGCM(key)


def _aad(header_digest: bytes, index: int, last: bool) -> bytes:
    return header_digest + struct.pack(">Q?", index, last)


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def seal_backup(
    kek: KeyEncryptionKey, header: BackupHeader, source: IO[bytes], out: IO[bytes]
) -> BackupManifest:
    """Encrypt everything `source` yields into `out`, streaming; returns the sealed manifest."""
    salt = os.urandom(16)
    prefix = os.urandom(8)
    header_bytes = json.dumps(
        {
            "format_version": header.format_version,
            "database_kind": header.database_kind,
            "created_at": header.created_at.isoformat(),
            "schema_revision": header.schema_revision,
            "kek_id": kek.kek_id,
            "salt": salt.hex(),
            "nonce_prefix": prefix.hex(),
        },
        sort_keys=True,
    ).encode()
    digest = hashlib.sha256(header_bytes).digest()
    aead = _file_key(kek, salt)
    out.write(_MAGIC + _LENGTH.pack(len(header_bytes)) + header_bytes)
    plain = hashlib.sha256()
    size = 0
    index = 0
    while block := source.read(_CHUNK):
        plain.update(block)
        size += len(block)
        sealed = aead.encrypt(_nonce(prefix, index), block, _aad(digest, index, last=False))
        out.write(_LENGTH.pack(len(sealed)) + sealed)
        index += 1
    manifest = BackupManifest(sha256=plain.hexdigest(), size=size, chunks=index)
    body = json.dumps({"sha256": manifest.sha256, "size": size, "chunks": index}).encode()
    sealed = aead.encrypt(_nonce(prefix, index), body, _aad(digest, index, last=True))
    out.write(_LENGTH.pack(len(sealed)) + sealed)
    return manifest


def _read_exact(source: IO[bytes], count: int, name: str) -> bytes:
    data = source.read(count)
    if len(data) != count:
        raise DecryptionFailed(f"backup {name} is truncated")
    return data


def open_backup(
    kek: KeyEncryptionKey, source: IO[bytes], out: IO[bytes] | None, *, name: str = "file"
) -> tuple[BackupHeader, BackupManifest]:
    """Decrypt and check a backup, writing the plaintext to `out` (or nowhere, to verify only).

    Raises DecryptionFailed if any byte was changed, cut or added, and KeyUnavailable if the
    backup was made under another key-encryption key. Callers must not use what was written to
    `out` unless this returns.
    """
    if source.read(len(_MAGIC)) != _MAGIC:
        raise DecryptionFailed(f"backup {name} is not a Refuge backup (format {BACKUP_FORMAT})")
    (length,) = _LENGTH.unpack(_read_exact(source, _LENGTH.size, name))
    if length > _MAX_HEADER:
        raise DecryptionFailed(f"backup {name} has a damaged header")
    header_bytes = _read_exact(source, length, name)
    try:
        fields = json.loads(header_bytes)
        header = BackupHeader(
            database_kind=str(fields["database_kind"]),
            created_at=dt.datetime.fromisoformat(fields["created_at"]),
            schema_revision=str(fields["schema_revision"]),
            format_version=int(fields["format_version"]),
        )
        kek_id = str(fields["kek_id"])
        salt = bytes.fromhex(fields["salt"])
        prefix = bytes.fromhex(fields["nonce_prefix"])
    except (ValueError, KeyError, TypeError) as exc:
        raise DecryptionFailed(f"backup {name} has a damaged header") from exc
    if header.format_version != BACKUP_FORMAT or len(prefix) != 8:
        raise DecryptionFailed(f"backup {name} has an unknown format version")
    if kek_id != kek.kek_id:
        raise KeyUnavailable(
            f"backup {name} was made under key-encryption key {kek_id}, not the loaded key "
            f"{kek.kek_id}"
        )
    digest = hashlib.sha256(header_bytes).digest()
    aead = _file_key(kek, salt)
    plain = hashlib.sha256()
    size = 0
    index = 0
    pending: bytes | None = None  # a chunk is the manifest only if nothing follows it
    while True:
        prefix_bytes = source.read(_LENGTH.size)
        if not prefix_bytes:
            break
        if len(prefix_bytes) != _LENGTH.size:
            raise DecryptionFailed(f"backup {name} is truncated")
        (length,) = _LENGTH.unpack(prefix_bytes)
        if length > _CHUNK + _TAG:
            raise DecryptionFailed(f"backup {name}: chunk {index} is damaged")
        if pending is not None:
            block = _decrypt(aead, prefix, digest, index, pending, last=False, name=name)
            plain.update(block)
            size += len(block)
            if out is not None:
                out.write(block)
            index += 1
        pending = _read_exact(source, length, name)
    if pending is None:
        raise DecryptionFailed(f"backup {name} is truncated")
    body = _decrypt(aead, prefix, digest, index, pending, last=True, name=name)
    try:
        summary = json.loads(body)
        manifest = BackupManifest(
            sha256=str(summary["sha256"]), size=int(summary["size"]), chunks=int(summary["chunks"])
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise DecryptionFailed(f"backup {name} has a damaged manifest") from exc
    if (manifest.chunks, manifest.size, manifest.sha256) != (index, size, plain.hexdigest()):
        raise DecryptionFailed(f"backup {name} does not match its manifest")
    return header, manifest


def _decrypt(
    aead: AESGCM,
    prefix: bytes,
    digest: bytes,
    index: int,
    sealed: bytes,
    *,
    last: bool,
    name: str,
) -> bytes:
    try:
        return aead.decrypt(_nonce(prefix, index), sealed, _aad(digest, index, last))
    except InvalidTag as exc:
        raise DecryptionFailed(
            f"backup {name}: chunk {index} was altered, reordered or cut"
        ) from exc
