"""Matching: each source record's person and household, the last run's links, the review queue
and its decisions.

Revision ID: 0006_matching
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_matching"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_memberships",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name="pk_match_memberships"),
    )
    op.create_index("ix_match_memberships_person_id", "match_memberships", ["person_id"])
    op.create_index("ix_match_memberships_household_id", "match_memberships", ["household_id"])
    op.create_table(
        "match_links",
        sa.Column("left_id", sa.Uuid(), nullable=False),
        sa.Column("right_id", sa.Uuid(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("left_id", "right_id", name="pk_match_links"),
    )
    op.create_table(
        "match_pairs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("left_id", sa.Uuid(), nullable=False),
        sa.Column("right_id", sa.Uuid(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("decision", sa.String(12), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_match_pairs"),
        sa.UniqueConstraint("left_id", "right_id", name="uq_match_pairs_left_right"),
    )
    op.create_index("ix_match_pairs_decision", "match_pairs", ["decision"])


def downgrade() -> None:
    op.drop_index("ix_match_pairs_decision", table_name="match_pairs")
    op.drop_table("match_pairs")
    op.drop_table("match_links")
    op.drop_index("ix_match_memberships_household_id", table_name="match_memberships")
    op.drop_index("ix_match_memberships_person_id", table_name="match_memberships")
    op.drop_table("match_memberships")
