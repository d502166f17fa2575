"""Re-import keys: a stable identity per (organisation, source row) and a digest of what the row
says, so that a caller importing a corrected list can tell new, changed and unchanged rows.

Both are keyed HMACs: they are stored beside encrypted data and, unkeyed, a digest of a name and
a date of birth could be tested against guesses.

Also the shape of a record sealed for storage ahead of storing it (`SealedRecord`, made by the
store's `Sealer`): a list read in a process of its own may seal records there while the storing
process is behind.
"""

from __future__ import annotations

import enum
import hmac
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from json.encoder import (  # type: ignore[attr-defined]  # c_make_encoder: json's own C encoder
    JSONEncoder,
    c_make_encoder,
    encode_basestring,
)
from typing import Final

from refuge.domain.errors import InvalidConfiguration
from refuge.domain.frozen import quick_init
from refuge.intake.records import IntakeRecord
from refuge.protect import KeyedDigest

__all__ = [
    "Change",
    "RecordKey",
    "RecordKeys",
    "SealedRecord",
    "Sealer",
    "content_material",
    "content_values",
    "identity_material",
    "identity_values",
    "json_text",
]

# json.dumps builds a new encoder, and a new C encoder inside it, on every call: a third of the
# time it takes for a record's small values. One made once gives the same text.
_ENCODE: Final = (
    c_make_encoder(
        None, JSONEncoder().default, encode_basestring, None, ": ", ", ", False, False, True
    )
    if c_make_encoder is not None
    else None
)


def json_text(value: object) -> str:
    """`json.dumps(value, ensure_ascii=False)`, for values without reference cycles."""
    if _ENCODE is None:
        return json.dumps(value, ensure_ascii=False)
    return "".join(_ENCODE(value, 0))


class Change(enum.StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@quick_init
@dataclass(frozen=True, slots=True)
class RecordKey:
    """`identity` names the source row across versions of a list; `content` what it says;
    `basis` which fields the identity rests on (source_id, tazkira, passport or name)."""

    identity: str
    content: str
    basis: str


@quick_init
@dataclass(frozen=True, slots=True)
class SealedRecord:
    """A record's protected form, made for a record id before it is stored: its data key
    wrapped by the KEK (`kek_id`), its personal values as one AES-GCM ciphertext bound to `id`,
    and the blind-index digests of its numbers as (kind, position, digest). Nothing in clear
    that the stored record would not show."""

    id: uuid.UUID
    kek_id: str
    wrapped_key: bytes
    fields: bytes
    identifiers: tuple[tuple[str, int, str], ...]


# Seals a record under a new record id: the store's, which alone holds the keys (see
# IntakeRepository.sealer). Only what it seals under the id that is then stored is used.
Sealer = Callable[[IntakeRecord], SealedRecord]


def identity_material(record: IntakeRecord) -> tuple[str, bytes]:
    """What identifies the row within its organisation's lists, strongest first: the
    organisation's own id, a tazkira, a passport, else name, father's name, year of birth and
    household. (Row numbers are not identity: a corrected list may insert rows.)"""
    values = identity_values(record)
    return values[1], json_text(values).encode()


def identity_values(record: IntakeRecord) -> tuple[str, ...]:
    """(organisation, basis, *parts): what `identity_material` is made of, as a tuple that
    compares and hashes equal exactly when the materials do."""
    organisation = record.provenance.organisation
    if record.source_id:
        return (organisation, "source_id", record.source_id)
    if record.tazkira_number:
        return (organisation, "tazkira", record.tazkira_number)
    if record.passport_number:
        return (organisation, "passport", record.passport_number)
    father = record.father_name.romanised if record.father_name else ""
    return (
        organisation,
        "name",
        record.name.given_romanised.casefold(),
        record.name.family_romanised.casefold(),
        father.casefold(),
        # The year only: corrections most often make a date more precise, not another year.
        str(record.date_of_birth.year or ""),
        record.household_reference or "",
    )


def content_material(record: IntakeRecord) -> bytes:
    """Every normalised value of the record, in a fixed order; provenance left out, so the same
    values on another row number or in another file give the same material."""
    return json_text(content_values(record)).encode()


def content_values(record: IntakeRecord) -> tuple[object, ...]:
    """What `content_material` is made of, as nested tuples that compare and hash equal exactly
    when the materials do (JSON writes a tuple as the array a list would give)."""
    name = record.name
    father = record.father_name
    return (
        record.provenance.organisation,
        (name.given, name.family, name.script.value, name.given_romanised, name.family_romanised),
        (father.written, father.romanised) if father else None,
        record.date_of_birth.iso(),
        record.sex.value,
        record.nationalities,
        record.passport_number,
        record.tazkira_number,
        record.phones,
        record.household_reference,
        record.relationship.value if record.relationship else None,
        record.program_hint,
        record.notes,
        record.source_id,
        record.unmapped,
    )


class RecordKeys:
    """Keyed digests of records. `secret` comes from the key store (a sub-key of the
    key-encryption key set aside for this purpose)."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise InvalidConfiguration("a record key secret needs at least 16 bytes")
        self._digests = KeyedDigest(secret)

    def _digest(self, kind: bytes, material: bytes) -> str:
        return self._digests.hex(kind + b"\x00" + material)

    def key(self, record: IntakeRecord) -> RecordKey:
        return self.key_of(identity_values(record), content_values(record))

    def key_of(self, identity: tuple[str, ...], content: tuple[object, ...]) -> RecordKey:
        """The key of the record whose `identity_values` and `content_values` these are."""
        return RecordKey(
            self._digest(b"identity", json_text(identity).encode()),
            self._digest(b"content", json_text(content).encode()),
            identity[1],
        )

    def change(self, record: IntakeRecord, known: Mapping[str, str]) -> Change:
        """How `record` compares with what was imported before (`known`: identity -> content)."""
        key = self.key(record)
        previous = known.get(key.identity)
        if previous is None:
            return Change.NEW
        return Change.UNCHANGED if hmac.compare_digest(previous, key.content) else Change.CHANGED
