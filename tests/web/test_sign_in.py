"""Signing in with password and second factor, each role on its own page, signing out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from refuge.accounts import Role

from .journeys import sign_in
from .site import Site

# Where each role lands, and a heading only that page has.
LANDINGS = {
    Role.COORDINATOR: ("/dashboard", "The operation at a glance"),
    Role.CASE_OFFICER: ("/casework", "Find a case"),
    Role.VETTING_OFFICER: ("/casework", "Find a case"),
    Role.PARTNER: ("/submissions", "Cases"),
    Role.FLIGHT_OPERATIONS: ("/departures", "Flights"),
    Role.GATE_AGENT: ("/gate", "Gate: choose the flight"),
    Role.RECEPTION_OFFICER: ("/home", "Reception officer"),
    Role.AUDITOR: ("/audit-log", "Audit log"),
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_with_its_second_factor_and_lands_on_its_own_page(
    page: Page, site: Site, role: Role, shoot: Callable[[Page, str], Path]
) -> None:
    sign_in(page, site, role)
    path, heading = LANDINGS[role]
    expect(page).to_have_url(site.url + path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    expect(page.get_by_text(f"{site.account(role).username} (")).to_be_visible()
    shoot(page, f"landing-{role.value}")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(site.url + "/sign-in")
    # The session is gone: the landing page sends the browser back to sign in.
    page.goto(path)
    expect(page).to_have_url(site.url + "/sign-in")


def test_a_wrong_code_is_refused_with_the_same_words_as_a_wrong_password(
    page: Page, site: Site
) -> None:
    account = site.account(Role.CASE_OFFICER)
    page.goto("/sign-in")
    page.get_by_label("User name").fill(account.username)
    page.get_by_label("Password").fill(account.password)
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_be_visible()
    wrong_code = refusal.inner_text()

    page.get_by_label("Password").fill("not the password at all")
    page.get_by_label("Code from your authenticator app").fill(site.code(Role.CASE_OFFICER))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text(wrong_code)
    expect(page).to_have_url(site.url + "/sign-in")
    # Neither the password nor the code is sent back in the page.
    assert "not the password at all" not in page.content()


def test_every_page_asks_for_sign_in_first(page: Page, site: Site) -> None:
    for path, _ in set(LANDINGS.values()):
        page.goto(path)
        expect(page).to_have_url(site.url + "/sign-in")
