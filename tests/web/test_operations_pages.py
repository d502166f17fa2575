"""The flight, gate and applicant pages in headless Chromium against the running site, on SQLite
and PostgreSQL: a coordinator reads the board and a manifest and prints it, a case officer finds
times withheld, flight operations sees no names, a gate agent looks, checks in and boards with a
tap, refuses a stranger and records a no-show, and an applicant checks a case in English, Dari
and Pashto. Screenshots are taken and checked non-empty; axe-core finds no serious violation."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from refuge.accounts import Role

from .journeys import sign_in
from .operations import FAR, NEAR, Departures, add_departures
from .site import Site
from .test_accessibility import violations

Shoot = Callable[[Page, str], Path]
TABLET = {"width": 800, "height": 1280}
DESK = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def departures(site: Site) -> Departures:
    return add_departures(site)


def test_a_coordinator_reads_the_board_and_a_manifest_and_prints_it(
    page: Page, site: Site, departures: Departures, shoot: Shoot
) -> None:
    page.set_viewport_size(DESK)
    sign_in(page, site, Role.COORDINATOR)
    page.goto("/departures")
    board = page.get_by_role("table")
    expect(board.get_by_role("row", name=NEAR)).to_contain_text("KBL to DOH")
    # A coordinator sees both flights' times, the far one's too.
    expect(board.get_by_role("row", name=FAR)).not_to_contain_text("withheld")
    shoot(page, "flight-board-coordinator")
    page.get_by_role("link", name=f"Manifest of {NEAR}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Manifest {NEAR}")
    seated = page.get_by_role("table", name="Households holding seats")
    for number in departures.seated:
        group = seated.get_by_role("rowgroup").filter(has_text=f"case {number}")
        expect(group.get_by_role("row")).to_have_count(3)  # the heading, principal, spouse
        expect(group.get_by_role("row").nth(1)).to_contain_text("principal")
    standby = page.get_by_role("table", name="Households on standby")
    expect(standby).to_contain_text(f"case {departures.standby}")
    expect(standby).to_contain_text("standby rank 1")
    shoot(page, "manifest-coordinator")
    printed = page.request.get(f"/departures/{NEAR}/manifest.pdf")
    assert printed.status == 200
    assert printed.headers["content-type"] == "application/pdf"
    assert printed.headers["cache-control"] == "no-store"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(printed.body())).pages)
    for number in (*departures.seated, departures.standby):
        assert f"case {number}" in text


def test_a_case_officer_finds_far_departures_withheld(
    page: Page, site: Site, departures: Departures, shoot: Shoot
) -> None:
    sign_in(page, site, Role.CASE_OFFICER)
    page.goto("/departures")
    expect(page.get_by_role("row", name=FAR)).to_contain_text("withheld")
    expect(page.get_by_role("row", name=NEAR)).not_to_contain_text("withheld")
    page.goto(f"/departures/{FAR}")
    expect(page.get_by_text("withheld until the release window")).to_be_visible()
    shoot(page, "flight-board-case-officer")


def test_flight_operations_sees_households_but_no_names(
    page: Page, site: Site, departures: Departures, shoot: Shoot
) -> None:
    sign_in(page, site, Role.FLIGHT_OPERATIONS)
    page.goto(f"/departures/{NEAR}")
    expect(page.get_by_text("Names and documents are not shown to your role")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Name")).to_have_count(0)
    expect(page.get_by_role("main")).not_to_contain_text("Qaderyar")
    shoot(page, "manifest-flight-operations")


def test_a_gate_agent_looks_checks_in_and_boards_with_one_tap_each(
    page: Page, site: Site, departures: Departures, shoot: Shoot
) -> None:
    page.set_viewport_size(TABLET)
    sign_in(page, site, Role.GATE_AGENT)
    page.goto("/gate")
    page.get_by_role("link", name=NEAR).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Gate {NEAR}")
    scan = page.get_by_label("Scan or type a boarding pass")
    expect(scan).to_be_focused()
    number = departures.seated[1]
    scan.fill(departures.zones[number])
    page.get_by_role("button", name="Read").click()
    result = page.locator("#result")
    expect(result.get_by_role("alert")).to_contain_text("On this flight")
    expect(result).to_contain_text(f"Case {number}")
    expect(result.get_by_role("table", name="Household on this flight (2)")).to_be_visible()
    shoot(page, "gate-look")
    result.get_by_role("button", name="Check in").click()
    expect(result.get_by_role("alert")).to_contain_text("Checked in")
    expect(page.locator("#gate-counts")).to_contain_text("1 checked in")
    expect(scan).to_be_focused()
    result.get_by_role("button", name="Board").click()
    expect(result.get_by_role("alert")).to_contain_text("Boarded")
    expect(page.locator("#gate-counts")).to_contain_text("1 boarded")
    shoot(page, "gate-boarded")
    # The same passport again: refused, with why.
    scan.fill(departures.zones[number])
    page.get_by_role("button", name="Read").click()
    expect(result.get_by_role("alert")).to_contain_text("already boarded")


def test_a_gate_agent_checks_in_by_boarding_pass_and_refuses_a_stranger(
    page: Page, site: Site, departures: Departures, shoot: Shoot
) -> None:
    page.set_viewport_size(TABLET)
    sign_in(page, site, Role.GATE_AGENT)
    page.goto(f"/gate/{NEAR}")
    scan = page.get_by_label("Scan or type a boarding pass")
    page.get_by_label("Check in at once").check()
    number = departures.seated[2]
    scan.fill(departures.passes[number])
    scan.press("Enter")  # a QR reader ends with Enter: the page reads the pass at once
    result = page.locator("#result")
    expect(result.get_by_role("alert")).to_contain_text("Checked in")
    expect(result).to_contain_text(f"Case {number}")
    scan.fill(departures.zones[departures.far])
    page.get_by_role("button", name="Read").click()
    expect(result.get_by_role("alert")).to_contain_text("Not on this flight's manifest")
    shoot(page, "gate-stranger")


def test_a_gate_agent_records_a_no_show_with_one_tap(
    page: Page, site: Site, departures: Departures, shoot: Shoot
) -> None:
    sign_in(page, site, Role.GATE_AGENT)
    page.goto(f"/gate/{NEAR}")
    number = departures.seated[0]
    page.get_by_label("Scan or type a boarding pass").fill(departures.zones[number])
    page.get_by_role("button", name="Read").click()
    result = page.locator("#result")
    result.get_by_role("button", name="No-show: whole case").click()
    expect(result.get_by_role("status")).to_contain_text(f"Case {number}: 2 people recorded")
    expect(page.locator("#gate-counts")).to_contain_text("2 no-shows")
    shoot(page, "gate-no-show")


def test_roles_that_do_not_work_the_gate_are_refused_it(
    page: Page, site: Site, departures: Departures
) -> None:
    sign_in(page, site, Role.CASE_OFFICER)
    response = page.goto(f"/gate/{NEAR}")
    assert response is not None
    assert response.status == 403


@pytest.mark.parametrize(
    ("lang", "direction", "heading"),
    [
        ("en", "ltr", "Check your case"),
        ("fa", "rtl", "وضعیت پرونده خود را بررسی کنید"),
        ("ps", "rtl", "د خپلې دوسیې حالت وګورئ"),
    ],
)
def test_an_applicant_checks_a_case_in_their_language(
    page: Page,
    site: Site,
    departures: Departures,
    shoot: Shoot,
    lang: str,
    direction: str,
    heading: str,
) -> None:
    page.goto(f"/case-status?lang={lang}")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", direction)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    shoot(page, f"applicant-form-{lang}")
    page.locator("#case_number").fill(departures.far.lower())
    page.locator("#secret").fill(departures.secret)
    page.locator("form button[type=submit]").click()
    verdict = page.get_by_role("status")
    expect(verdict).to_be_visible()
    expect(html).to_have_attribute("dir", direction)
    main = page.get_by_role("main")
    # The coarse answer, in the language asked for, and never a flight.
    if lang == "en":
        expect(verdict).to_contain_text("Approved")
    expect(main).not_to_contain_text(NEAR)
    expect(main).not_to_contain_text("KBL")
    shoot(page, f"applicant-status-{lang}")


def test_an_applicant_with_a_wrong_secret_learns_nothing(
    page: Page, site: Site, departures: Departures
) -> None:
    page.goto("/sign-in")  # where an applicant who found Refuge's address lands
    page.get_by_role("link", name="Check your case").click()
    expect(page).to_have_url(site.url + "/case-status")
    page.locator("#case_number").fill(departures.seated[1])
    page.locator("#secret").fill("WRONG-SECRET-0000")
    page.get_by_role("button", name="Check my case").click()
    expect(page.get_by_role("alert")).to_have_text(
        "No case matches this case number and secret. Check both and try again."
    )


def test_the_operations_pages_have_no_serious_accessibility_violation(
    page: Page, site: Site, departures: Departures, axe_source: str
) -> None:
    for lang in ("en", "fa", "ps"):
        page.goto(f"/case-status?lang={lang}")
        assert violations(page, axe_source) == [], lang
    page.locator("#case_number").fill(departures.seated[2])
    page.locator("#secret").fill("WRONG-SECRET-0000")
    page.locator("form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert violations(page, axe_source) == [], "applicant refusal in Pashto"
    sign_in(page, site, Role.COORDINATOR)
    for path in ("/departures", f"/departures/{NEAR}", "/gate", f"/gate/{NEAR}"):
        page.goto(path)
        assert violations(page, axe_source) == [], path
    page.get_by_label("Scan or type a boarding pass").fill(departures.zones[departures.standby])
    page.get_by_role("button", name="Read").click()
    expect(page.locator("#result").get_by_role("alert")).to_be_visible()
    assert violations(page, axe_source) == [], "gate result"
