"""The `refuge export` commands: a stored flight's manifest as PAXLST for a receiving state's
border system or as CSV/XLSX for people, and the aggregated arrival statistics as HXL.

Files are written whole or not at all (a temporary file in the same folder, renamed over the
target), readable by their owner only, and under a plain file name: a name that would climb out
of its folder (`..`, a separator, a leading dot) is refused, whether typed or made from a flight
code.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from refuge.bootstrap import bootstrap
from refuge.domain.errors import InvalidInput, StorageFull
from refuge.exchange import (
    DEFAULT_THRESHOLD,
    ManifestFormat,
    export_manifest,
    export_paxlst,
    export_statistics,
)

__all__ = ["export_app", "export_path", "write_atomically"]

export_app = typer.Typer(
    help="Manifests for receiving states and people, and statistics without personal data.",
    no_args_is_help=True,
)
_out = Console(highlight=False)
_ACTOR = "cli"
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")

OutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="The file to write (default: exports/ in the data folder)."),
]
BoardedOption = Annotated[
    bool, typer.Option("--boarded", help="Only the passengers who boarded (after departure).")
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def export_path(out: Path | None, default_folder: Path, default_name: str) -> Path:
    """Where an export goes: `out` as given, or `default_name` in `default_folder`. Refuses a
    name that is not a plain file name and any path that climbs with `..`."""
    target = out if out is not None else default_folder / default_name
    if ".." in target.parts:
        raise InvalidInput(f"export file {target}: a path may not climb out of its folder (..)")
    name = target.name
    if not _PLAIN_NAME.fullmatch(name) or ".." in name:
        raise InvalidInput(
            f"export file name: letters, digits, . _ - only, not starting with a dot (got {name!r})"
        )
    return target


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a reader sees the old file or the whole new one, never a
    part: a temporary file beside it (owner-only), synced, then renamed over it."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".export-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno in {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}:
            raise StorageFull(
                f"export file {path.name} cannot be written: no space left on its disk; nothing "
                "was left behind"
            ) from exc
        raise


def _exports(folder: Path) -> Path:
    return folder / "exports"


@export_app.command("paxlst")
def paxlst_command(
    flight: Annotated[str, typer.Argument(help="The flight's code.")],
    recipient: Annotated[
        str, typer.Option(help="The receiving state's interchange recipient id.")
    ] = "APIS",
    sender: Annotated[str, typer.Option(help="This operation's interchange sender id.")] = "REFUGE",
    carrier: Annotated[
        str | None, typer.Option(help="The airline designator (IATA or ICAO).")
    ] = None,
    out: OutOption = None,
    boarded: BoardedOption = False,
) -> None:
    """Write the flight's passenger list as a PAXLST (UN/EDIFACT) message. A passenger lacking
    what the message needs is named by manifest entry and field; nothing is written then."""
    refuge = bootstrap()
    try:
        target = export_path(out, _exports(refuge.settings.data_dir), f"paxlst-{flight}.edi")
        text, count = export_paxlst(
            refuge.uow(),
            flight,
            sender=sender,
            recipient=recipient,
            actor=_ACTOR,
            now=_now(),
            carrier=carrier,
            boarded_only=boarded,
        )
    finally:
        refuge.close()
    write_atomically(target, text.encode("ascii"))
    _out.print(f"PAXLST for flight {flight}: {count} passenger(s) written to {target}")


@export_app.command("manifest")
def manifest_command(
    flight: Annotated[str, typer.Argument(help="The flight's code.")],
    form: Annotated[
        ManifestFormat, typer.Option("--format", help="csv or xlsx.")
    ] = ManifestFormat.CSV,
    out: OutOption = None,
    boarded: BoardedOption = False,
) -> None:
    """Write the flight's manifest for people: one row per passenger, households together."""
    refuge = bootstrap()
    try:
        target = export_path(
            out, _exports(refuge.settings.data_dir), f"manifest-{flight}.{form.value}"
        )
        data, count = export_manifest(
            refuge.uow(), flight, form, actor=_ACTOR, now=_now(), boarded_only=boarded
        )
    finally:
        refuge.close()
    write_atomically(target, data)
    _out.print(f"manifest of flight {flight}: {count} passenger(s) written to {target}")


@export_app.command("stats")
def stats_command(
    out: OutOption = None,
    threshold: Annotated[
        int, typer.Option(min=3, help="Counts below this are suppressed.")
    ] = DEFAULT_THRESHOLD,
) -> None:
    """Write arrivals counted by day, program, site and nationality as HXL-tagged CSV: no
    personal data, counts below the threshold suppressed (and any that would give them away)."""
    refuge = bootstrap()
    try:
        target = export_path(out, _exports(refuge.settings.data_dir), "arrival-statistics.csv")
        exported = export_statistics(refuge.uow(), actor=_ACTOR, now=_now(), threshold=threshold)
    finally:
        refuge.close()
    write_atomically(target, exported.data)
    _out.print(
        f"statistics of {exported.people} arrival(s) written to {target}; counts below "
        f"{exported.threshold} shown as <{exported.threshold}, and cells that would reveal "
        "them as x"
    )
