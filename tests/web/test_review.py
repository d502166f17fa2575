"""The review queue from the keyboard: the pair side by side with differences marked, confirmed
with `c`, skipped with `s`, rejected with `r`; each decision recorded through matching."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from refuge.accounts import Role
from refuge.matching import Decision, match, review_queue

from .journeys import sign_in
from .site import START, Site


@pytest.fixture(scope="module")
def matched(site: Site) -> Site:
    # A wide band of uncertainty, so the small operation leaves several pairs for a person.
    report = match(site.refuge.uow(), actor="test", now=START, review_band=(0.01, 0.9999))
    assert report.review_pairs >= 3, "the seeded operation should leave pairs to review"
    return site


def test_a_case_officer_decides_pairs_from_the_keyboard(
    page: Page, matched: Site, shoot: Callable[[Page, str], Path]
) -> None:
    site = matched
    waiting = len(review_queue(site.refuge.uow()))
    sign_in(page, site, Role.CASE_OFFICER)
    page.goto("/review-queue")
    heading = page.get_by_role("heading", level=2)
    expect(heading).to_have_text(f"Pair 1 of {waiting}: are these one person?")
    pair = page.get_by_role("table", name="The two records side by side")
    expect(pair.locator("tr.differs").first).to_be_visible()
    expect(pair.locator("tr.differs th").first).to_contain_text("differs")
    shoot(page, "review-pair")

    page.keyboard.press("s")
    expect(heading).to_have_text(f"Pair 2 of {waiting}: are these one person?")
    page.keyboard.press("c")
    expect(page.get_by_role("status")).to_contain_text("Recorded: one person")
    expect(heading).to_contain_text(f"of {waiting - 1}")
    page.keyboard.press("r")
    expect(page.get_by_role("status")).to_contain_text("Recorded: two people")
    expect(heading).to_contain_text(f"of {waiting - 2}")
    with site.refuge.uow() as uow:
        decided = [p.decision for p in uow.matching.pairs() if p.decision is not Decision.OPEN]
    assert sorted(decided) == sorted([Decision.CONFIRMED, Decision.REJECTED])
