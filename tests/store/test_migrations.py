"""The Alembic migrations build the whole schema from nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from refuge.store import make_engine, migrate, schema_is_current
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
