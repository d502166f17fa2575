"""Programs: the paths out of the country an operation offers."""

from __future__ import annotations

from fastapi import APIRouter, status

from refuge.accounts import create_program, list_programs
from refuge.api.deps import Acting, Now, Svc
from refuge.api.schemas import ProgramIn, ProgramOut
from refuge.domain import Program

__all__ = ["router"]

router = APIRouter(prefix="/programs", tags=["programs"])


@router.get("", response_model=list[ProgramOut])
def programs(principal: Acting, svc: Svc) -> list[ProgramOut]:
    return [ProgramOut.model_validate(p) for p in list_programs(svc.uow(), principal)]


@router.post("", response_model=ProgramOut, status_code=status.HTTP_201_CREATED)
def add(body: ProgramIn, principal: Acting, svc: Svc, now: Now) -> ProgramOut:
    program = Program(body.code, body.name, body.precedence, body.quota, body.version)
    create_program(svc.uow(), principal, program, now=now)
    return ProgramOut.model_validate(program)
