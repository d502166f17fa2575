"""The `refuge plan`, `refuge flight` and `refuge forecast` commands: declare flights, plan the
approved households onto them as a new stored version, read and compare versions, allow a
household to be split, and forecast who leaves by the deadline. Output carries case numbers,
flight codes and counts only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from refuge.bootstrap import bootstrap
from refuge.domain import Flight, InvalidInput
from refuge.planning import (
    PlanDiff,
    allow_split,
    compare_plans,
    deadline_forecast,
    declare_flight,
    plan_versions,
    read_plan,
    run_plan,
)

__all__ = ["flight_app", "forecast_command", "plan_app"]

plan_app = typer.Typer(
    help="Plan approved households onto flights; read and compare plan versions.",
    invoke_without_command=True,
)
flight_app = typer.Typer(help="Flights that plans may use.", no_args_is_help=True)
_out = Console(highlight=False)
_ACTOR = "cli"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _say(text: str) -> None:
    _out.print(text, markup=False, soft_wrap=True, highlight=False)


def _when(text: str, what: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{what}: not an ISO 8601 time (2021-08-26T06:00+00:00)") from None
    if value.tzinfo is None:
        raise typer.BadParameter(f"{what}: give a time zone (e.g. +00:00)")
    return value


@plan_app.callback()
def plan_command(
    ctx: typer.Context,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="Seconds the solver may take in all.")
    ] = 30.0,
    surge: Annotated[
        bool, typer.Option("--surge", help="Use the surge seats operators allow.")
    ] = False,
    workers: Annotated[int, typer.Option(min=0, help="Solver threads (0: all cores).")] = 0,
    precedence: Annotated[
        Path | None,
        typer.Option(help="Order of precedence file (default: the shipped one)."),
    ] = None,
) -> None:
    """Plan every approved household onto the flights still to leave (greedy plan, then CP-SAT
    warm-started from it and from the last version), store it as a new version with its
    manifests, and print what changed for whom since the last version."""
    if ctx.invoked_subcommand is not None:
        return
    from refuge.eligibility import load_precedence, shipped_precedence

    order = shipped_precedence() if precedence is None else load_precedence(precedence)
    refuge = bootstrap()
    try:
        run = run_plan(
            refuge.uow(),
            actor=_ACTOR,
            now=_now(),
            order=order,
            time_limit_s=time_limit,
            allow_surge=surge,
            workers=workers,
        )
    finally:
        refuge.close()
    for line in run.summary():
        _say(line)
    _print_changes(run.changes)


@plan_app.command("versions")
def versions() -> None:
    """Every stored plan version: when, by whom, how it was made and what it seats."""
    refuge = bootstrap()
    try:
        records = plan_versions(refuge.uow())
    finally:
        refuge.close()
    table = Table(title="Plan versions")
    for column in ("version", "kind", "status", "by", "at", "seated", "people", "gap"):
        table.add_column(column)
    for r in records:
        gap = "" if r.gap is None else f"{r.gap:.4%}"
        table.add_row(
            str(r.version),
            r.kind,
            r.status,
            r.actor,
            r.created_at.isoformat(timespec="seconds"),
            str(r.seated),
            str(r.people),
            gap,
        )
    _out.print(table)
    _say(f"{len(records)} version(s)")


@plan_app.command("show")
def show(
    version: Annotated[int | None, typer.Option(help="The version (default: the latest).")] = None,
    flight: Annotated[str | None, typer.Option(help="Only this flight's manifest.")] = None,
) -> None:
    """A version: its figures, then each flight's households (case numbers and seats) and its
    standby list in order."""
    refuge = bootstrap()
    try:
        stored = read_plan(refuge.uow(), version)
    finally:
        refuge.close()
    r = stored.record
    bound = "none proven" if r.bound is None else f"{r.bound:,.2f}"
    gap = "" if r.gap is None else f", gap {r.gap:.4%}"
    _say(
        f"plan version {r.version} ({r.kind}, {r.status}) by {r.actor} at "
        f"{r.created_at.isoformat(timespec='seconds')}: {r.seated} of {r.people} people seated"
    )
    _say(f"objective {r.objective:,.2f}, bound {bound}{gap}")
    numbers = {h.household_id: h.case_number for h in stored.plan.households}
    shown = 0
    for f in stored.plan.flights:
        if flight is not None and f.code != flight:
            continue
        shown += 1
        manifest = stored.plan.manifest(f.id)
        capacity = f.seats + (f.surge_seats if r.allow_surge else 0)
        _say(f"flight {f.code}: {sum(a.people for a in manifest)} of {capacity} seats")
        for a in manifest:
            held = f", {a.checked_in} checked in" if a.checked_in else ""
            _say(f"  case {a.case_number}: {a.people}{held}")
        waiting = stored.plan.standby.get(f.id, ())
        if waiting:
            listed = ", ".join(f"{n}. {numbers[h]}" for n, h in enumerate(waiting, start=1))
            _say(f"  standby: {listed}")
    if flight is not None and shown == 0:
        raise InvalidInput(f"flight {flight} is not in plan version {r.version}")


@plan_app.command("diff")
def diff_command(
    old: Annotated[int, typer.Argument(help="The earlier version.")],
    new: Annotated[int, typer.Argument(help="The later version.")],
) -> None:
    """What changed for whom from one version to another."""
    refuge = bootstrap()
    try:
        changes = compare_plans(refuge.uow(), old, new)
    finally:
        refuge.close()
    _print_changes(changes)


@plan_app.command("allow-split")
def allow_split_command(
    household: Annotated[str, typer.Argument(help="The household's id, or one of its cases.")],
    revoke: Annotated[bool, typer.Option("--revoke", help="Forbid splitting it again.")] = False,
) -> None:
    """Allow a household to fly on several flights, or partly, when that seats more of it; the
    next plan applies it."""
    refuge = bootstrap()
    try:
        household_id, changed = allow_split(
            refuge.uow(), household, actor=_ACTOR, now=_now(), allowed=not revoke
        )
    finally:
        refuge.close()
    state = "may not be split" if revoke else "may be split"
    already = "" if changed else " (already so)"
    _say(f"household {household_id} {state}{already}; the next plan applies it")


def _print_changes(changes: PlanDiff) -> None:
    count = len(changes.changes)
    _say(f"changes from version {changes.old_version} to {changes.new_version}: {count}")
    for change in changes.changes:
        _say(f"  {change.read_out()}")


# -- flights ----------------------------------------------------------------------------------


@flight_app.command("add")
def flight_add(
    code: Annotated[str, typer.Argument(help="The flight's code, e.g. RCH871.")],
    aircraft: Annotated[str, typer.Option(help="Aircraft type, e.g. C-17.")],
    seats: Annotated[int, typer.Option(min=1, help="Seats offered.")],
    origin: Annotated[str, typer.Option(help="IATA or ICAO code, e.g. KBL.")],
    destination: Annotated[str, typer.Option(help="IATA or ICAO code, e.g. DOH.")],
    earliest: Annotated[str, typer.Option(help="Departure window opens (ISO 8601, with zone).")],
    latest: Annotated[str, typer.Option(help="Departure window closes (ISO 8601, with zone).")],
    surge: Annotated[int, typer.Option(min=0, help="Extra seats the operator allows.")] = 0,
    operator_state: Annotated[
        str | None,
        typer.Option(help="Alpha-3 of a partner nation flying it: its nationals board first."),
    ] = None,
    program: Annotated[
        list[str] | None, typer.Option(help="A program it may carry (repeat; none: any).")
    ] = None,
    nationality: Annotated[
        list[str] | None,
        typer.Option(help="A nationality it may carry, alpha-3 (repeat; none: any)."),
    ] = None,
) -> None:
    """Declare a flight: aircraft, seats and surge seats, departure window, route, and the
    programs and nationalities it may carry."""
    flight = Flight(
        code=code,
        aircraft=aircraft,
        seats=seats,
        origin=origin,
        destination=destination,
        departs_earliest=_when(earliest, "earliest"),
        departs_latest=_when(latest, "latest"),
        surge_seats=surge,
        operator_state=operator_state,
        programs=frozenset(program or ()),
        nationalities=frozenset(nationality or ()),
    )
    refuge = bootstrap()
    try:
        declare_flight(refuge.uow(), flight, actor=_ACTOR, now=_now())
    finally:
        refuge.close()
    _say(f"flight {code} declared: {aircraft}, {seats} seats (+{surge} surge)")


@flight_app.command("list")
def flight_list() -> None:
    """Every flight with its window, seats and what it may carry (departure times are
    operationally sensitive: this is the operator's own console)."""
    refuge = bootstrap()
    try:
        with refuge.uow() as uow:
            flights = uow.flights.list()
    finally:
        refuge.close()
    table = Table(title="Flights")
    for column in ("code", "aircraft", "seats", "surge", "route", "window", "operator", "carries"):
        table.add_column(column)
    for f in flights:
        carries = " ".join(sorted(f.programs)) or "any program"
        carries += "; " + (" ".join(sorted(f.nationalities)) or "any nationality")
        table.add_row(
            f.code,
            f.aircraft,
            str(f.seats),
            str(f.surge_seats),
            f"{f.origin}-{f.destination}",
            f"{f.departs_earliest.isoformat(timespec='minutes')} to "
            f"{f.departs_latest.isoformat(timespec='minutes')}",
            f.operator_state or "",
            carries,
        )
    _out.print(table)
    _say(f"{len(flights)} flight(s)")


# -- forecast ---------------------------------------------------------------------------------


def forecast_command(
    deadline: Annotated[str, typer.Option(help="The deadline (ISO 8601, with zone).")],
    fill_rate: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Share of seats filled (default: the latest plan's)."),
    ] = None,
    per_day: Annotated[
        float | None,
        typer.Option("--per-day", min=0.0, help="People observed leaving per day, instead."),
    ] = None,
) -> None:
    """Who is expected out by the deadline and who is not, per program and category, and how many
    extra seats would clear the backlog: counts only."""
    when = _when(deadline, "deadline")
    if fill_rate is not None and per_day is not None:
        raise typer.BadParameter("give --fill-rate or --per-day, not both")
    refuge = bootstrap()
    try:
        result = deadline_forecast(
            refuge.uow(), when, now=_now(), fill_rate=fill_rate, departures_per_day=per_day
        )
    finally:
        refuge.close()
    _say(
        f"by {result.deadline.isoformat(timespec='minutes')}: {result.flights} flights, "
        f"{result.seats} seats filled at {result.fill_rate:.1%}, "
        f"{result.expected_departures} people expected out"
    )
    table = Table(title="Deadline forecast")
    for column in (
        "rank", "category", "program", "households", "people", "leaving", "left behind",
        "held by quota", "extra seats",
    ):  # fmt: skip
        table.add_column(column)
    for line in result.lines:
        extra = "no rate" if line.extra_seats is None else str(line.extra_seats)
        table.add_row(
            str(line.rank),
            line.category,
            line.program,
            str(line.households),
            str(line.people),
            str(line.people_leaving),
            str(line.people_left_behind),
            str(line.people_held_by_quota),
            extra,
        )
    _out.print(table)
    total = "cannot be cleared at a rate of 0" if result.extra_seats is None else result.extra_seats
    _say(f"people left behind: {result.people_left_behind}; extra seats to clear them: {total}")
