"""The `refuge site`, `refuge arrive` and `refuge depart` commands: reception sites and their
capacity, people received against a flight's manifest or at a land border, onward movement,
occupancy over time, and the warning before a site fills. Counts, codes and case numbers only."""

from __future__ import annotations

import datetime as dt
import enum
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from refuge.arrival import (
    DEFAULT_WARN_PERCENT,
    CapacityWarning,
    Registration,
    Site,
    SiteKind,
    SiteStatus,
    add_site,
    arrive_case,
    arrive_flight,
    arrive_land_border,
    arrive_scans,
    depart,
    expect_flight,
    occupancy,
    occupancy_at_time,
    site_status,
    sites_status,
)
from refuge.bootstrap import bootstrap
from refuge.domain.errors import InvalidInput
from refuge.gate import load_or_create_signing_key, signing_key_path

__all__ = ["arrive_app", "depart_command", "site_app"]

site_app = typer.Typer(help="Transit sites and land-border reception points.", no_args_is_help=True)
arrive_app = typer.Typer(help="Register people arriving at a site.", no_args_is_help=True)
_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)

SiteOption = Annotated[str, typer.Option("--site", help="The site's code.")]
OfficerOption = Annotated[
    str, typer.Option("--officer", help="Who registers it (for the audit log).")
]


class Every(enum.StrEnum):
    HOUR = "hour"
    DAY = "day"


_STEPS = {Every.HOUR: dt.timedelta(hours=1), Every.DAY: dt.timedelta(days=1)}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _moment(text: str, option: str) -> dt.datetime:
    """An ISO 8601 date or time; without a zone, UTC."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{option}: not an ISO 8601 date or time (e.g. 2021-08-22T06:00)"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _warn(warning: CapacityWarning | None) -> None:
    if warning is not None:
        _err.print(warning.line(), markup=False, soft_wrap=True)


# -- sites -------------------------------------------------------------------------------------


@site_app.command("add")
def site_add(
    code: Annotated[str, typer.Argument(help="A short code: lower-case letters, digits, - or _.")],
    name: Annotated[str, typer.Option(help="The site's name.")],
    capacity: Annotated[int, typer.Option(min=1, help="How many people it can hold.")],
    kind: Annotated[SiteKind, typer.Option(help="Transit site or land border.")] = SiteKind.TRANSIT,
    warn_at: Annotated[
        int,
        typer.Option(min=1, max=100, help="Warn when this percentage of capacity is reached."),
    ] = DEFAULT_WARN_PERCENT,
    org: Annotated[
        str | None,
        typer.Option("--org", help="Land border: the organisation whose lists arrivals join."),
    ] = None,
    point: Annotated[
        list[str] | None,
        typer.Option("--point", help="Land border: a reception point (repeat for several)."),
    ] = None,
) -> None:
    """Register a transit site or a land-border site with its reception points."""
    site = Site(code, name, kind, capacity, warn_at, org, tuple(point or ()))
    refuge = bootstrap()
    try:
        add_site(refuge.uow(), site, actor="cli", now=_now())
    finally:
        refuge.close()
    _out.print(f"site {site.code} added: {site.kind.value}, capacity {site.capacity}")


@site_app.command("list")
def site_list() -> None:
    """Every site: capacity, people present, inbound, and whether it is warned."""
    refuge = bootstrap()
    try:
        statuses = sites_status(refuge.uow())
    finally:
        refuge.close()
    table = Table(title=f"{len(statuses)} site(s)")
    for column in ("site", "kind", "capacity", "present", "inbound", "warning"):
        table.add_column(column)
    for status in statuses:
        table.add_row(
            status.site.code,
            status.site.kind.value,
            str(status.site.capacity),
            str(status.present),
            str(sum(f.people for f in status.inbound)),
            "yes" if status.warning else "",
        )
    _out.print(table)
    for status in statuses:
        _warn(status.warning)


@site_app.command("show")
def site_show(code: Annotated[str, typer.Argument(help="The site's code.")]) -> None:
    """One site now: capacity, threshold, people present, flights inbound, and its warning."""
    refuge = bootstrap()
    try:
        status = site_status(refuge.uow(), code)
    finally:
        refuge.close()
    _print_status(status)


def _print_status(status: SiteStatus) -> None:
    site = status.site
    _out.print(f"site {site.code}: {site.name} ({site.kind.value})")
    _out.print(
        f"capacity {site.capacity}, warning at {site.warn_percent}% ({site.warn_at} people); "
        f"present {status.present}"
    )
    if site.points:
        _out.print(f"reception points: {', '.join(site.points)}; lists join {site.organisation}")
    for flight in status.inbound:
        _out.print(f"inbound: flight {flight.code} with {flight.people} people")
    _warn(status.warning)


@site_app.command("expect")
def site_expect(
    code: Annotated[str, typer.Argument(help="The site's code.")],
    flight: Annotated[str, typer.Option("--flight", help="The flight landing its people here.")],
) -> None:
    """Say a flight lands its people at this site: its manifest counts toward the site's warning
    until it lands."""
    refuge = bootstrap()
    try:
        status = expect_flight(refuge.uow(), flight, code, actor="cli", now=_now())
    finally:
        refuge.close()
    _print_status(status)


@site_app.command("occupancy")
def site_occupancy(
    code: Annotated[str, typer.Argument(help="The site's code.")],
    start: Annotated[
        str | None,
        typer.Option("--from", help="Start (ISO 8601, UTC if no zone); default 24 h ago."),
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="End (ISO 8601); default now.")] = None,
    every: Annotated[Every, typer.Option(help="Interval of the series.")] = Every.HOUR,
    at: Annotated[
        str | None, typer.Option("--at", help="Only the count present at this moment.")
    ] = None,
) -> None:
    """Occupancy over time: per interval, arrivals, departures, the peak and who was present at
    its end; or, with --at, how many were present at one moment."""
    refuge = bootstrap()
    try:
        if at is not None:
            moment = _moment(at, "--at")
            count = occupancy_at_time(refuge.uow(), code, moment)
            _out.print(f"site {code}: {count} present at {moment:%Y-%m-%d %H:%M} UTC")
            return
        until = _moment(end, "--to") if end else _now()
        since = _moment(start, "--from") if start else until - dt.timedelta(days=1)
        points = occupancy(refuge.uow(), code, start=since, end=until, step=_STEPS[every])
    finally:
        refuge.close()
    table = Table(title=f"Occupancy of site {code} per {every.value} (UTC)")
    for column in ("from", "arrived", "departed", "peak", "present"):
        table.add_column(column, justify="right" if column != "from" else "left")
    shape = "%Y-%m-%d %H:%M" if every is Every.HOUR else "%Y-%m-%d"
    for p in points:
        table.add_row(
            p.start.strftime(shape), str(p.arrived), str(p.departed), str(p.peak), str(p.present)
        )
    _out.print(table)


# -- arrivals ----------------------------------------------------------------------------------


def _print_registration(registration: Registration) -> None:
    _out.print(registration.line(), soft_wrap=True)
    _warn(registration.warning)


@arrive_app.command("flight")
def arrive_flight_command(
    flight: Annotated[str, typer.Argument(help="The flight's code.")],
    site: SiteOption,
    scans: Annotated[
        Path | None,
        typer.Option(
            help="Receive one person per line (pass token or passport zone; - for stdin) "
            "instead of the whole manifest."
        ),
    ] = None,
    officer: OfficerOption = "reception-cli",
) -> None:
    """Receive a flight at a transit site: everyone who boarded it, or one person per scan."""
    refuge = bootstrap()
    try:
        if scans is None:
            registration = arrive_flight(
                refuge.uow(), flight, site=site, officer=officer, now=_now()
            )
        else:
            key = load_or_create_signing_key(
                signing_key_path(refuge.settings.resolved_key_file), refuge.kek
            )
            results = arrive_scans(
                refuge.uow,
                _lines(scans),
                flight_code=flight,
                site=site,
                officer=officer,
                clock=_now,
                public_keys=[key.public_key()],
            )
    finally:
        refuge.close()
    if scans is None:
        _print_registration(registration)
        return
    for number, result in enumerate(results, start=1):
        _out.print(f"{number} {result.line()}", soft_wrap=True)
    arrived = [r for r in results if r.arrived]
    _out.print(f"{len(results)} scans: {len(arrived)} arrived")
    last = next((r.registration for r in reversed(arrived) if r.registration), None)
    if last is not None:
        _warn(last.warning)
    if len(arrived) < len(results):
        raise typer.Exit(1)


@arrive_app.command("case")
def arrive_case_command(
    case: Annotated[str, typer.Argument(help="The case number.")],
    site: SiteOption,
    flight: Annotated[
        str | None, typer.Option("--flight", help="The flight (default: the one it boarded).")
    ] = None,
    officer: OfficerOption = "reception-cli",
) -> None:
    """Receive a case's people who boarded a flight."""
    refuge = bootstrap()
    try:
        registration = arrive_case(
            refuge.uow(), case, site=site, officer=officer, now=_now(), flight_code=flight
        )
    finally:
        refuge.close()
    _print_registration(registration)


@arrive_app.command("land-border")
def arrive_land_border_command(
    file: Annotated[Path, typer.Argument(help="The list taken at the reception point.")],
    site: SiteOption,
    point: Annotated[
        str | None, typer.Option("--point", help="The reception point (if the site has several).")
    ] = None,
    officer: OfficerOption = "reception-cli",
) -> None:
    """Receive people at a land border: the list becomes new source records through intake
    (rejected rows quarantined), which the next `refuge match` links like any list."""
    from refuge.intake import load_profiles

    refuge = bootstrap()
    try:
        with refuge.uow() as uow:
            organisation = uow.arrivals.get_site(site).organisation
        directory = refuge.settings.resolved_profiles_dir
        profiles = (
            load_profiles(directory, organisation=organisation)
            if organisation and directory.is_dir()
            else []
        )
        received = arrive_land_border(
            refuge.uow,
            file,
            site=site,
            point=point,
            officer=officer,
            now=_now(),
            profiles=profiles,
        )
    finally:
        refuge.close()
    if received.outcome.report is not None:
        _out.print(received.outcome.report.render(), markup=False, soft_wrap=True)
    _out.print(received.outcome.render(), markup=False, soft_wrap=True)
    _print_registration(received.registration)


def depart_command(
    site: Annotated[str, typer.Argument(help="The site they leave.")],
    case: Annotated[str | None, typer.Option("--case", help="A case's people.")] = None,
    flight: Annotated[str | None, typer.Option("--flight", help="A flight's people.")] = None,
    batch: Annotated[
        str | None, typer.Option("--batch", help="People registered together (printed then).")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Where they go (a site or place code).")
    ] = None,
    officer: OfficerOption = "reception-cli",
) -> None:
    """Record people leaving a site (onward movement): its occupancy falls."""
    try:
        batch_id = uuid.UUID(batch) if batch is not None else None
    except ValueError:
        raise InvalidInput("--batch: not a batch id") from None
    refuge = bootstrap()
    try:
        gone = depart(
            refuge.uow(),
            site,
            officer=officer,
            now=_now(),
            case_number=case,
            flight_code=flight,
            batch=batch_id,
            to=to,
        )
    finally:
        refuge.close()
    where = f" to {gone.to}" if gone.to else ""
    _out.print(f"site {gone.site}: {gone.departed} departed{where}; {gone.present} present")


def _lines(file: Path) -> Iterator[str]:
    if str(file) == "-":
        yield from sys.stdin
        return
    with file.open(encoding="utf-8") as scans:
        yield from scans
