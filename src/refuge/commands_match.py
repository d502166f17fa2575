"""`refuge match` and `refuge review`: linking stored records into persons and households, and a
case officer's decisions on the pairs the model was unsure of. Counts, ids and field names are
printed; never a person's data."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from refuge.bootstrap import bootstrap

if TYPE_CHECKING:  # matching (name rules, splink) loads only when one of these commands runs
    from refuge.matching import DecisionOutcome

__all__ = ["match_command", "review_app"]

review_app = typer.Typer(
    help="Pairs of records the matcher was unsure of: confirm, reject or undo.",
    no_args_is_help=True,
)

_out = Console(highlight=False)
_ACTOR = "cli"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def match_command(
    engine: Annotated[
        str, typer.Option(help="duckdb (one machine) or spark (a cluster, or local mode).")
    ] = "duckdb",
    threshold: Annotated[
        float,
        typer.Option(
            min=0.001, max=1.0, help="Pairs at or above this match probability are linked."
        ),
    ] = 0.9,
    review_from: Annotated[
        float,
        typer.Option(
            min=0.001,
            max=1.0,
            help="Pairs from this match probability up to the threshold go to review; lower it "
            "when there are officers to review more.",
        ),
    ] = 0.5,
) -> None:
    """Link every stored record into persons and households; uncertain pairs go to review."""
    from refuge.matching import match

    refuge = bootstrap()
    try:
        report = match(
            refuge.uow(),
            actor=_ACTOR,
            now=_now(),
            engine=engine,
            threshold=threshold,
            review_band=(review_from, threshold),
        )
    finally:
        refuge.close()
    table = Table(title=f"Matching ({report.engine}, {report.seconds:.1f} s)")
    table.add_column("")
    table.add_column("count", justify="right")
    for label, value in (
        ("records", report.records),
        ("persons", report.persons),
        ("households", report.households),
        ("links", report.links),
        ("review pairs", report.review_pairs),
        ("decisions kept", report.decisions_kept),
    ):
        table.add_row(label, str(value))
    _out.print(table)


@review_app.command("list")
def review_list() -> None:
    """The open pairs, most uncertain first: probability and which fields agree or disagree."""
    from refuge.matching import review_queue

    refuge = bootstrap()
    try:
        pairs = review_queue(refuge.uow())
    finally:
        refuge.close()
    table = Table(title=f"{len(pairs)} pair(s) to review")
    table.add_column("pair")
    table.add_column("probability", justify="right")
    table.add_column("agree")
    table.add_column("disagree")
    for pair in pairs:
        agree = ", ".join(f.field for f in pair.fields if f.verdict == "agrees")
        disagree = ", ".join(f.field for f in pair.fields if f.verdict == "disagrees")
        table.add_row(str(pair.id), f"{pair.probability:.3f}", agree or "-", disagree or "-")
    _out.print(table)


def _pair_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise typer.BadParameter("not a review pair id") from None


PairId = Annotated[str, typer.Argument(help="The pair's id, as `refuge review list` shows it.")]


def _said(outcome: DecisionOutcome, what: str) -> None:
    _out.print(
        f"review pair {outcome.pair.id} {what}; persons {outcome.persons_before} -> "
        f"{outcome.persons_after}; households {outcome.households_before} -> "
        f"{outcome.households_after}"
    )


@review_app.command("confirm")
def review_confirm(pair: PairId) -> None:
    """The two records are one person: merge their persons."""
    from refuge.matching import decide

    refuge = bootstrap()
    try:
        outcome = decide(refuge.uow(), _pair_id(pair), "confirm", actor=_ACTOR, now=_now())
    finally:
        refuge.close()
    _said(outcome, "confirmed")


@review_app.command("reject")
def review_reject(pair: PairId) -> None:
    """The two records are two people: keep them apart, now and in every later run."""
    from refuge.matching import decide

    refuge = bootstrap()
    try:
        outcome = decide(refuge.uow(), _pair_id(pair), "reject", actor=_ACTOR, now=_now())
    finally:
        refuge.close()
    _said(outcome, "rejected")


@review_app.command("undo")
def review_undo(pair: PairId) -> None:
    """Take back a decision (a confirmation unmerges); the pair returns to the queue."""
    from refuge.matching import undo

    refuge = bootstrap()
    try:
        outcome = undo(refuge.uow(), _pair_id(pair), actor=_ACTOR, now=_now())
    finally:
        refuge.close()
    _said(outcome, "reopened")
