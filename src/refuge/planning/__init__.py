"""Planning: whole households onto flights before the deadline. Pure functions over plain inputs
(`PlanningHousehold`, `refuge.domain.Flight`, category quotas); storage and the `refuge plan`
command build on them."""

from refuge.planning.diff import Change, ChangeKind, PlanDiff, Seats, diff
from refuge.planning.forecast import Forecast, ForecastLine, forecast
from refuge.planning.households import PlanningHousehold, departure_order, precedence_order
from refuge.planning.plans import (
    Assignment,
    Evaluation,
    Plan,
    PlanStatus,
    SolveReport,
    StageReport,
    Violation,
    evaluate,
    precedence_violations,
)
from refuge.planning.services import greedy_plan, plan, reoffer

__all__ = [
    "Assignment",
    "Change",
    "ChangeKind",
    "Evaluation",
    "Forecast",
    "ForecastLine",
    "Plan",
    "PlanDiff",
    "PlanStatus",
    "PlanningHousehold",
    "Seats",
    "SolveReport",
    "StageReport",
    "Violation",
    "departure_order",
    "diff",
    "evaluate",
    "forecast",
    "greedy_plan",
    "plan",
    "precedence_order",
    "precedence_violations",
    "reoffer",
]
