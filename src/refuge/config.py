"""Settings, read once from the environment (prefix REFUGE_). Nothing else reads the environment."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Where the data and keys live.

    The key-encryption key must live outside the database (another disk, a mounted token, a
    secret store): whoever holds both holds the personal data.
    """

    model_config = SettingsConfigDict(env_prefix="REFUGE_", extra="ignore", frozen=True)

    data_dir: Path = Field(default=Path("refuge-data"))
    database_url: str | None = None  # default: SQLite file refuge.db in data_dir
    key_file: Path | None = None  # default: kek.key in data_dir
    profiles_dir: Path | None = None  # default: profiles/ in data_dir (intake column mappings)
    # Lists bigger than this are refused unread, with a message saying so (see intake Limits).
    import_max_bytes: int = Field(default=1 << 30, gt=0)
    import_max_rows: int = Field(default=2_000_000, gt=0)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'refuge.db'}"

    @property
    def resolved_profiles_dir(self) -> Path:
        return self.profiles_dir if self.profiles_dir is not None else self.data_dir / "profiles"

    @property
    def resolved_key_file(self) -> Path:
        return self.key_file if self.key_file is not None else self.data_dir / "kek.key"
