"""The demo's flights and first plan: the loaded cases screened, the eligible ones cleared by a
demo vetting officer and approved against their quotas, a few flights declared (one a partner
nation's), and `refuge plan` run over them. Prints counts and the plan's summary only."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from refuge.bootstrap import Refuge
from refuge.cases.services import move_case
from refuge.domain import Conflict, Flight, Stage
from refuge.eligibility import (
    approve_case,
    define_quotas,
    screen_and_record,
    shipped_precedence,
    shipped_programs,
)
from refuge.planning import PlanRun, declare_flight, run_plan

__all__ = ["DEMO_APPROVALS", "plan_demo"]

_ACTOR = "demo"
# Approving is one transaction per case, as an officer would: the demo approves this many at
# most, so that large demos stay quick.
DEMO_APPROVALS = 1000
# Seats offered against the people approved: some are left on standby, as in 2021.
_SEAT_SHARE = 0.8
# (code, aircraft, share of the seats, surge seats, operator state, programs it carries)
_FLIGHTS = (
    ("RCH801", "C-17", 0.35, 150, None, frozenset[str]()),
    ("RCH802", "B777", 0.30, 0, None, frozenset[str]()),
    ("RRR4101", "A400M", 0.15, 0, "GBR", frozenset({"partner-tcn", "citizens"})),
    ("RCH803", "A330", 0.20, 30, None, frozenset({"siv", "humanitarian-p"})),
)


def plan_demo(
    refuge: Refuge, *, now: dt.datetime, echo: Callable[[str], object] = print
) -> PlanRun | None:
    """Screen, clear, approve, declare flights and plan; the plan run, or None if nobody was
    approved (a tiny operation with no eligible case)."""
    programs = shipped_programs()
    order = shipped_precedence()
    screen_and_record(refuge.uow(), actor=_ACTOR, now=now, programs=programs)
    define_quotas(refuge.uow(), actor=_ACTOR, now=now, order=order, programs=programs)
    with refuge.uow() as uow:
        eligible = [c.number for c in uow.eligibility.screenable(frozenset({Stage.ELIGIBLE}))]
    approved = 0
    people = 0
    for number in eligible[:DEMO_APPROVALS]:
        move_case(refuge.uow(), number, Stage.VETTING_CLEARED, actor="demo-vetting", now=now)
        try:
            approve_case(refuge.uow(), number, actor="demo-coordinator", now=now, order=order)
        except Conflict:  # a quota is full: the case waits, cleared but not approved
            continue
        with refuge.uow() as uow:
            people += len(uow.households.get(uow.cases.get(number).household_id).members)
        approved += 1
    echo(f"screened the cases; {len(eligible)} eligible, {approved} approved ({people} people)")
    if not approved:
        return None
    seats = max(len(_FLIGHTS), math.ceil(people * _SEAT_SHARE))
    for hours, (code, aircraft, share, surge, state, carries) in enumerate(_FLIGHTS):
        departs = now + dt.timedelta(hours=12 + 8 * hours)
        flight = Flight(
            code=code,
            aircraft=aircraft,
            seats=max(1, round(seats * share)),
            origin="KBL",
            destination="DOH" if state is None else "BZZ",
            departs_earliest=departs,
            departs_latest=departs + dt.timedelta(hours=3),
            surge_seats=surge,
            operator_state=state,
            programs=carries,
        )
        declare_flight(refuge.uow(), flight, actor=_ACTOR, now=now)
    run = run_plan(refuge.uow(), actor="demo-coordinator", now=now, order=order, time_limit_s=10.0)
    for line in run.summary():
        echo(line)
    return run
