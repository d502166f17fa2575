"""Storage: SQLAlchemy models, repositories, the unit of work and Alembic migrations."""

__all__: list[str] = []
