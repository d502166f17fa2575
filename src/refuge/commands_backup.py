"""The `refuge backup`, `refuge restore` and `refuge purge` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from refuge.bootstrap import bootstrap
from refuge.config import Settings
from refuge.domain.errors import InvalidInput, KeyUnavailable
from refuge.gate import signing_key_path
from refuge.protect import load_key_file
from refuge.protect.purge import destroy_file
from refuge.protect.shreds import shred_list_path
from refuge.store.backup import back_up, restore, verify_backup

__all__ = ["backup", "purge", "restore_command"]

_out = Console(highlight=False)


def backup(
    target: Annotated[
        str, typer.Argument(help="OUT, the file to write; or `verify`.", metavar="OUT")
    ],
    file: Annotated[
        Path | None, typer.Argument(help="With `verify`: the backup to check.", metavar="[FILE]")
    ] = None,
) -> None:
    """Write an encrypted backup to OUT (`refuge backup OUT`), or check one without restoring
    it (`refuge backup verify FILE`). A backup opens only with this installation's key."""
    if target == "verify":
        if file is None:
            raise typer.BadParameter("say which backup to verify: refuge backup verify FILE")
        header, manifest = verify_backup(load_key_file(Settings().resolved_key_file), file)
        _out.print(
            f"backup {file} intact: {header.database_kind} database at schema "
            f"{header.schema_revision}, made {header.created_at:%Y-%m-%d %H:%M} UTC, "
            f"{manifest.size} bytes in {manifest.chunks} chunk(s), sha256 {manifest.sha256}"
        )
        return
    if file is not None:
        raise typer.BadParameter("give one file to write: refuge backup OUT")
    out = Path(target)
    refuge = bootstrap()
    try:
        manifest = back_up(refuge.engine, refuge.kek, out)
    finally:
        refuge.close()
    _out.print(
        f"backup written to {out}: {manifest.size} bytes in {manifest.chunks} chunk(s), "
        f"sha256 {manifest.sha256}; it opens only with the key file"
    )


def restore_command(
    file: Annotated[Path, typer.Argument(help="The backup to bring back.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Replace the database without asking.")
    ] = False,
) -> None:
    """Replace the database with a backup (checked in full first), then shred again every
    household shredded since, from the shred list kept beside the key file."""
    refuge = bootstrap(require_current_schema=False)
    try:
        if not yes:
            where = refuge.sqlite_path or f"the {refuge.engine.dialect.name} database"
            if not typer.confirm(f"Replace everything in {where} with {file}?"):
                raise InvalidInput("restore cancelled; nothing was changed")
        report = restore(refuge.engine, refuge.kek, file, refuge.shred_list)
    finally:
        refuge.close()
    _out.print(
        f"restored {file} (made {report.header.created_at:%Y-%m-%d %H:%M} UTC); "
        f"shredded again from the shred list: {len(report.reshredded)} household(s)"
    )


def purge(
    confirm: Annotated[
        bool, typer.Option("--confirm", help="Really destroy the key-encryption key.")
    ] = False,
) -> None:
    """Emergency purge: destroy the key-encryption key, after which no personal data in the
    database or in any backup can be read by anyone. There is no undo."""
    settings = Settings()
    key_file = settings.resolved_key_file
    if not confirm:
        raise InvalidInput(
            f"purge destroys the key file {key_file} and with it every person's data in the "
            "database and its backups, for good; run `refuge purge --confirm` to do it"
        )
    destroyed = [path for path in (key_file,) if destroy_file(path)]
    if not destroyed:
        raise KeyUnavailable(f"no key file at {key_file}; nothing to destroy")
    # Sealed under the KEK, these are useless now; they go too so nothing keyed by it is left:
    # the boarding-pass signing key, and the shred list (household ids only).
    for path in (signing_key_path(key_file), shred_list_path(key_file)):
        if destroy_file(path):
            destroyed.append(path)
    for path in destroyed:
        _out.print(f"destroyed {path} (overwritten, then removed)")
    _out.print(
        "Backup keys are derived from the key-encryption key and were never stored, so "
        "backups are unreadable too. The personal data in the database and in every backup "
        "can no longer be read. Stop any running `refuge serve`: it holds the key in memory "
        "until it exits. SSDs, journaling or copy-on-write filesystems and disk snapshots may "
        "still hold old copies of the key file's bytes."
    )
