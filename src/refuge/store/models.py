"""The database tables, as SQLAlchemy 2 typed models.

Personal fields (names, dates of birth, notes, document and phone numbers, free-text reasons)
exist here only as AES-GCM ciphertext (`*_enc` columns) under the household's data key, and
document and phone numbers also as keyed blind-index digests (`*_index`) for exact look-up. What
stays in clear is what counts and planning need and what does not single a person out on its
own: relationship, sex, nationalities, the precision of a date of birth, the script of a name,
the kind, issuing state and expiry of a document.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from refuge.domain.errors import InvalidInput

__all__ = [
    "AUDIT_HEAD_ID",
    "AuditEventRow",
    "AuditHeadRow",
    "Base",
    "CaseRow",
    "CaseTransitionRow",
    "FlightRow",
    "HouseholdKeyRow",
    "HouseholdRow",
    "ManifestEntryRow",
    "OrganisationRow",
    "PersonDocumentRow",
    "PersonPhoneRow",
    "PersonRow",
    "ProgramRow",
    "UTCDateTime",
]

# The one row of `audit_head`: writers lock it to append to the chain one at a time.
AUDIT_HEAD_ID = 1

_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every database.

    PostgreSQL keeps the instant (timestamptz); SQLite keeps no zone at all, so values are stored
    as naive UTC and given their zone back when read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise InvalidInput("a stored time must carry a time zone")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=_NAMING)
    type_annotation_map = {
        dt.datetime: UTCDateTime,
        dt.date: Date,
        uuid.UUID: Uuid,
        bytes: LargeBinary,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class OrganisationRow(Base):
    __tablename__ = "organisations"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))


class ProgramRow(Base):
    __tablename__ = "programs"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    precedence: Mapped[int] = mapped_column(Integer)
    quota: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[str] = mapped_column(String(32))


class HouseholdRow(Base):
    __tablename__ = "households"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class HouseholdKeyRow(Base):
    """The household's data key, wrapped by the key-encryption key. Shredding clears
    `wrapped_key` for good and stamps `shredded_at`."""

    __tablename__ = "household_keys"

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"), primary_key=True)
    kek_id: Mapped[str] = mapped_column(String(32))
    wrapped_key: Mapped[bytes | None]
    created_at: Mapped[dt.datetime]
    shredded_at: Mapped[dt.datetime | None]


class PersonRow(Base):
    __tablename__ = "persons"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # order of members in the household
    relationship: Mapped[str] = mapped_column(String(20))
    sex: Mapped[str] = mapped_column(String(1))
    # ISO 3166-1 alpha-3 codes separated by spaces, the first the one counted in statistics.
    nationalities: Mapped[str] = mapped_column(String(200))
    date_of_birth_precision: Mapped[str] = mapped_column(String(12))
    name_script: Mapped[str] = mapped_column(String(8))
    given_enc: Mapped[bytes]
    family_enc: Mapped[bytes]
    given_romanised_enc: Mapped[bytes]
    family_romanised_enc: Mapped[bytes]
    date_of_birth_enc: Mapped[bytes]
    notes_enc: Mapped[bytes]


class PersonDocumentRow(Base):
    __tablename__ = "person_documents"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    issuing_state: Mapped[str] = mapped_column(String(3))
    expiry: Mapped[dt.date | None]
    number_enc: Mapped[bytes]
    # Cleared when the household is shredded: the digest alone would still link the person to
    # the same number in other records.
    number_index: Mapped[str | None] = mapped_column(String(64), index=True)


class PersonPhoneRow(Base):
    __tablename__ = "person_phones"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    number_enc: Mapped[bytes]
    number_index: Mapped[str | None] = mapped_column(String(64), index=True)


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(16), unique=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"), index=True)
    program: Mapped[str] = mapped_column(ForeignKey("programs.code"), index=True)
    organisation: Mapped[str] = mapped_column(ForeignKey("organisations.code"), index=True)
    stage: Mapped[str] = mapped_column(String(32), index=True)
    priority: Mapped[float] = mapped_column(Float)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class CaseTransitionRow(Base):
    __tablename__ = "case_transitions"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    from_stage: Mapped[str] = mapped_column(String(32))
    to_stage: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime]
    # Free text may name people, so it is sealed under the household's key; NULL when empty.
    reason_enc: Mapped[bytes | None]


class FlightRow(Base):
    __tablename__ = "flights"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    aircraft: Mapped[str] = mapped_column(String(64))
    seats: Mapped[int] = mapped_column(Integer)
    surge_seats: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(4))
    destination: Mapped[str] = mapped_column(String(4))
    departs_earliest: Mapped[dt.datetime]
    departs_latest: Mapped[dt.datetime]
    operator_state: Mapped[str | None] = mapped_column(String(3))
    programs: Mapped[list[str]]  # sorted; empty means any program
    nationalities: Mapped[list[str]]  # sorted; empty means any nationality


class ManifestEntryRow(Base):
    __tablename__ = "manifest_entries"
    __table_args__ = (
        UniqueConstraint("flight_id", "person_id", name="uq_manifest_entries_flight_person"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    flight_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("flights.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    standby_rank: Mapped[int | None] = mapped_column(Integer)


class AuditEventRow(Base):
    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    object_kind: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


Index("ix_audit_events_object", AuditEventRow.object_kind, AuditEventRow.object_id)


class AuditHeadRow(Base):
    """The last event of the chain. Appending locks this row first, so two writers can never
    both chain to the same event; it also records how far the chain reached, so events deleted
    from its end are noticed."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint(f"id = {AUDIT_HEAD_ID}", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
