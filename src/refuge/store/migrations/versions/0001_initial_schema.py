"""The initial schema: operation, households with encrypted persons, cases, flights, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GENESIS = "0" * 64


def _when(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _sealed(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.LargeBinary(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_organisations"),
    )
    op.create_table(
        "programs",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("precedence", sa.Integer(), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=True),
        sa.Column("version", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_programs"),
    )
    op.create_table(
        "households",
        sa.Column("id", sa.Uuid(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_households"),
    )
    op.create_table(
        "household_keys",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("kek_id", sa.String(32), nullable=False),
        _sealed("wrapped_key", nullable=True),
        _when("created_at"),
        _when("shredded_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name="fk_household_keys_household_id_households"
        ),
        sa.PrimaryKeyConstraint("household_id", name="pk_household_keys"),
    )
    op.create_table(
        "persons",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("relationship", sa.String(20), nullable=False),
        sa.Column("sex", sa.String(1), nullable=False),
        sa.Column("nationalities", sa.String(200), nullable=False),
        sa.Column("date_of_birth_precision", sa.String(12), nullable=False),
        sa.Column("name_script", sa.String(8), nullable=False),
        _sealed("given_enc"),
        _sealed("family_enc"),
        _sealed("given_romanised_enc"),
        _sealed("family_romanised_enc"),
        _sealed("date_of_birth_enc"),
        _sealed("notes_enc"),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name="fk_persons_household_id_households"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_persons"),
    )
    op.create_index("ix_persons_household_id", "persons", ["household_id"])
    op.create_table(
        "person_documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("issuing_state", sa.String(3), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=True),
        _sealed("number_enc"),
        sa.Column("number_index", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name="fk_person_documents_person_id_persons",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_person_documents"),
    )
    op.create_index("ix_person_documents_person_id", "person_documents", ["person_id"])
    op.create_index("ix_person_documents_number_index", "person_documents", ["number_index"])
    op.create_table(
        "person_phones",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _sealed("number_enc"),
        sa.Column("number_index", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name="fk_person_phones_person_id_persons",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_person_phones"),
    )
    op.create_index("ix_person_phones_person_id", "person_phones", ["person_id"])
    op.create_index("ix_person_phones_number_index", "person_phones", ["number_index"])
    op.create_table(
        "cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_number", sa.String(16), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("program", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name="fk_cases_household_id_households"
        ),
        sa.ForeignKeyConstraint(
            ["organisation"], ["organisations.code"], name="fk_cases_organisation_organisations"
        ),
        sa.ForeignKeyConstraint(["program"], ["programs.code"], name="fk_cases_program_programs"),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.UniqueConstraint("case_number", name="uq_cases_case_number"),
    )
    op.create_index("ix_cases_household_id", "cases", ["household_id"])
    op.create_index("ix_cases_organisation", "cases", ["organisation"])
    op.create_index("ix_cases_program", "cases", ["program"])
    op.create_index("ix_cases_stage", "cases", ["stage"])
    op.create_table(
        "case_transitions",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("from_stage", sa.String(32), nullable=False),
        sa.Column("to_stage", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        _when("at"),
        _sealed("reason_enc", nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_case_transitions_case_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "seq", name="pk_case_transitions"),
    )
    op.create_table(
        "flights",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("aircraft", sa.String(64), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("surge_seats", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(4), nullable=False),
        sa.Column("destination", sa.String(4), nullable=False),
        _when("departs_earliest"),
        _when("departs_latest"),
        sa.Column("operator_state", sa.String(3), nullable=True),
        sa.Column("programs", sa.JSON(), nullable=False),
        sa.Column("nationalities", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_flights"),
        sa.UniqueConstraint("code", name="uq_flights_code"),
    )
    op.create_table(
        "manifest_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("flight_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("standby_rank", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_manifest_entries_case_id_cases"
        ),
        sa.ForeignKeyConstraint(
            ["flight_id"], ["flights.id"], name="fk_manifest_entries_flight_id_flights"
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name="fk_manifest_entries_household_id_households"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name="fk_manifest_entries_person_id_persons"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_manifest_entries"),
        sa.UniqueConstraint("flight_id", "person_id", name="uq_manifest_entries_flight_person"),
    )
    op.create_index("ix_manifest_entries_case_id", "manifest_entries", ["case_id"])
    op.create_index("ix_manifest_entries_flight_id", "manifest_entries", ["flight_id"])
    op.create_index("ix_manifest_entries_household_id", "manifest_entries", ["household_id"])
    op.create_index("ix_manifest_entries_person_id", "manifest_entries", ["person_id"])
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        _when("at"),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object_kind", sa.String(32), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_object", "audit_events", ["object_kind", "object_id"])
    audit_head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_audit_head_single_row"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
    )
    op.bulk_insert(audit_head, [{"id": 1, "seq": 0, "hash": _GENESIS}])


def downgrade() -> None:
    for table in (
        "audit_head",
        "audit_events",
        "manifest_entries",
        "flights",
        "case_transitions",
        "cases",
        "person_phones",
        "person_documents",
        "persons",
        "household_keys",
        "households",
        "programs",
        "organisations",
    ):
        op.drop_table(table)
