"""Planning: whole households onto flights before the deadline. Pure functions over plain inputs
(`PlanningHousehold`, `refuge.domain.Flight`, category quotas), and the use cases that run them
over the stored operation (`stored.py`, through the ports `refuge.store` implements)."""

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
from refuge.planning.ports import (
    Notice,
    PlanningUnitOfWork,
    PlanRecord,
    PlanRepository,
    PlanStoreUnitOfWork,
    StoredHousehold,
)
from refuge.planning.services import greedy_plan, plan, reoffer
from refuge.planning.stored import (
    PLANNED_STAGES,
    PlanRun,
    StoredPlan,
    allow_split,
    compare_plans,
    deadline_forecast,
    declare_flight,
    plan_versions,
    read_plan,
    reoffer_in,
    run_plan,
)

__all__ = [
    "PLANNED_STAGES",
    "Notice",
    "PlanRecord",
    "PlanRepository",
    "PlanRun",
    "PlanStoreUnitOfWork",
    "PlanningUnitOfWork",
    "StoredHousehold",
    "StoredPlan",
    "allow_split",
    "compare_plans",
    "deadline_forecast",
    "declare_flight",
    "plan_versions",
    "read_plan",
    "reoffer_in",
    "run_plan",
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
