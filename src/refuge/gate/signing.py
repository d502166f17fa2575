"""The operation's boarding-pass signing key on disk: a PEM file beside the key-encryption key,
created on first use, its private half encrypted under a passphrase derived from the KEK, so the
file alone signs nothing."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from refuge.domain.errors import KeyUnavailable
from refuge.gate.passes import dump_private_key, generate_pass_key, load_private_key
from refuge.protect import KeyEncryptionKey

__all__ = ["SIGNING_KEY_FILE", "load_or_create_signing_key", "signing_key_path"]

SIGNING_KEY_FILE = "pass-signing-key.pem"


def signing_key_path(kek_file: Path) -> Path:
    """Where the signing key lives: the KEK's own directory, which is kept off the database."""
    return kek_file.with_name(SIGNING_KEY_FILE)


def _passphrase(kek: KeyEncryptionKey) -> bytes:
    return kek.subkey("boarding-pass-signing-key").hex().encode("ascii")


def load_or_create_signing_key(path: Path, kek: KeyEncryptionKey) -> Ed25519PrivateKey:
    """Read the signing key at `path`, or create it (owner-readable only) if there is none."""
    try:
        pem = path.read_bytes()
    except FileNotFoundError:
        return _create(path, kek)
    except OSError as exc:
        raise KeyUnavailable(f"pass signing key file {path} cannot be read") from exc
    try:
        return load_private_key(pem, _passphrase(kek))
    except KeyUnavailable as exc:
        raise KeyUnavailable(
            f"pass signing key file {path} does not open with this key-encryption key"
        ) from exc


def _create(path: Path, kek: KeyEncryptionKey) -> Ed25519PrivateKey:
    key = generate_pass_key()
    pem = dump_private_key(key, _passphrase(kek))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process made it first: use theirs, or passes would be signed by two keys.
        return load_or_create_signing_key(path, kek)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise KeyUnavailable(f"pass signing key file {path} could not be written") from exc
    return key
