"""The `refuge` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from refuge.config import Settings
from refuge.domain.errors import RefugeError
from refuge.protect import create_key_file

__all__ = ["app", "main"]

app = typer.Typer(
    name="refuge",
    help="Run an evacuation and relocation operation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.command()
def init(
    key_file: Annotated[
        Path | None, typer.Option(help="Where to write the key-encryption key.")
    ] = None,
) -> None:
    """Create the key-encryption key file and the database schema."""
    path = key_file or Settings().resolved_key_file
    create_key_file(path)
    typer.echo(f"key-encryption key written to {path} (keep it off the database's disk)")


def main() -> None:
    """Entry point: Refuge's own errors become one line on stderr and a non-zero exit."""
    try:
        app(standalone_mode=False)
    except RefugeError as exc:
        typer.echo(f"refuge: error: {exc.message} [{exc.code}]", err=True)
        sys.exit(1)
