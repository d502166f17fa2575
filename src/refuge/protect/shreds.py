"""The shred list: a file beside the key file naming every shredded household and when, kept
apart from the database so a restored older backup can be shredded again. Each line carries an
HMAC under a key derived from the key-encryption key, so a line cannot be forged or altered
unseen; lines are only ever appended."""

from __future__ import annotations

import datetime as dt
import hmac
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from refuge.domain.errors import AuditChainBroken, KeyUnavailable
from refuge.protect.keys import KeyEncryptionKey

__all__ = ["ShredEntry", "ShredList", "shred_list_path"]

_SUFFIX = ".shredded"


def shred_list_path(key_file: Path) -> Path:
    return key_file.with_name(key_file.name + _SUFFIX)


@dataclass(frozen=True, slots=True)
class ShredEntry:
    household_id: uuid.UUID
    shredded_at: dt.datetime


class ShredList:
    def __init__(self, path: Path, kek: KeyEncryptionKey) -> None:
        self.path = path
        self._key = kek.subkey("shred-list")

    def _mac(self, body: str) -> str:
        return hmac.new(self._key, body.encode(), "sha256").hexdigest()

    def append(self, household_id: uuid.UUID, shredded_at: dt.datetime | None = None) -> None:
        """Add a line and make it durable before the shred commits: a shred the list missed
        would come back with the next restore."""
        shredded_at = shredded_at or dt.datetime.now(dt.UTC)
        body = f"{household_id} {shredded_at.astimezone(dt.UTC).isoformat()}"
        line = f"{body} {self._mac(body)}\n".encode()
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise KeyUnavailable(f"shred list {self.path} cannot be written") from exc

    def entries(self) -> list[ShredEntry]:
        """Every entry; refuses the whole list if any line was altered (AuditChainBroken)."""
        try:
            text = self.path.read_text(encoding="ascii")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyUnavailable(f"shred list {self.path} cannot be read") from exc
        found: list[ShredEntry] = []
        for number, line in enumerate(text.splitlines(), start=1):
            parts = line.split(" ")
            body = " ".join(parts[:2])
            if len(parts) != 3 or not hmac.compare_digest(parts[2], self._mac(body)):
                raise AuditChainBroken(f"shred list {self.path}, line {number}: altered")
            try:
                found.append(ShredEntry(uuid.UUID(parts[0]), dt.datetime.fromisoformat(parts[1])))
            except ValueError as exc:
                raise AuditChainBroken(f"shred list {self.path}, line {number}: damaged") from exc
        return found
