"""Importing a list in the browser: upload, the proposed mapping, confirm, progress, the
row-level report; the uploaded file does not outlive its import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from refuge.accounts import Role

from .journeys import sign_in
from .site import Site

LIST = """Given name,Family name,Date of birth,Sex,Passport number,Phone
Testgul,Webimport,1988-03-14,F,P4455667,+93 70 123 4500
Testwali,Webimport,1990-13-40,M,P4455668,+93 70 123 4501
Testjan,Webimport,2001-07-02,M,P4455669,+93 70 123 4502
"""


def test_a_list_is_uploaded_mapped_confirmed_imported_and_reported_row_by_row(
    page: Page, site: Site, tmp_path: Path, shoot: Callable[[Page, str], Path]
) -> None:
    upload = tmp_path / "web-list.csv"
    upload.write_text(LIST, encoding="utf-8")
    sign_in(page, site, Role.CASE_OFFICER)
    page.goto("/list-imports")
    page.get_by_label("Organisation that sent it").select_option(site.organisations[1])
    page.get_by_label("List file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and propose a mapping").click()

    mapping = page.get_by_role("table", name="header at row 1")
    for column, field in (("Date of birth", "date of birth"), ("Passport number", "passport")):
        expect(mapping.get_by_role("row", name=column)).to_contain_text(field)
    shoot(page, "import-mapping")
    uploads = site.refuge.settings.data_dir / "uploads"
    assert [p.stat().st_mode & 0o777 for p in uploads.iterdir()] == [0o600]

    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("Imported")).to_be_visible(timeout=60_000)
    figures = page.locator(".figures")
    expect(figures.locator("div", has_text="New records").locator("dd")).to_have_text("2")
    expect(figures.locator("div", has_text="Quarantined").locator("dd")).to_have_text("1")
    problems = page.get_by_role("table", name="Problems by row")
    expect(problems).to_contain_text("row 3")
    expect(problems).to_contain_text("date of birth")
    assert "Testwali" not in problems.inner_text()  # places and problems, never values
    shoot(page, "import-report")
    assert list(uploads.iterdir()) == []
