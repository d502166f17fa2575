"""Planning: plan versions, the households each planned, seats, standby lists, split permissions
and the notification outbox.

Revision ID: 0007_planning
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_planning"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _version_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["version"],
        ["plan_versions.version"],
        name=f"fk_{table}_version_plan_versions",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "plan_versions",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("objective", sa.Float(), nullable=False),
        sa.Column("bound", sa.Float(), nullable=True),
        sa.Column("gap", sa.Float(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("allow_surge", sa.Boolean(), nullable=False),
        sa.Column("time_limit", sa.Float(), nullable=True),
        sa.Column("inputs_version", sa.Integer(), nullable=False),
        sa.Column("quotas", sa.JSON(), nullable=False),
        sa.Column("flight_ids", sa.JSON(), nullable=False),
        sa.Column("missed", sa.JSON(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("seated", sa.Integer(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("version", name="pk_plan_versions"),
    )
    op.create_table(
        "plan_households",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("case_number", sa.String(16), nullable=False),
        sa.Column("program", sa.String(64), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("nationalities", sa.String(200), nullable=False),
        sa.Column("split_allowed", sa.Boolean(), nullable=False),
        _version_fk("plan_households"),
        sa.PrimaryKeyConstraint("version", "household_id", name="pk_plan_households"),
    )
    op.create_table(
        "plan_assignments",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("flight_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(16), nullable=False),
        sa.Column("flight_code", sa.String(32), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("checked_in", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["flight_id"], ["flights.id"], name="fk_plan_assignments_flight_id_flights"
        ),
        _version_fk("plan_assignments"),
        sa.PrimaryKeyConstraint("version", "household_id", "flight_id", name="pk_plan_assignments"),
    )
    op.create_table(
        "plan_standby",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("flight_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["flight_id"], ["flights.id"], name="fk_plan_standby_flight_id_flights"
        ),
        _version_fk("plan_standby"),
        sa.PrimaryKeyConstraint("version", "flight_id", "position", name="pk_plan_standby"),
    )
    op.create_table(
        "plan_split_permissions",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("allowed_by", sa.String(200), nullable=False),
        sa.Column("allowed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name="fk_plan_split_permissions_household_id_households",
        ),
        sa.PrimaryKeyConstraint("household_id", name="pk_plan_split_permissions"),
    )
    op.create_table(
        "plan_notifications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("case_number", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("before", sa.String(500), nullable=False),
        sa.Column("after", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        _version_fk("plan_notifications"),
        sa.PrimaryKeyConstraint("id", name="pk_plan_notifications"),
    )
    op.create_index("ix_plan_notifications_version", "plan_notifications", ["version"])
    op.create_index("ix_plan_notifications_household_id", "plan_notifications", ["household_id"])
    op.create_index("ix_plan_notifications_undelivered", "plan_notifications", ["delivered_at"])


def downgrade() -> None:
    op.drop_index("ix_plan_notifications_undelivered", table_name="plan_notifications")
    op.drop_index("ix_plan_notifications_household_id", table_name="plan_notifications")
    op.drop_index("ix_plan_notifications_version", table_name="plan_notifications")
    op.drop_table("plan_notifications")
    op.drop_table("plan_split_permissions")
    op.drop_table("plan_standby")
    op.drop_table("plan_assignments")
    op.drop_table("plan_households")
    op.drop_table("plan_versions")
