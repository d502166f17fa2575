"""The printed manifest, read back with pypdf: households kept together on one page each, the
principal applicant first, standby after the seated households in rank order, times only when
the view carries them, and nothing personal in the file's metadata. All people are made up."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

from pypdf import PdfReader

from refuge.accounts import FlightView, ManifestHousehold, ManifestMember, ManifestView
from refuge.domain import ManifestStatus
from refuge.web.manifest_pdf import manifest_pdf

PRINTED = dt.datetime(2021, 8, 25, 6, 0, tzinfo=dt.UTC)
_RELATIONSHIPS = ("principal", "spouse", "child", "child", "parent", "sibling", "child")


def flight_view(*, released: bool = True) -> FlightView:
    earliest = dt.datetime(2021, 8, 25, 10, 0, tzinfo=dt.UTC)
    return FlightView(
        code="RCH101",
        aircraft="C-17",
        seats=300,
        surge_seats=100,
        origin="KBL",
        destination="DOH",
        departs_earliest=earliest if released else None,
        departs_latest=earliest + dt.timedelta(hours=4) if released else None,
        times_released=released,
        programs=("siv",),
    )


def member(
    family: str,
    given: str,
    relationship: str,
    number: int,
    status: ManifestStatus = ManifestStatus.MANIFESTED,
) -> ManifestMember:
    return ManifestMember(
        entry_id=uuid.uuid4(),
        relationship=relationship,
        status=status,
        family_name=family,
        given_names=given,
        written_name="",
        sex="F" if number % 2 else "M",
        date_of_birth=f"{1960 + number % 40}-03-21",
        nationality="AFG",
        document_kind="passport",
        document_number=f"PQ{number:07d}",
        document_issuing_state="AFG",
    )


def household(index: int, size: int, *, rank: int | None = None) -> ManifestHousehold:
    # Family names that sort in index order, so the printed order is known.
    family = f"Family{index:03d}"
    status = ManifestStatus.MANIFESTED if rank is None else ManifestStatus.STANDBY
    members = tuple(
        member(family, f"Given{index:03d}x{m}", _RELATIONSHIPS[m % 7], index, status)
        for m in range(size)
    )
    return ManifestHousehold(uuid.uuid4(), f"C{index:05d}", members, standby_rank=rank)


def view(seated: int, standby: int, *, released: bool = True) -> ManifestView:
    return ManifestView(
        flight=flight_view(released=released),
        households=tuple(household(i, 1 + i % 7) for i in range(seated)),
        standby=tuple(household(900 + i, 2, rank=i + 1) for i in range(standby)),
        names_shown=True,
        documents_masked=False,
    )


def pages(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages]


def test_each_household_is_printed_whole_on_one_page_principal_first() -> None:
    manifest = view(seated=60, standby=5)
    texts = pages(manifest_pdf(manifest, printed_at=PRINTED, printed_by="user:gate-1"))
    assert len(texts) > 2  # enough households to need page breaks
    for index, printed in enumerate((*manifest.households, *manifest.standby)):
        heading = f"case {printed.case_number}"
        on = [n for n, text in enumerate(texts) if heading in text]
        assert len(on) == 1, f"household {index} heading printed {len(on)} times"
        text = texts[on[0]]
        after = text[text.index(heading) :]
        given = [m.given_names.upper() for m in printed.members]
        positions = [after.find(g) for g in given]
        assert all(p > 0 for p in positions), f"household {index} split across pages"
        assert positions == sorted(positions)
        assert re.search(rf"{heading}\s+{printed.people} (people|person)", text)
        first_row = after[positions[0] - 40 : positions[0]]
        assert "principal" in first_row


def test_seated_households_come_before_standby_in_rank_order() -> None:
    manifest = view(seated=4, standby=3)
    text = "\n".join(pages(manifest_pdf(manifest, printed_at=PRINTED, printed_by="user:gate-1")))
    seated_at = [text.index(f"case {h.case_number}") for h in manifest.households]
    standby_at = [text.index(f"case {h.case_number}") for h in manifest.standby]
    assert seated_at == sorted(seated_at)
    assert standby_at == sorted(standby_at)
    assert max(seated_at) < text.index("Standby: offered seats in this order") < min(standby_at)
    assert "standby rank 1" in text
    assert "standby rank 3" in text
    assert "Standby: 6 people in 3 households" in text


def test_departure_times_are_printed_only_when_the_view_carries_them() -> None:
    shown = "\n".join(pages(manifest_pdf(view(1, 0), printed_at=PRINTED, printed_by="user:c")))
    withheld = "\n".join(
        pages(manifest_pdf(view(1, 0, released=False), printed_at=PRINTED, printed_by="user:g"))
    )
    assert "2021-08-25 10:00" in shown
    assert "departure time withheld" in withheld
    assert "10:00" not in withheld


def test_names_are_printed_as_passport_zones_spell_them() -> None:
    accented = ManifestHousehold(
        uuid.uuid4(),
        "C00001",
        (member("Ḥaidarī", "Zoë", "principal", 1),),
        standby_rank=None,
    )
    manifest = ManifestView(
        flight_view(), (accented,), (), names_shown=True, documents_masked=False
    )
    text = pages(manifest_pdf(manifest, printed_at=PRINTED, printed_by="user:c"))[0]
    assert "HAIDARI" in text
    assert "ZOE" in text


def test_the_file_metadata_names_the_flight_and_no_one_on_it() -> None:
    manifest = view(seated=3, standby=1)
    reader = PdfReader(io.BytesIO(manifest_pdf(manifest, printed_at=PRINTED, printed_by="user:c")))
    metadata = reader.metadata
    assert metadata is not None
    assert metadata.title == "Manifest RCH101"
    values = " ".join(str(v) for v in metadata.values())
    for printed in manifest.households:
        assert printed.members[0].family_name.upper() not in values.upper()
