"""Intake: imported files, source records with blind indexes, the quarantine of rejected rows.

Revision ID: 0003_intake
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_intake"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _sealed(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.LargeBinary(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "intake_files",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("list_name", sa.String(255), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        _when("imported_at"),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("mappings", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisations.code"],
            name="fk_intake_files_organisation_organisations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_intake_files"),
        sa.UniqueConstraint(
            "organisation", "content_hash", name="uq_intake_files_organisation_hash"
        ),
    )
    op.create_index("ix_intake_files_organisation", "intake_files", ["organisation"])
    op.create_table(
        "intake_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("identity", sa.String(64), nullable=False),
        sa.Column("content", sa.String(64), nullable=False),
        sa.Column("basis", sa.String(16), nullable=False),
        sa.Column("list_name", sa.String(255), nullable=False),
        sa.Column("file_id", sa.Uuid(), nullable=False),
        sa.Column("sheet", sa.String(255), nullable=True),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        _when("withdrawn_at", nullable=True),
        sa.Column("name_script", sa.String(8), nullable=False),
        sa.Column("sex", sa.String(1), nullable=False),
        sa.Column("nationalities", sa.String(200), nullable=False),
        sa.Column("date_of_birth_precision", sa.String(12), nullable=False),
        sa.Column("relationship", sa.String(20), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("kek_id", sa.String(32), nullable=False),
        _sealed("wrapped_key", nullable=True),
        _sealed("fields_enc"),
        _when("created_at"),
        _when("updated_at"),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisations.code"],
            name="fk_intake_records_organisation_organisations",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["intake_files.id"], name="fk_intake_records_file_id_intake_files"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_intake_records"),
        sa.UniqueConstraint(
            "organisation", "identity", name="uq_intake_records_organisation_identity"
        ),
    )
    op.create_index("ix_intake_records_file_id", "intake_records", ["file_id"])
    op.create_index("ix_intake_records_list", "intake_records", ["organisation", "list_name"])
    op.create_table(
        "intake_identifiers",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["intake_records.id"],
            name="fk_intake_identifiers_record_id_intake_records",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", "kind", "position", name="pk_intake_identifiers"),
    )
    op.create_index("ix_intake_identifiers_digest", "intake_identifiers", ["digest"])
    op.create_table(
        "intake_quarantine",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("list_name", sa.String(255), nullable=False),
        sa.Column("file_id", sa.Uuid(), nullable=False),
        sa.Column("sheet", sa.String(255), nullable=True),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("corrected_fields", sa.JSON(), nullable=False),
        sa.Column("values_digest", sa.String(64), nullable=False),
        sa.Column("kek_id", sa.String(32), nullable=False),
        _sealed("wrapped_key", nullable=True),
        _sealed("values_enc"),
        _sealed("corrections_enc", nullable=True),
        sa.Column("record_id", sa.Uuid(), nullable=True),
        _when("created_at"),
        _when("closed_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisations.code"],
            name="fk_intake_quarantine_organisation_organisations",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["intake_files.id"], name="fk_intake_quarantine_file_id_intake_files"
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["intake_records.id"],
            name="fk_intake_quarantine_record_id_intake_records",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_intake_quarantine"),
    )
    op.create_index("ix_intake_quarantine_file_id", "intake_quarantine", ["file_id"])
    op.create_index("ix_intake_quarantine_values_digest", "intake_quarantine", ["values_digest"])
    op.create_index(
        "ix_intake_quarantine_list",
        "intake_quarantine",
        ["organisation", "list_name", "status"],
    )


def downgrade() -> None:
    op.drop_table("intake_quarantine")
    op.drop_table("intake_identifiers")
    op.drop_table("intake_records")
    op.drop_table("intake_files")
