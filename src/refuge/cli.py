"""The `refuge` command: thin wrappers that call bootstrap and the services, and print."""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from refuge.bootstrap import bootstrap, initialise
from refuge.cases.services import OperationSummary, operation_summary, shred_household, verify_audit
from refuge.config import Settings
from refuge.domain.errors import RefugeError

__all__ = ["app", "main"]

app = typer.Typer(
    name="refuge",
    help="Run an evacuation and relocation operation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")

_out = Console(highlight=False)
_ACTOR = "cli"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@app.command()
def init() -> None:
    """Create the key-encryption key file (if there is none) and the database schema."""
    settings = Settings()
    created, refuge = initialise(settings)
    refuge.close()
    key = settings.resolved_key_file
    if created:
        _out.print(f"key-encryption key written to {key}; keep it off the database's disk")
    else:
        _out.print(f"key-encryption key {key} kept")
    _out.print("database schema is up to date")


@app.command()
def scenario(
    out: Annotated[Path, typer.Option(help="Folder to write the lists and the truth into.")],
    people: Annotated[int, typer.Option(min=100, max=1_000_000, help="How many people.")] = 1000,
    seed: Annotated[int, typer.Option(help="Same seed, same operation.")] = 1,
) -> None:
    """Write a synthetic operation: each organisation's list (CSV and XLSX) and the truth."""
    from refuge.scenario import generate, write_scenario

    files = write_scenario(generate(people, seed), out)
    _out.print(f"wrote {len(files.lists)} lists and the truth for {people} people to {out}")


@app.command()
def summary() -> None:
    """The operation at a glance: counts only, no personal data."""
    refuge = bootstrap()
    try:
        _print_summary(operation_summary(refuge.uow()))
    finally:
        refuge.close()


@audit_app.command("verify")
def audit_verify() -> None:
    """Check every audit event against the chain; exit 1 naming any tampered event."""
    refuge = bootstrap()
    try:
        uow = refuge.uow()
        findings = verify_audit(uow)
        with uow:
            count = sum(1 for _ in uow.audit.events())
    finally:
        refuge.close()
    if findings:
        for finding in findings:
            typer.echo(f"event {finding.seq}: {finding.problem}: {finding.message}", err=True)
        typer.echo(f"audit log: {len(findings)} problem(s) in {count} events", err=True)
        raise typer.Exit(1)
    _out.print(f"audit log intact: {count} events, chain verified")


@app.command()
def shred(
    household: Annotated[str, typer.Argument(help="The household's id.")],
    reason_code: Annotated[str, typer.Option(help="A short code, e.g. site-evacuated.")],
) -> None:
    """Destroy a household's data key: its personal data becomes unreadable for good."""
    try:
        household_id = uuid.UUID(household)
    except ValueError:
        raise typer.BadParameter("not a household id") from None
    refuge = bootstrap()
    try:
        shred_household(
            refuge.uow(), household_id, actor=_ACTOR, now=_now(), reason_code=reason_code
        )
    finally:
        refuge.close()
    _out.print(f"household {household_id} shredded; its cases and the audit log remain")


@app.command()
def demo(
    people: Annotated[
        int, typer.Option(min=100, max=200_000, help="Size of the operation.")
    ] = 2000,
    seed: Annotated[int, typer.Option(help="Same seed, same operation.")] = 2021,
    data_dir: Annotated[Path, typer.Option(help="Folder for the demo (replaced).")] = Path(
        "refuge-demo"
    ),
) -> None:
    """Generate a synthetic operation, load it into a fresh SQLite database, and summarise it."""
    from refuge.demo import run_demo

    result = run_demo(data_dir=data_dir, people=people, seed=seed, echo=_out.print)
    _print_summary(result.summary)
    _out.print(
        f"plaintext check: {result.values_checked} names, document and phone numbers looked for "
        f"in {result.database}: {result.values_found} found"
    )
    _out.print(f"demo database: {result.database}; key file: {result.key_file}")
    _out.print(
        f"try: REFUGE_DATA_DIR={data_dir} .venv/bin/refuge audit verify   (or `refuge summary`)"
    )


def _print_summary(summary: OperationSummary) -> None:
    table = Table(title="Operation", show_header=False)
    table.add_row("organisations", str(summary.organisations))
    table.add_row("programs", str(summary.programs))
    table.add_row("households", str(summary.households))
    table.add_row("people", str(summary.people))
    table.add_row("cases", str(summary.cases))
    _out.print(table)
    for title, counts in (
        ("Cases by stage", {str(k): v for k, v in summary.cases_by_stage.items()}),
        ("Cases by program", dict(summary.cases_by_program)),
        ("People by nationality", dict(summary.people_by_nationality)),
    ):
        part = Table(title=title)
        part.add_column("")
        part.add_column("count", justify="right")
        for key, value in sorted(counts.items(), key=lambda kv: -kv[1]):
            part.add_row(key, str(value))
        _out.print(part)
    state = "intact" if not summary.audit_findings else f"{len(summary.audit_findings)} problem(s)"
    _out.print(f"audit log: {summary.audit_events} events, chain {state}")


def main() -> None:
    """Entry point: Refuge's own errors become one line on stderr and a non-zero exit; Typer
    reports bad usage itself (exit 2)."""
    try:
        app()
    except RefugeError as exc:
        typer.echo(f"refuge: error: {exc.message} [{exc.code}]", err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - a traceback could carry personal data to a terminal
        typer.echo(
            f"refuge: unexpected error ({type(exc).__name__}); its transaction was rolled back",
            err=True,
        )
        sys.exit(2)
