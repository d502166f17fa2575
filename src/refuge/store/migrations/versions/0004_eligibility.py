"""Eligibility: each case's sealed screening facts, its current and previous decision, quotas.

Revision ID: 0004_eligibility
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_eligibility"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_facts",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("facts_enc", sa.LargeBinary(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_case_facts_case_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", name="pk_case_facts"),
    )
    op.create_table(
        "case_decisions",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("program", sa.String(64), nullable=False),
        sa.Column("program_version", sa.String(32), nullable=False),
        sa.Column("program_digest", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("facts_revision", sa.Integer(), nullable=False),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("previous", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_case_decisions_case_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", name="pk_case_decisions"),
    )
    op.create_index("ix_case_decisions_outcome", "case_decisions", ["outcome"])
    op.create_table(
        "quotas",
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("limit", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_quotas"),
        sa.CheckConstraint('"used" >= 0 AND "used" <= "limit"', name="ck_quotas_within_limit"),
    )


def downgrade() -> None:
    op.drop_table("quotas")
    op.drop_index("ix_case_decisions_outcome", table_name="case_decisions")
    op.drop_table("case_decisions")
    op.drop_table("case_facts")
