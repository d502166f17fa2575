"""A case: one household in one program, moving through the pipeline with a recorded history."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from refuge.domain.errors import IllegalTransition, InvalidInput
from refuge.domain.pipeline import REASON_REQUIRED, TRANSITIONS, Stage

__all__ = ["Case", "Transition"]


@dataclass(frozen=True, slots=True)
class Transition:
    """One move of a case: who made it, when, and why."""

    from_stage: Stage
    to_stage: Stage
    actor: str
    at: dt.datetime
    reason: str = ""


@dataclass(slots=True)
class Case:
    """One household in one program. `version` guards against saving from a stale copy."""

    number: str
    household_id: uuid.UUID
    program: str
    organisation: str
    stage: Stage = Stage.SUBMITTED
    priority: float = 0.0
    history: list[Transition] = field(default_factory=list)
    version: int = 0
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def can_move_to(self, stage: Stage) -> bool:
        return stage in TRANSITIONS[self.stage]

    def move_to(self, stage: Stage, *, actor: str, at: dt.datetime, reason: str = "") -> Transition:
        """Move the case to `stage`, or raise IllegalTransition saying which move and why not."""
        if at.tzinfo is None:
            raise InvalidInput(f"case {self.number}: transition time must carry a time zone")
        if not actor.strip():
            raise InvalidInput(f"case {self.number}: a transition needs an actor")
        if stage not in TRANSITIONS[self.stage]:
            allowed = ", ".join(sorted(TRANSITIONS[self.stage])) or "none (the case is closed)"
            raise IllegalTransition(
                f"case {self.number}: cannot move from {self.stage} to {stage}; "
                f"allowed next: {allowed}"
            )
        if stage in REASON_REQUIRED and not reason.strip():
            raise IllegalTransition(
                f"case {self.number}: moving from {self.stage} to {stage} needs a reason"
            )
        move = Transition(self.stage, stage, actor, at, reason)
        self.history.append(move)
        self.stage = stage
        return move
