"""Arrival: reception sites, the flights expected at them, and arrivals with their departures.

Revision ID: 0008_arrival
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_arrival"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reception_sites",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("warn_percent", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=True),
        sa.Column("points", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisations.code"],
            name="fk_reception_sites_organisation_organisations",
        ),
        sa.PrimaryKeyConstraint("code", name="pk_reception_sites"),
    )
    op.create_table(
        "site_flights",
        sa.Column("flight_id", sa.Uuid(), nullable=False),
        sa.Column("site", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["flight_id"], ["flights.id"], name="fk_site_flights_flight_id_flights"
        ),
        sa.ForeignKeyConstraint(
            ["site"], ["reception_sites.code"], name="fk_site_flights_site_reception_sites"
        ),
        sa.PrimaryKeyConstraint("flight_id", name="pk_site_flights"),
    )
    op.create_index("ix_site_flights_site", "site_flights", ["site"])
    op.create_table(
        "arrivals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("officer", sa.String(200), nullable=False),
        sa.Column("batch", sa.Uuid(), nullable=False),
        sa.Column("point", sa.String(64), nullable=True),
        sa.Column("flight_id", sa.Uuid(), nullable=True),
        sa.Column("entry_id", sa.Uuid(), nullable=True),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("record_id", sa.Uuid(), nullable=True),
        sa.Column("departed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("departed_to", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["site"], ["reception_sites.code"], name="fk_arrivals_site_reception_sites"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_arrivals"),
        sa.UniqueConstraint("entry_id", name="uq_arrivals_entry_id"),
        sa.UniqueConstraint("record_id", name="uq_arrivals_record_id"),
    )
    op.create_index("ix_arrivals_batch", "arrivals", ["batch"])
    op.create_index("ix_arrivals_flight_id", "arrivals", ["flight_id"])
    op.create_index("ix_arrivals_case_id", "arrivals", ["case_id"])
    op.create_index("ix_arrivals_site_arrived_at", "arrivals", ["site", "arrived_at"])


def downgrade() -> None:
    op.drop_index("ix_arrivals_site_arrived_at", table_name="arrivals")
    op.drop_index("ix_arrivals_case_id", table_name="arrivals")
    op.drop_index("ix_arrivals_flight_id", table_name="arrivals")
    op.drop_index("ix_arrivals_batch", table_name="arrivals")
    op.drop_table("arrivals")
    op.drop_index("ix_site_flights_site", table_name="site_flights")
    op.drop_table("site_flights")
    op.drop_table("reception_sites")
