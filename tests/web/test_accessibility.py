"""axe-core, run in the same browser, finds no serious or critical violation on the main pages:
the sign-in page and each role's landing page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from refuge.accounts import Role

from .journeys import sign_in
from .site import Site

# The main pages each role reaches, after its landing page.
PAGES: dict[Role, tuple[str, ...]] = {
    Role.COORDINATOR: ("/dashboard", "/audit-log"),
    Role.CASE_OFFICER: ("/casework", "/review-queue", "/quarantined", "/list-imports"),
    Role.PARTNER: ("/submissions",),
    Role.FLIGHT_OPERATIONS: ("/departures",),
}


def violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    """Serious and critical violations of WCAG A and AA rules on the page as it is now."""
    page.evaluate(axe_source)  # evaluated by the driver, so the pages' script policy is untouched
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
    )
    found = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    return [{"id": v["id"], "help": v["help"], "nodes": len(v["nodes"])} for v in found]


def test_the_sign_in_page_has_no_serious_accessibility_violation(
    page: Page, axe_source: str
) -> None:
    page.goto("/sign-in")
    assert violations(page, axe_source) == []


@pytest.mark.parametrize("role", list(PAGES))
def test_each_roles_main_pages_have_no_serious_accessibility_violation(
    page: Page, site: Site, role: Role, axe_source: str
) -> None:
    sign_in(page, site, role)
    for path in PAGES[role]:
        page.goto(path)
        assert violations(page, axe_source) == [], path


def test_axe_finds_a_violation_where_there_is_one(page: Page, axe_source: str) -> None:
    """The check can fail: an unlabelled field and an image without text are found."""
    page.goto("/sign-in")
    page.evaluate(
        """() => { const form = document.querySelector('form');
                   const field = document.createElement('input');
                   form.appendChild(field);
                   const image = document.createElement('img');
                   image.src = '/static/nothing.png';
                   document.querySelector('main').appendChild(image); }"""
    )
    found = {v["id"] for v in violations(page, axe_source)}
    assert {"label", "image-alt"} <= found


def test_a_case_a_source_record_and_a_quarantined_row_have_no_serious_violation(
    page: Page, site: Site, axe_source: str
) -> None:
    with site.refuge.uow() as uow:
        number = uow.case_listing.list(organisation=None, stage=None, limit=1, offset=0)[0].number
        record = list(uow.intake.records())[0].id
        entry = uow.intake.quarantined(None)[0].id
    sign_in(page, site, Role.CASE_OFFICER)
    for path in (f"/case/{number}", f"/record/{record}", f"/quarantined/{entry}"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert violations(page, axe_source) == [], path
