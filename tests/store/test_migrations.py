"""The Alembic migrations build the whole schema from nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from refuge.domain import InvalidConfiguration
from refuge.store import make_engine, migrate, schema_is_current
from refuge.store.database import MIGRATIONS
from refuge.store.models import Base

TABLES = {
    "organisations",
    "programs",
    "households",
    "household_keys",
    "persons",
    "person_documents",
    "person_phones",
    "cases",
    "case_transitions",
    "flights",
    "manifest_entries",
    "audit_events",
    "audit_head",
}


def test_an_empty_database_is_not_current_until_migrated(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        assert not schema_is_current(engine)
        migrate(engine)
        assert schema_is_current(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_the_migrated_schema_is_exactly_what_the_models_describe(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        migrate(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
    finally:
        engine.dispose()


def test_migrating_twice_changes_nothing_and_keeps_the_data(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO organisations (code, name, kind) VALUES ('ngo-a', 'NGO A', 'ngo')"
            )
        migrate(engine)
        assert schema_is_current(engine)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM organisations").scalar() == 1
    finally:
        engine.dispose()


def test_downgrading_to_nothing_and_back_rebuilds_the_schema(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        migrate(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert not TABLES & set(inspect(engine).get_table_names())
        assert not schema_is_current(engine)
        migrate(engine)
        assert schema_is_current(engine)
    finally:
        engine.dispose()


# Each part of the schema migrates on a branch of its own from 0001 (migrations/README.md).
BRANCHES = {
    "0002_accounts": {"users", "account_sessions", "api_tokens", "applicant_secrets"},
    "0003_intake": {"intake_files", "intake_records", "intake_identifiers", "intake_quarantine"},
    "0004_eligibility": {"case_facts", "case_decisions", "quotas"},
    "0005_gate": {"boarding_passes", "gate_scans"},
    "0006_matching": {"match_memberships", "match_links", "match_pairs"},
    "0008_arrival": {"reception_sites", "site_flights", "arrivals"},
    "0007_planning": {
        "plan_versions",
        "plan_households",
        "plan_assignments",
        "plan_standby",
        "plan_split_permissions",
        "plan_notifications",
    },
    "0013_matching_more": {"match_list_households"},
}


@pytest.mark.parametrize("revision", sorted(BRANCHES))
def test_each_branch_downgrades_alone_removing_its_tables_and_nothing_else(
    empty_database_url: str, revision: str
) -> None:
    engine = make_engine(empty_database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        migrate(engine)
        before = set(inspect(engine).get_table_names())
        assert before >= BRANCHES[revision]
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, f"{revision}@-1")
        assert before - set(inspect(engine).get_table_names()) == BRANCHES[revision]
        assert not schema_is_current(engine)
        migrate(engine)
        assert set(inspect(engine).get_table_names()) == before
    finally:
        engine.dispose()


def test_a_sqlite_file_gets_its_folder_and_safe_settings(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folder" / "refuge.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA busy_timeout").scalar() == 60_000
            assert pragma("PRAGMA secure_delete").scalar() == 1
        assert path.exists()
    finally:
        engine.dispose()


def test_database_urls_are_read_the_refuge_way() -> None:
    engine = make_engine("postgresql://postgres@127.0.0.1:5432/anything")
    assert engine.dialect.driver == "psycopg"
    engine.dispose()
    with pytest.raises(InvalidConfiguration, match="mysql"):
        make_engine("mysql://user@host/db")
    with pytest.raises(InvalidConfiguration):
        make_engine("not a url")
