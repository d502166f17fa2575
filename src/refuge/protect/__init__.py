"""Protection of personal data: envelope encryption, blind indexes, keys, crypto-shredding and the
hash-chained audit log."""

from refuge.protect.audit import (
    GENESIS,
    AuditChain,
    AuditEvent,
    AuditFinding,
    AuditProblem,
    Detail,
)
from refuge.protect.fields import BlindIndex, DataKey
from refuge.protect.keys import KeyEncryptionKey, create_key_file, load_key_file

__all__ = [
    "GENESIS",
    "AuditChain",
    "AuditEvent",
    "AuditFinding",
    "AuditProblem",
    "BlindIndex",
    "DataKey",
    "Detail",
    "KeyEncryptionKey",
    "create_key_file",
    "load_key_file",
]
