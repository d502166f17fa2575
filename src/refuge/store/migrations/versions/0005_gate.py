"""Gate: boarding passes issued against manifest entries, and the log of gate scans.

Revision ID: 0005_gate
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_gate"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "boarding_passes",
        sa.Column("pass_id", sa.Uuid(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("flight_id", sa.Uuid(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["manifest_entries.id"],
            name="fk_boarding_passes_entry_id_manifest_entries",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["flight_id"], ["flights.id"], name="fk_boarding_passes_flight_id_flights"
        ),
        sa.PrimaryKeyConstraint("pass_id", name="pk_boarding_passes"),
        sa.UniqueConstraint("entry_id", name="uq_boarding_passes_entry_id"),
    )
    op.create_index("ix_boarding_passes_flight_id", "boarding_passes", ["flight_id"])
    op.create_table(
        "gate_scans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("flight_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gate_agent", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("reason", sa.String(40), nullable=True),
        sa.Column("pass_id", sa.Uuid(), nullable=True),
        sa.Column("entry_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["flight_id"], ["flights.id"], name="fk_gate_scans_flight_id_flights"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_gate_scans"),
    )
    op.create_index("ix_gate_scans_flight_id", "gate_scans", ["flight_id"])


def downgrade() -> None:
    op.drop_index("ix_gate_scans_flight_id", table_name="gate_scans")
    op.drop_table("gate_scans")
    op.drop_index("ix_boarding_passes_flight_id", table_name="boarding_passes")
    op.drop_table("boarding_passes")
