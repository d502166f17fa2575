"""The manifest page's account of the latest plan: the first plan says so, a plan that changed
nothing on the flight says so, and changes are listed case by case with seats before and after."""

from __future__ import annotations

from refuge.accounts import ManifestChange, ManifestChanges, ManifestView
from refuge.domain import ManifestStatus
from refuge.web.rendering import environment

from .test_manifest_pdf import view


def page(changes: ManifestChanges | None) -> str:
    shown = view(seated=2, standby=1)
    manifest = ManifestView(
        shown.flight,
        shown.households,
        shown.standby,
        names_shown=True,
        documents_masked=False,
        changes=changes,
    )
    values = {
        "principal": None,
        "links": (),
        "csrf": "",
        "path": "/departures/RCH101",
        "lang": "en",
        "dir": "ltr",
        "view": manifest,
        "gate": False,
        "statuses": ManifestStatus,
    }
    return environment().get_template("manifest.html").render(values)


def test_without_a_stored_plan_the_page_says_nothing_of_plans() -> None:
    assert "latest plan" not in page(None)


def test_the_first_plan_has_nothing_to_compare() -> None:
    assert "Plan 1 is the first plan" in page(ManifestChanges(None, 1, ()))


def test_a_plan_that_left_the_flight_alone_says_so() -> None:
    assert "Plan 3 changed nothing on RCH101 since plan 2." in page(ManifestChanges(2, 3, ()))


def test_changes_are_listed_with_seats_before_and_after() -> None:
    lines = (
        ManifestChange("RF-AAAA1111", "assigned", "standby", "RCH101 (3)"),
        ManifestChange("RF-BBBB2222", "dropped", "RCH101 (2)", "standby"),
    )
    html = page(ManifestChanges(4, 5, lines))
    assert "Plan 5 against plan 4" in html
    assert html.index("RF-AAAA1111") < html.index("RF-BBBB2222")
    assert "<td>dropped</td><td>RCH101 (2)</td><td>standby</td>" in html
