"""Sites, occupancy and the capacity warning as pure rules."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refuge.arrival import (
    InboundFlight,
    Site,
    SiteKind,
    Stay,
    capacity_warning,
    occupancy_at,
    occupancy_series,
)
from refuge.domain import InvalidInput

T0 = dt.datetime(2021, 8, 22, 0, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
SITE = Site("ramstein", "Ramstein hangar 5", SiteKind.TRANSIT, capacity=1000, warn_percent=90)


def test_the_warning_is_raised_at_the_threshold_and_not_below() -> None:
    assert SITE.warn_at == 900
    assert capacity_warning(SITE, 899) is None
    warning = capacity_warning(SITE, 900)
    assert warning is not None
    assert warning.now
    assert warning.line() == (
        "WARNING site ramstein: 900 present = 900 of capacity 1000 (90%); warning at 90%"
    )


def test_inbound_flights_are_counted_in_order_and_the_one_that_tips_it_is_named() -> None:
    inbound = [
        InboundFlight("RCH3", T0 + 3 * HOUR, 300),
        InboundFlight("RCH1", T0 + HOUR, 150),
        InboundFlight("RCH2", T0 + 2 * HOUR, 100),
    ]
    warning = capacity_warning(SITE, 700, inbound)
    assert warning is not None
    assert warning.flights == ("RCH1", "RCH2", "RCH3")
    assert warning.first_over == "RCH2"  # 700 + 150 + 100 = 950
    assert (warning.projected, warning.now) == (1250, False)
    assert "250 over capacity" in warning.line()
    assert capacity_warning(SITE, 700, inbound[1:2]) is None


def test_a_land_border_site_chooses_its_reception_point() -> None:
    border = Site(
        "torkham", "Torkham", SiteKind.LAND_BORDER, 500, organisation="un", points=("a", "b")
    )
    assert border.point("b") == "b"
    with pytest.raises(InvalidInput, match="several"):
        border.point(None)
    with pytest.raises(InvalidInput, match="no reception point c"):
        border.point("c")
    with pytest.raises(InvalidInput, match="capacity"):
        Site("x", "X", SiteKind.TRANSIT, 0)
    with pytest.raises(InvalidInput, match="threshold"):
        Site("x", "X", SiteKind.TRANSIT, 10, warn_percent=120)


def test_the_series_counts_arrivals_departures_and_the_peak_inside_an_interval() -> None:
    stays = [
        Stay(T0 + dt.timedelta(minutes=10), T0 + dt.timedelta(minutes=50)),
        Stay(T0 + dt.timedelta(minutes=20)),
        Stay(T0 - HOUR, T0 + 2 * HOUR),  # there before the period starts
    ]
    series = occupancy_series(stays, start=T0, end=T0 + 3 * HOUR, step=HOUR)
    assert [(p.arrived, p.departed, p.peak, p.present) for p in series] == [
        (2, 1, 3, 2),
        (0, 0, 2, 2),
        (0, 1, 2, 1),
    ]
    with pytest.raises(InvalidInput):
        occupancy_series(stays, start=T0, end=T0, step=HOUR)


moments = st.integers(min_value=0, max_value=48).map(lambda h: T0 + h * HOUR)


@given(
    st.lists(st.tuples(moments, st.one_of(st.none(), st.integers(1, 24))), min_size=0, max_size=30),
    st.integers(1, 6),
)
def test_each_interval_ends_with_the_count_present_at_that_moment(
    raw: list[tuple[dt.datetime, int | None]], hours: int
) -> None:
    stays = [Stay(a, None if d is None else a + d * HOUR) for a, d in raw]
    series = occupancy_series(stays, start=T0, end=T0 + 60 * HOUR, step=hours * HOUR)
    for point in series:
        just_before_end = point.end - dt.timedelta(microseconds=1)
        assert point.present == occupancy_at(stays, just_before_end)
        assert point.peak >= max(point.present, occupancy_at(stays, point.start))
