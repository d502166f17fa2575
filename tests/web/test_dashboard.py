"""The coordinator's dashboard: counts, the funnel, departures against the deadline with the
forecast, and the review and quarantine sizes, in charts readable without colour."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from refuge.accounts import Role
from refuge.cases.services import move_case
from refuge.domain import Flight, Stage

from .journeys import sign_in
from .site import START, Site


def test_the_coordinator_sees_the_operation_at_a_glance_in_charts_with_words(
    page: Page, site: Site, shoot: Callable[[Page, str], Path]
) -> None:
    with site.refuge.uow() as uow:
        uow.flights.add(
            Flight(
                code="rf201", aircraft="C-17", seats=60, origin="OAKB", destination="OMAM",
                departs_earliest=START + dt.timedelta(days=2),
                departs_latest=START + dt.timedelta(days=2, hours=3),
            )
        )  # fmt: skip
        uow.commit()
    sign_in(page, site, Role.COORDINATOR)
    expect(page.get_by_role("heading", level=1)).to_have_text("The operation at a glance")
    people = page.locator(".figures div", has_text="People").locator("dd")
    expect(people).to_have_text("150")
    # Every chart is an image with a title and a description listing its figures in words.
    for title in ("People by program", "People by nationality", "Cases through the pipeline"):
        chart = page.get_by_role("img", name=title)
        expect(chart).to_be_visible()
    funnel = page.locator("svg#funnel, svg[aria-labelledby='funnel-t funnel-d']")
    expect(funnel.locator("desc")).to_contain_text("submitted: 21")
    # Bars are told apart by pattern, not colour.
    assert page.locator("svg rect[fill^='url(#p-']").count() > 10
    expect(page.get_by_text("people are expected out by")).to_be_visible()
    expect(page.get_by_role("table", name="Forecast by program and category")).to_be_visible()
    shoot(page, "dashboard")


def registered_case(site: Site) -> str:
    with site.refuge.uow() as uow:
        rows = uow.case_listing.list(organisation=None, stage=Stage.REGISTERED, limit=1, offset=0)
    return rows[0].number


def test_the_dashboard_counts_departures_per_day_and_moves_with_the_deadline(
    page: Page, site: Site
) -> None:
    number = registered_case(site)
    path = (
        Stage.ELIGIBLE, Stage.VETTING_CLEARED, Stage.APPROVED, Stage.MANIFESTED,
        Stage.CHECKED_IN, Stage.BOARDED, Stage.DEPARTED,
    )  # fmt: skip
    for stage in path:
        move_case(site.refuge.uow(), number, stage, actor="test", now=site.clock.now)
    with site.refuge.uow() as uow:
        people = len(uow.households.get(uow.cases.get(number).household_id).members)
    sign_in(page, site, Role.COORDINATOR)
    days = page.get_by_role("img", name="People departed per day")
    expect(days.locator("desc")).to_contain_text(f"Departed: {START.date().isoformat()}: {people}")
    page.get_by_label("Deadline", exact=True).fill("2026-09-01")
    page.get_by_role("button", name="Show").click()
    expect(days.locator("desc")).to_contain_text("Deadline 2026-09-01")
    expect(page.get_by_text("At the rate observed lately")).to_be_visible()
