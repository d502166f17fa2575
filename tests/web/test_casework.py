"""A case officer's day in the browser: find a case by number and move it with a reason; find a
person by document number, phone or name and read their household's source records with where
each came from; correct a quarantined row until it is accepted. Nothing typed into a search
reaches a URL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from refuge.accounts import Role
from refuge.domain import Stage
from refuge.intake import SourceRecord

from .journeys import sign_in
from .site import Site


def a_registered_case(site: Site) -> str:
    with site.refuge.uow() as uow:
        rows = uow.case_listing.list(organisation=None, stage=Stage.REGISTERED, limit=5, offset=0)
    return rows[-1].number


def a_record_with_passport_and_phone(site: Site) -> SourceRecord:
    with site.refuge.uow() as uow:
        records = list(uow.intake.records())
    return next(r for r in records if r.record.passport_number and r.record.phones)


def find(page: Page, text: str) -> None:
    page.goto("/casework")
    page.get_by_label("Case number, document number, phone number or name").fill(text)
    page.get_by_role("button", name="Find").click()
    page.wait_for_load_state()


def test_a_case_officer_finds_a_case_by_number_and_moves_it_with_a_reason(
    page: Page, site: Site, shoot: Callable[[Page, str], Path]
) -> None:
    number = a_registered_case(site)
    sign_in(page, site, Role.CASE_OFFICER)
    find(page, number.lower())
    expect(page).to_have_url(f"{site.url}/case/{number}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {number}")
    expect(page.get_by_role("heading", name="Household")).to_be_visible()
    page.get_by_label("To").select_option(Stage.ELIGIBLE.value)
    page.get_by_label("Reason").fill("documents checked against the interview notes")
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_role("status")).to_contain_text("The case was moved")
    history = page.get_by_role("table", name="Every move of the case")
    expect(history).to_contain_text("documents checked against the interview notes")
    expect(page.locator(".facts").first).to_contain_text("screened eligible")
    shoot(page, "case-moved")
    with site.refuge.uow() as uow:
        assert uow.cases.get(number).stage is Stage.ELIGIBLE


def test_moving_a_case_from_a_stale_page_is_refused_not_overwritten(page: Page, site: Site) -> None:
    number = a_registered_case(site)
    sign_in(page, site, Role.CASE_OFFICER)
    page.goto(f"/case/{number}")
    # Someone else moves it meanwhile.
    other = page.context.new_page()
    other.goto(f"/case/{number}")
    other.get_by_label("To").select_option(Stage.DOCUMENTS_MISSING.value)
    other.get_by_label("Reason").fill("passport copy unreadable")
    other.get_by_role("button", name="Move").click()
    expect(other.get_by_role("status")).to_contain_text("The case was moved")
    page.get_by_label("To").select_option(Stage.INELIGIBLE.value)
    page.get_by_label("Reason").fill("not in the program's pipeline")
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_role("alert")).to_contain_text("stale_object")
    with site.refuge.uow() as uow:
        assert uow.cases.get(number).stage is Stage.DOCUMENTS_MISSING


def test_a_person_is_found_by_document_phone_or_name_and_read_with_their_household(
    page: Page, site: Site, shoot: Callable[[Page, str], Path]
) -> None:
    record = a_record_with_passport_and_phone(site).record
    passport = record.passport_number
    assert passport is not None
    sign_in(page, site, Role.CASE_OFFICER)
    given = record.name.given_romanised or record.name.given
    for query in (passport, record.phones[0], f"{given} {record.name.family_romanised}"):
        find(page, query)
        results = page.get_by_role("table", name="Records on organisations' lists")
        expect(results).to_contain_text(given)
        assert query not in page.url
    results.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Source record and its household")
    expect(page.locator("main")).to_contain_text(passport)
    expect(page.locator("main")).to_contain_text(f"row {record.provenance.row}")
    expect(page.locator("main")).to_contain_text(record.provenance.organisation)
    shoot(page, "source-record")
    with site.refuge.uow() as uow:
        actions = [e.action for e in uow.audit.events()]
    assert "records.search" in actions
    assert "record.read" in actions


def test_a_quarantined_row_is_corrected_and_accepted_as_a_record(
    page: Page, site: Site, shoot: Callable[[Page, str], Path]
) -> None:
    sign_in(page, site, Role.CASE_OFFICER)
    page.goto("/quarantined")
    waiting = page.get_by_role("table", name="rows waiting for a correction")
    expect(waiting).to_contain_text("phone")
    before = waiting.locator("tbody tr").count()
    waiting.get_by_role("link").first.click()
    expect(page.get_by_role("table", name="Values by column")).to_be_visible()
    shoot(page, "quarantined-row")
    page.get_by_label("Phone (has a problem)").fill("+93 70 123 4567")
    page.get_by_role("button", name="Check again and accept").click()
    expect(page.get_by_role("status")).to_contain_text("The corrected row was accepted")
    expect(
        page.get_by_role("table", name="rows waiting for a correction").locator("tbody tr")
    ).to_have_count(max(before - 1, 1))
    page.get_by_role("link", name="see its record").click()
    expect(page.locator("main")).to_contain_text("accepted after a correction")
