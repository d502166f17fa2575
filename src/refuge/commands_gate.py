"""The `refuge gate` commands: issue a flight's boarding passes, work through a batch of scans,
record a no-show, and export the public key that gate devices verify passes with offline."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from refuge.bootstrap import bootstrap
from refuge.gate import (
    GateStep,
    ScanOutcome,
    dump_public_key,
    issue_passes,
    load_or_create_signing_key,
    no_show,
    pass_qr_svg,
    scan_batch,
    signing_key_path,
)

__all__ = ["gate_app"]

gate_app = typer.Typer(help="Check-in, boarding and no-shows at the gate.", no_args_is_help=True)
_out = Console(highlight=False)
_PUBLIC_KEY_FILE = "pass-public-key.pem"

FlightOption = Annotated[str, typer.Option("--flight", help="The flight's code.")]
AgentOption = Annotated[
    str, typer.Option("--agent", help="Who is at the gate (for the audit log).")
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@gate_app.command("issue")
def issue(
    flight: FlightOption,
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for the passes (default: passes/FLIGHT in the data folder)."),
    ] = None,
) -> None:
    """Sign a boarding pass for everyone manifested on the flight: one QR code (SVG) per person,
    named by case number, and tokens.txt with one token a line. Earlier passes stop working."""
    refuge = bootstrap()
    try:
        key = load_or_create_signing_key(
            signing_key_path(refuge.settings.resolved_key_file), refuge.kek
        )
        tokens = issue_passes(refuge.uow(), flight, key, actor="gate-cli", now=_now())
        folder = out if out is not None else refuge.settings.data_dir / "passes" / _folder(flight)
    finally:
        refuge.close()
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    lines: list[str] = []
    for token in tokens:
        counts[token.case_number] = counts.get(token.case_number, 0) + 1
        name = f"{token.case_number}-{counts[token.case_number]}"
        (folder / f"{name}.svg").write_bytes(pass_qr_svg(token.token))
        lines.append(f"{name} {token.token}")
    (folder / "tokens.txt").write_text("".join(line + "\n" for line in lines))
    (folder / _PUBLIC_KEY_FILE).write_bytes(dump_public_key(key))
    _out.print(
        f"issued {len(tokens)} boarding passes for flight {flight} into {folder} "
        f"(public key for gate devices: {_PUBLIC_KEY_FILE})"
    )


@gate_app.command("public-key")
def public_key() -> None:
    """Print the public key gate devices need to verify passes offline (PEM)."""
    refuge = bootstrap()
    try:
        key = load_or_create_signing_key(
            signing_key_path(refuge.settings.resolved_key_file), refuge.kek
        )
    finally:
        refuge.close()
    sys.stdout.write(dump_public_key(key).decode("ascii"))


@gate_app.command("scan")
def scan(
    flight: FlightOption,
    file: Annotated[
        Path | None,
        typer.Option(help="Scans, one a line (pass token or passport zone); default stdin."),
    ] = None,
    step: Annotated[GateStep, typer.Option(help="What a scan records.")] = GateStep.CHECK_IN,
    agent: AgentOption = "gate-cli",
) -> None:
    """Work through a batch of scans in order; print one line per scan (outcome, reason, case
    number and coarse checks only). Exit 1 if any scan was refused or unreadable."""
    refuge = bootstrap()
    try:
        key = load_or_create_signing_key(
            signing_key_path(refuge.settings.resolved_key_file), refuge.kek
        )
        results = scan_batch(
            refuge.uow(),
            _lines(file),
            flight_code=flight,
            gate_agent=agent,
            clock=_now,
            public_keys=[key.public_key()],
            step=step,
        )
    finally:
        refuge.close()
    for number, result in enumerate(results, start=1):
        _out.print(f"{number} {result.line()}", soft_wrap=True)
    refused = sum(1 for r in results if not r.admitted)
    done = sum(1 for r in results if r.outcome in {ScanOutcome.CHECKED_IN, ScanOutcome.BOARDED})
    _out.print(f"{len(results)} scans: {done} recorded, {refused} refused or not on manifest")
    if refused:
        raise typer.Exit(1)


@gate_app.command("no-show")
def no_show_command(
    flight: FlightOption,
    case: Annotated[str, typer.Option("--case", help="The case number.")],
    agent: AgentOption = "gate-cli",
) -> None:
    """Record that a case's people did not come to the gate: their seats are re-offered to the
    standby list in order (a new plan version), and who gained a seat is listed by case number."""
    from refuge.planning import compare_plans, plan_versions

    refuge = bootstrap()
    try:
        before = plan_versions(refuge.uow())
        freed = no_show(refuge.uow(), case, flight_code=flight, gate_agent=agent, now=_now())
        after = plan_versions(refuge.uow())
        changes = None
        if before and len(after) > len(before):
            changes = compare_plans(refuge.uow(), before[-1].version, after[-1].version)
    finally:
        refuge.close()
    _out.print(f"case {case}: {len(freed)} seat(s) on flight {flight} freed for standby")
    if changes is not None:
        gained = [c for c in changes.changes if c.after]
        _out.print(
            f"re-offered in plan version {changes.new_version}: "
            f"{len(gained)} household(s) from standby seated",
            markup=False,
        )
        for change in gained:
            _out.print(f"  {change.read_out()}", markup=False, soft_wrap=True)


def _folder(flight: str) -> str:
    """A flight code as one folder name: codes may hold / and . (RCH/871), which must not lead
    the passes out of the data folder (a code of ../../x would)."""
    name = re.sub(r"[^A-Za-z0-9_-]", "_", flight)
    return name if name.strip("_") else "flight"


def _lines(file: Path | None) -> Iterator[str]:
    if file is None:
        yield from sys.stdin
        return
    with file.open(encoding="utf-8") as scans:
        yield from scans
