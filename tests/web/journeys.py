"""What the browser tests do again and again: sign in as a role."""

from __future__ import annotations

from playwright.sync_api import Page

from refuge.accounts import Role

from .site import Site


def sign_in(page: Page, site: Site, role: Role) -> None:
    account = site.account(role)
    page.goto("/sign-in")
    page.get_by_label("User name").fill(account.username)
    page.get_by_label("Password").fill(account.password)
    page.get_by_label("Code from your authenticator app").fill(site.code(role))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
