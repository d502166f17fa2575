"""The `refuge` command: thin wrappers that call bootstrap and the services, and print."""

from __future__ import annotations

import datetime as dt
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from refuge.bootstrap import bootstrap, initialise
from refuge.cases.services import OperationSummary, operation_summary, shred_household, verify_audit
from refuge.commands_arrival import arrive_app, depart_command, site_app
from refuge.commands_backup import backup, purge, restore_command
from refuge.commands_export import export_app
from refuge.commands_gate import gate_app
from refuge.commands_match import match_command, review_app
from refuge.commands_plan import flight_app, forecast_command, plan_app
from refuge.commands_web import demo_accounts_and_pages
from refuge.config import Settings
from refuge.domain.errors import InvalidConfiguration, InvalidInput, RefugeError

if TYPE_CHECKING:  # these load only for the commands using them
    from fastapi import FastAPI

    # intake: spreadsheets, phone metadata
    from refuge.intake import Limits, Profile
    from refuge.intake import Progress as ImportProgress

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
quarantine_app = typer.Typer(
    help="Rows of imported lists that were rejected.", no_args_is_help=True
)
app.add_typer(quarantine_app, name="quarantine")
user_app = typer.Typer(help="Staff accounts of the HTTP service.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.command("match")(match_command)
app.add_typer(review_app, name="review")
app.command("backup")(backup)
app.command("restore")(restore_command)
app.command("purge")(purge)
app.add_typer(gate_app, name="gate")
app.add_typer(site_app, name="site")
app.add_typer(arrive_app, name="arrive")
app.command("depart")(depart_command)
app.add_typer(plan_app, name="plan")
app.add_typer(flight_app, name="flight")
app.command("forecast")(forecast_command)
app.add_typer(export_app, name="export")

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
    serve: Annotated[
        bool, typer.Option(help="Serve the pages on loopback afterwards (and match records first).")
    ] = True,
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
) -> None:
    """Generate a synthetic operation, load it into a fresh SQLite database, summarise it, make
    one account per role, and serve the pages on 127.0.0.1 (`--no-serve`: stop after the
    accounts)."""
    from refuge.demo import run_demo

    result = run_demo(data_dir=data_dir, people=people, seed=seed, echo=_out.print)
    _print_summary(result.summary)
    lists = Table(title="Lists imported (rows kept as records or quarantined with reasons)")
    for column in ("file", "organisation", "rows", "records", "quarantined"):
        lists.add_column(column, justify="left" if column in ("file", "organisation") else "right")
    for item in result.imports:
        lists.add_row(
            item.file, item.organisation, str(item.rows), str(item.accepted), str(item.quarantined)
        )
    _out.print(lists)
    _out.print(
        f"plaintext check: {result.values_checked} names, document and phone numbers looked for "
        f"in {result.database}: {result.values_found} found"
    )
    _out.print(f"demo database: {result.database}; key file: {result.key_file}")
    demo_accounts_and_pages(
        _out, data_dir=data_dir, serve=serve, match=serve, host="127.0.0.1", port=port
    )
    _out.print(
        f"try: REFUGE_DATA_DIR={data_dir} .venv/bin/refuge audit verify   (or `refuge summary`)"
    )


@app.command()
def screen(
    changed: Annotated[
        bool, typer.Option("--changed", help="Only cases whose facts or program changed.")
    ] = False,
    programs: Annotated[
        Path | None,
        typer.Option(help="Folder of program files (*.yaml); default: the shipped programs."),
    ] = None,
) -> None:
    """Screen every case (or the changed ones), record outcomes and reasons, and list who changed
    outcome and why: case numbers and rules only, no personal data."""
    from refuge.eligibility import (
        define_quotas,
        load_programs,
        screen_and_record,
        shipped_precedence,
        shipped_programs,
    )

    loaded = shipped_programs() if programs is None else load_programs(programs)
    refuge = bootstrap()
    try:
        report = screen_and_record(
            refuge.uow(), actor=_ACTOR, now=_now(), programs=loaded, only_changed=changed
        )
        usage = define_quotas(
            refuge.uow(), actor=_ACTOR, now=_now(), order=shipped_precedence(), programs=loaded
        )
    finally:
        refuge.close()
    table = Table(title="Screening")
    table.add_column("outcome")
    table.add_column("cases", justify="right")
    for outcome, count in sorted(report.counts.items()):
        table.add_row(str(outcome), str(count))
    _out.print(table)
    _out.print(
        f"screened {report.screened} ({report.first_screened} for the first time), "
        f"{report.unchanged} unchanged and skipped, {report.moved} moved to another stage"
    )
    if report.without_program:
        _out.print(
            f"not screened, program not loaded: {', '.join(report.without_program)}", markup=False
        )
    if report.unreadable:
        _out.print(f"not screened, household shredded: {', '.join(report.unreadable)}")
    _out.print(f"outcome changed: {len(report.changes)}")
    for change in report.changes:
        _out.print(f"  {change.read_out()}", markup=False)
    for quota in usage:
        _out.print(f"quota {quota.read_out()}", markup=False)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="The list: CSV, XLSX or HXL-tagged CSV.")],
    org: Annotated[str, typer.Option("--org", help="The organisation that sent it.")],
    profile: Annotated[
        str | None, typer.Option(help="Column mapping profile (the organisation's or shared).")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="Read only this sheet of a workbook.")] = None,
    list_name: Annotated[
        str | None,
        typer.Option("--list", help="The list this file is a version of (default: its name)."),
    ] = None,
    save_profile: Annotated[
        str | None,
        typer.Option(help="Save the mapping proposed for unmapped sheets as this profile."),
    ] = None,
) -> None:
    """Import an organisation's list: records stored encrypted, rejected rows quarantined.

    Importing the same file again adds nothing; a corrected version (same name, or --list)
    updates what changed and withdraws what it no longer lists.
    """
    from refuge.intake import Limits, import_list

    if not file.is_file():
        raise InvalidInput(f"file {file.name}: not found or not a file")
    refuge = bootstrap()
    try:
        with refuge.uow() as uow:
            uow.organisations.get(org)  # NotFound before anything is read or saved
        settings = refuge.settings
        limits = Limits(max_file_bytes=settings.import_max_bytes, max_rows=settings.import_max_rows)
        profiles_dir = settings.resolved_profiles_dir
        chosen, profiles, notes = _profiles_for(
            file, org, sheet, profile, profiles_dir, save_profile, limits
        )
        with _import_progress(file) as on_progress:
            outcome = import_list(
                refuge.uow(),
                file,
                organisation=org,
                actor=_ACTOR,
                now=_now(),
                profile=chosen,
                profiles=profiles,
                sheet=sheet,
                list_name=list_name,
                limits=limits,
                on_progress=on_progress,
                background=(os.cpu_count() or 1) > 1,  # reads on one core, stores on another
            )
    finally:
        refuge.close()
    if outcome.report is not None:
        for note in notes:
            _say(note)
        _say(outcome.report.render())
    _say(outcome.render())


def _say(text: str) -> None:
    # Reports are read and grepped line by line: no markup, no wrapping to the terminal.
    _out.print(text, markup=False, soft_wrap=True, highlight=False)


def _profiles_for(
    file: Path,
    org: str,
    sheet: str | None,
    name: str | None,
    directory: Path,
    save_as: str | None,
    limits: Limits,
) -> tuple[Profile | None, list[Profile], list[str]]:
    """The profile asked for, and the organisation's profiles; for sheets none of them maps,
    the proposed mapping (to print) and, with `save_as`, saved as the organisation's profile."""
    from refuge.intake import (
        find_profile,
        inspect_list,
        load_profiles,
        save_profile,
        shared_profiles,
    )

    profiles = load_profiles(directory, organisation=org) if directory.is_dir() else []
    if name is not None:
        candidates = [*profiles, *shared_profiles()]
        found = next((p for p in candidates if p.name == name), None)
        if found is None:
            raise InvalidConfiguration(
                f"profile {name}: not found for organisation {org} in {directory}"
            )
        return found, profiles, []
    notes: list[str] = []
    unmapped = [
        proposal
        for proposal in inspect_list(file, sheet=sheet, limits=limits)
        if find_profile(proposal.header, [*profiles, *shared_profiles()]) is None
    ]
    for number, proposal in enumerate(unmapped):
        where = f"sheet {proposal.header.sheet}" if proposal.header.sheet else f"file {file.name}"
        notes.append(f"No profile of {org} maps {where}; mapping proposed from its headers:")
        notes.append(proposal.render())
        if save_as is None:
            notes.append(f"(keep it with --save-profile NAME, or write a profile in {directory})")
            continue
        profile_name = save_as if number == 0 else f"{save_as}-{proposal.header.sheet}"
        directory.mkdir(parents=True, exist_ok=True)
        saved = save_profile(
            proposal.to_profile(org, profile_name), directory / f"{org}-{profile_name}.yaml"
        )
        notes.append(f"saved as profile {profile_name} of {org}: {saved}")
        profiles = load_profiles(directory, organisation=org)
    return None, profiles, notes


_PROGRESS_FROM_BYTES = 1024 * 1024


@contextmanager
def _import_progress(file: Path) -> Iterator[Callable[[ImportProgress], None] | None]:
    """A progress bar on stderr for long imports (big files); nothing for short ones."""
    if file.stat().st_size < _PROGRESS_FROM_BYTES:
        yield None
        return
    with Progress(
        TextColumn("importing {task.fields[name]}"),
        BarColumn(),
        TextColumn("{task.fields[rows]} rows"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("import", total=1.0, name=file.name, rows=0)

        def update(progress: ImportProgress) -> None:
            bar.update(task, completed=progress.fraction or 0.0, rows=progress.rows)

        yield update


@quarantine_app.command("list")
def quarantine_list(
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation's.")] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Also rows corrected or resolved since.")
    ] = False,
) -> None:
    """Quarantined rows: file, sheet, row, field and problem (never the values)."""
    from refuge.intake import list_quarantine

    refuge = bootstrap()
    try:
        entries = list_quarantine(refuge.uow(), org, open_only=not all_)
    finally:
        refuge.close()
    for entry in entries:
        sheet = f", sheet {entry.sheet}" if entry.sheet else ""
        status = "" if all_ is False else f" [{entry.status}]"
        for problem in entry.problems:
            what = "" if problem.field == "row" else f", field {problem.field}"
            _say(
                f"{entry.id}  file {entry.file}{sheet}, row {entry.row}{what}: "
                f"{problem.severity}: {problem.problem}{status}"
            )
    _out.print(f"{len(entries)} quarantined row(s)" + ("" if all_ else " open"))


@quarantine_app.command("show")
def quarantine_show(
    entry: Annotated[str, typer.Argument(help="The quarantined row's id (from `list`).")],
) -> None:
    """One quarantined row with its original values, to correct it (the viewing is audited)."""
    from refuge.intake import show_quarantined

    entry_id = _entry_id(entry)
    refuge = bootstrap()
    try:
        row = show_quarantined(refuge.uow(), entry_id, actor=_ACTOR, now=_now())
    finally:
        refuge.close()
    _say(f"{row.provenance.where()} [{row.entry.status}]")
    for label, value in row.values:
        _say(f"  {label}: {value}")
    for field, value in row.corrections.items():
        _say(f"  corrected {field}: {value}")
    for problem in row.entry.problems:
        _say(f"  field {problem.field}: {problem.severity}: {problem.problem}")


def _entry_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise typer.BadParameter("not a quarantined row id") from None


@quarantine_app.command("correct")
def quarantine_correct(
    entry: Annotated[str, typer.Argument(help="The quarantined row's id (from `list`).")],
    field: Annotated[str, typer.Argument(help="The field to correct, e.g. date_of_birth.")],
    value: Annotated[
        str, typer.Option(prompt="Corrected value (empty clears the field)", help="The value.")
    ],
) -> None:
    """Correct one field of a quarantined row; it is checked again and, if now valid, accepted."""
    from refuge.intake import correct_quarantined

    entry_id = _entry_id(entry)
    refuge = bootstrap()
    try:
        done = correct_quarantined(refuge.uow(), entry_id, {field: value}, actor=_ACTOR, now=_now())
    finally:
        refuge.close()
    if done.accepted:
        _out.print(f"quarantined row {entry_id} accepted as record {done.record_id}")
        return
    for problem in done.problems:
        _say(f"field {problem.field}: {problem.severity}: {problem.problem}")
    _out.print(f"quarantined row {entry_id} is still rejected; correction kept")
    raise typer.Exit(1)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Lower-case login name, e.g. j.doe.")],
    role: Annotated[str, typer.Option(help="coordinator, case_officer, auditor, ...")],
    organisation: Annotated[
        str | None, typer.Option(help="The organisation's code (partner organisations).")
    ] = None,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Add a user (the first coordinator, for one); prints the second-factor seed once."""
    from refuge.accounts import AccountPolicy, Guards, Role, enrol_user

    try:
        chosen = Role(role)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise typer.BadParameter(f"role must be one of {names}") from None
    refuge = bootstrap()
    try:
        enrolment = enrol_user(
            refuge.uow(),
            Guards(AccountPolicy()),
            username=username,
            password=password,
            role=chosen,
            organisation=organisation,
            actor=_ACTOR,
            now=_now(),
        )
    finally:
        refuge.close()
    _out.print(f"user {username} added as {chosen}")
    _out.print("add this to the user's authenticator app now; it is not shown again:")
    _out.print(f"  seed: {enrolment.totp_secret}")
    _out.print(f"  uri:  {enrolment.provisioning_uri}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    plain_http: Annotated[
        bool,
        typer.Option(help="Send cookies over plain HTTP too (loopback development only)."),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Processes sharing the port (about one per core). Rate limits are kept per "
            "process, so each gets its share of them.",
        ),
    ] = 1,
) -> None:
    """Run the HTTP service (uvicorn). Put it behind a TLS-terminating proxy in production."""
    from refuge.accounts import AccountPolicy
    from refuge.api import create_app
    from refuge.api.serving import serve as serve_app

    refuge = bootstrap()  # refuses a missing key or an out-of-date schema before listening
    policy = AccountPolicy().per_worker(workers)

    def make_app() -> FastAPI:
        # In each worker after the fork: connections pooled before it are not shared.
        refuge.engine.dispose(close=False)
        return create_app(refuge, policy=policy, secure_cookies=not plain_http)

    try:
        serve_app(
            make_app,
            host=host,
            port=port,
            workers=workers,
            proxy_headers=True,
            server_header=False,
        )
    finally:
        refuge.close()


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
