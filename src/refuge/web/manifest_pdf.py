"""The print-ready manifest: a flight's manifest view as a PDF for the gate's clipboard, one
household per block (never split across pages), then the standby list in order, with a box to
tick for each person. Pure: a view in, bytes out.

Names are printed as passports' machine-readable zones spell them (upper-case Latin, see
`refuge.exchange.border_name`), which is what the agent holds the paper against, and which the
PDF core fonts can print without shipping a font file. Nothing personal goes into the file's
metadata.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from refuge.accounts import ManifestHousehold, ManifestMember, ManifestView
from refuge.exchange import border_name

__all__ = ["manifest_pdf"]


@dataclass(frozen=True, slots=True)
class _Column:
    title: str
    width: float  # millimetres


# A4 landscape leaves 277 mm between 10 mm margins.
_COLUMNS = (
    _Column("", 8),  # a box to tick
    _Column("Relationship", 26),
    _Column("Family name", 52),
    _Column("Given names", 52),
    _Column("Sex", 10),
    _Column("Born", 22),
    _Column("Nat.", 12),
    _Column("Document", 47),
    _Column("Status", 24),
    _Column("Remarks", 24),
)
_ROW = 6.0
_HEADING = 7.0
_FONT = "Helvetica"


def manifest_pdf(view: ManifestView, *, printed_at: dt.datetime, printed_by: str) -> bytes:
    """`view` as a PDF. `printed_by` (an account name, not a person's) and `printed_at` go on
    every page, so a sheet found lying about says whose it was."""
    flight = view.flight
    document = _ManifestDocument(
        title=f"Manifest {flight.code}",
        banner=_banner(view),
        stamp=f"Printed {printed_at:%Y-%m-%d %H:%M %Z} by {printed_by}. Personal data: keep "
        "it on you and destroy it after the flight.",
    )
    document.set_title(f"Manifest {flight.code}")
    document.set_creator("Refuge")
    document.set_creation_date(printed_at)
    document.set_auto_page_break(auto=True, margin=14)
    document.alias_nb_pages()
    document.add_page()
    document.summary(view)
    document.section("Seated", "households holding seats, by family name", view.households)
    if view.standby:
        document.section("Standby", "offered seats in this order", view.standby)
    return bytes(document.output())


def _banner(view: ManifestView) -> str:
    flight = view.flight
    if flight.departs_earliest is not None and flight.departs_latest is not None:
        when = f"departs {flight.departs_earliest:%Y-%m-%d %H:%M}-{flight.departs_latest:%H:%M %Z}"
    else:
        when = "departure time withheld"
    return (
        f"Flight {flight.code}  {flight.origin} to {flight.destination}  {flight.aircraft}  {when}"
    )


class _ManifestDocument(FPDF):
    def __init__(self, *, title: str, banner: str, stamp: str) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self._title = title
        self._banner = banner
        self._stamp = stamp
        self.set_margins(10, 10, 10)

    def header(self) -> None:
        self.set_font(_FONT, "B", 13)
        self.cell(0, 7, _latin(self._banner), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(_FONT, "", 8)
        self.cell(0, 5, _latin(self._stamp), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT, "", 8)
        self.cell(0, 6, f"{self._title}  page {self.page_no()} of {{nb}}", align="C")

    def summary(self, view: ManifestView) -> None:
        flight = view.flight
        people = sum(h.people for h in view.households)
        waiting = sum(h.people for h in view.standby)
        counts = (
            f"Seats {flight.seats} (+{flight.surge_seats} surge).  "
            f"On the manifest: {people} people in {len(view.households)} households.  "
            f"Standby: {waiting} people in {len(view.standby)} households."
        )
        self.set_font(_FONT, "", 10)
        self.multi_cell(0, 5, _latin(counts), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if not view.names_shown:
            self.multi_cell(
                0,
                5,
                "Names and documents are not shown to this account's role.",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        self.ln(2)

    def section(self, name: str, note: str, households: Sequence[ManifestHousehold]) -> None:
        if self.will_page_break(_HEADING + 2 * _ROW + _HEADING):
            self.add_page()
        self.set_font(_FONT, "B", 12)
        self.cell(0, _HEADING, f"{name}: {note}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self._column_titles()
        for number, household in enumerate(households, start=1):
            self._household(number, household)
        self.ln(3)

    def _column_titles(self) -> None:
        self.set_font(_FONT, "B", 9)
        for column in _COLUMNS:
            self.cell(column.width, _ROW, column.title, border="B")
        self.ln(_ROW)

    def _household(self, number: int, household: ManifestHousehold) -> None:
        height = _HEADING + _ROW * max(household.people, 1)
        if self.will_page_break(height):
            self.add_page()
            self._column_titles()
        rank = f"  standby rank {household.standby_rank}" if household.standby_rank else ""
        shredded = "  (personal data shredded)" if household.shredded else ""
        people = "person" if household.people == 1 else "people"
        self.set_font(_FONT, "B", 10)
        self.set_fill_color(225, 225, 225)
        self.cell(
            0,
            _HEADING,
            f"Household {number}  case {household.case_number}  "
            f"{household.people} {people}{rank}{shredded}",
            border="T",
            fill=True,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_font(_FONT, "", 9)
        for member in household.members:
            for column, text in zip(_COLUMNS, _cells(member), strict=True):
                self.cell(column.width, _ROW, _latin(text), border=1)
            self.ln(_ROW)


def _cells(member: ManifestMember) -> tuple[str, ...]:
    document = " ".join(
        part
        for part in (
            member.document_kind[:1].upper(),
            member.document_issuing_state,
            member.document_number,
        )
        if part
    )
    return (
        "",
        member.relationship.replace("_", " "),
        _name(member.family_name),
        _name(member.given_names),
        member.sex,
        member.date_of_birth,
        member.nationality,
        document,
        member.status.value.replace("_", " "),
        "",
    )


def _name(romanised: str) -> str:
    spelt = border_name(romanised)
    return spelt if spelt is not None else romanised.upper()


def _latin(text: str) -> str:
    """What the PDF core fonts can print: Latin-1, anything else as its base letter or '?'."""
    if _encodes(text):
        return text
    bare = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    return bare.encode("latin-1", errors="replace").decode("latin-1")


def _encodes(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True
