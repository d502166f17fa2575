"""Matching: the household each source record's own list put it in, as an opaque id, so that a
single review decision can rebuild households without decrypting the records.

Revision ID: 0013_matching_more
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_matching_more"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_list_households",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("list_household_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name="pk_match_list_households"),
    )


def downgrade() -> None:
    op.drop_table("match_list_households")
