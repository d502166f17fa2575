"""Protection of personal data: envelope encryption, blind indexes, keys, crypto-shredding, the
hash-chained audit log, sealed backups, the shred list and the emergency purge."""

from refuge.protect.audit import (
    GENESIS,
    AuditChain,
    AuditEvent,
    AuditFinding,
    AuditProblem,
    Detail,
)
from refuge.protect.backup import BackupHeader, BackupManifest, open_backup, seal_backup
from refuge.protect.fields import BlindIndex, DataKey, KeyedDigest
from refuge.protect.keys import KeyEncryptionKey, create_key_file, load_key_file
from refuge.protect.purge import destroy_file
from refuge.protect.shreds import ShredEntry, ShredList, shred_list_path

__all__ = [
    "GENESIS",
    "AuditChain",
    "AuditEvent",
    "AuditFinding",
    "AuditProblem",
    "BackupHeader",
    "BackupManifest",
    "BlindIndex",
    "DataKey",
    "Detail",
    "KeyEncryptionKey",
    "KeyedDigest",
    "ShredEntry",
    "ShredList",
    "create_key_file",
    "destroy_file",
    "load_key_file",
    "open_backup",
    "seal_backup",
    "shred_list_path",
]
