"""Every error Refuge raises on purpose, with a stable code and the HTTP status it maps to.

Messages name the file, row, field or case number involved, never a person's data: they end up
in logs, on terminals and in API responses.

    RefugeError
    ├── InvalidInput                 422  a value or a file does not meet the rules
    │   ├── InvalidField             422  one field of one record (file, row, field named)
    │   └── InvalidConfiguration     422  a settings value or data file is wrong
    ├── NotAuthenticated             401  no valid session or token, or a failed login
    ├── Forbidden                    403  the caller's role may not use this kind of resource
    ├── NotFound                     404  missing, or not visible to the caller (never tell which)
    ├── Conflict                     409  the request collides with the current state
    │   ├── IllegalTransition        409  the case pipeline forbids this move
    │   ├── StaleObject              409  saved from a stale copy (optimistic concurrency)
    │   └── AlreadyExists            409  a unique thing exists already
    ├── TooManyAttempts              429  rate limited against guessing; try again later
    ├── StorageFull                  507  a file could not be written whole: its disk is full
    ├── DatabaseUnavailable          503  the database connection was lost; nothing of it was saved
    ├── ProtectionError              500  keys and encrypted data
    │   ├── KeyUnavailable           500  the key-encryption key file is missing or unreadable
    │   ├── DataShredded             410  the household's data key was destroyed
    │   └── DecryptionFailed         500  ciphertext altered, or the wrong key
    └── AuditChainBroken             500  the audit log was edited, deleted from or reordered
"""

from __future__ import annotations

__all__ = [
    "AlreadyExists",
    "AuditChainBroken",
    "Conflict",
    "DataShredded",
    "DatabaseUnavailable",
    "DecryptionFailed",
    "Forbidden",
    "IllegalTransition",
    "InvalidConfiguration",
    "InvalidField",
    "InvalidInput",
    "KeyUnavailable",
    "NotAuthenticated",
    "NotFound",
    "ProtectionError",
    "RefugeError",
    "StaleObject",
    "StorageFull",
    "TooManyAttempts",
]


class RefugeError(Exception):
    """Base of Refuge's own errors. `code` is stable; `message` is safe to show to a user."""

    code: str = "refuge_error"
    status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(RefugeError):
    code = "invalid_input"
    status = 422


class InvalidField(InvalidInput):
    """One field of one record is wrong. Carries where, so reports can point at it."""

    code = "invalid_field"

    def __init__(
        self,
        field: str,
        problem: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
    ) -> None:
        self.field = field
        self.problem = problem
        self.file = file
        self.sheet = sheet
        self.row = row
        where = [f"file {file}" if file else "", f"sheet {sheet}" if sheet else ""]
        where.append(f"row {row}" if row is not None else "")
        place = ", ".join(part for part in where if part)
        prefix = f"{place}, " if place else ""
        super().__init__(f"{prefix}field {field}: {problem}")


class InvalidConfiguration(InvalidInput):
    code = "invalid_configuration"


class NotAuthenticated(RefugeError):
    code = "not_authenticated"
    status = 401


class Forbidden(RefugeError):
    """A whole kind of resource is closed to the caller's role. Single objects the caller may
    not see raise NotFound instead, so their existence is not revealed."""

    code = "forbidden"
    status = 403


class NotFound(RefugeError):
    code = "not_found"
    status = 404


class Conflict(RefugeError):
    code = "conflict"
    status = 409


class IllegalTransition(Conflict):
    code = "illegal_transition"


class StaleObject(Conflict):
    code = "stale_object"


class AlreadyExists(Conflict):
    code = "already_exists"


class TooManyAttempts(RefugeError):
    code = "too_many_attempts"
    status = 429


class StorageFull(RefugeError):
    code = "storage_full"
    status = 507


class DatabaseUnavailable(RefugeError):
    code = "database_unavailable"
    status = 503


class ProtectionError(RefugeError):
    code = "protection_error"
    status = 500


class KeyUnavailable(ProtectionError):
    code = "key_unavailable"


class DataShredded(ProtectionError):
    code = "data_shredded"
    status = 410


class DecryptionFailed(ProtectionError):
    code = "decryption_failed"


class AuditChainBroken(RefugeError):
    code = "audit_chain_broken"
    status = 500
