"""Flights: departure times withheld until the release window, except from flight operations
and coordinators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from refuge.accounts import list_flights, read_flight
from refuge.api.deps import Acting, Now, Svc
from refuge.api.schemas import LINE, FlightOut

__all__ = ["router"]

router = APIRouter(prefix="/flights", tags=["flights"])


@router.get("", response_model=list[FlightOut])
def flights(principal: Acting, svc: Svc, now: Now) -> list[FlightOut]:
    views = list_flights(svc.uow(), svc.guards, principal, now=now)
    return [FlightOut.model_validate(v) for v in views]


@router.get("/{code}", response_model=FlightOut)
def flight(
    code: Annotated[str, Path(min_length=1, max_length=64, pattern=LINE)],
    principal: Acting,
    svc: Svc,
    now: Now,
) -> FlightOut:
    return FlightOut.model_validate(read_flight(svc.uow(), svc.guards, principal, code, now=now))
