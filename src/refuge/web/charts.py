"""Charts as SVG drawn on the server: every bar carries its number and label as text, and series
are told apart by fill pattern (hatching, dots, solid), so a chart reads the same printed in
black and white, without colour vision, or through a screen reader (each has a title and a
description; the page shows the same figures as a table beside it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

__all__ = ["Bar", "DayBar", "bar_chart", "days_chart", "funnel_chart"]

_WIDTH = 640
_BOLD = Markup(' font-weight="700"')
_ROW = 30
_LABEL = 190
_PATTERNS = Markup(
    "<defs>"
    '<pattern id="p-solid" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#1d1d1d"/></pattern>'
    '<pattern id="p-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="8" height="8" fill="#fff"/>'
    '<line x1="0" y1="0" x2="0" y2="8" stroke="#1d1d1d" stroke-width="4"/></pattern>'
    '<pattern id="p-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#fff"/><circle cx="3" cy="3" r="1.6" fill="#1d1d1d"/>'
    "</pattern>"
    "</defs>"
)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int


@dataclass(frozen=True, slots=True)
class DayBar:
    day: dt.date
    value: int
    forecast: bool  # a day still to come, at the forecast rate


def _frame(ident: str, title: str, description: str, height: int, body: Markup) -> Markup:
    return Markup(
        '<svg class="chart" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'aria-labelledby="{i}-t {i}-d" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{i}-t">{t}</title><desc id="{i}-d">{d}</desc>{p}{b}</svg>'
    ).format(w=_WIDTH, h=height, i=ident, t=title, d=description, p=_PATTERNS, b=body)


def _text(x: float, y: float, words: str, anchor: str = "start", bold: bool = False) -> Markup:
    return Markup(
        '<text x="{x:.1f}" y="{y:.1f}" text-anchor="{a}" font-size="14" fill="#111"{w}>{t}</text>'
    ).format(x=x, y=y, a=anchor, w=_BOLD if bold else Markup(""), t=words)


def bar_chart(ident: str, title: str, bars: Sequence[Bar], *, unit: str) -> Markup:
    """Horizontal bars, largest first as given, each labelled and numbered."""
    top = max((b.value for b in bars), default=0) or 1
    span = _WIDTH - _LABEL - 70
    parts = []
    for row, bar in enumerate(bars):
        y = 10 + row * _ROW
        length = max(2.0, span * bar.value / top) if bar.value else 0.0
        label = bar.label if len(bar.label) <= 24 else bar.label[:23] + "…"
        parts.append(_text(_LABEL - 8, y + 17, label, anchor="end"))
        parts.append(
            Markup(
                '<rect x="{x}" y="{y}" width="{w:.1f}" height="20" fill="url(#p-hatch)" '
                'stroke="#111"/>'
            ).format(x=_LABEL, y=y + 2, w=length)
        )
        parts.append(_text(_LABEL + length + 6, y + 17, f"{bar.value:,}", bold=True))
    listed = "; ".join(f"{b.label}: {b.value:,} {unit}" for b in bars) or "nothing yet"
    height = 20 + len(bars) * _ROW
    return _frame(ident, title, listed, height, Markup("").join(parts))


def funnel_chart(ident: str, title: str, steps: Sequence[Bar]) -> Markup:
    """The pipeline as a funnel: each step centred, as wide as the cases that reached it."""
    top = max((s.value for s in steps), default=0) or 1
    span = _WIDTH - _LABEL - 80
    middle = _LABEL + span / 2
    parts = []
    for row, step in enumerate(steps):
        y = 10 + row * _ROW
        width = max(2.0, span * step.value / top) if step.value else 0.0
        parts.append(_text(_LABEL - 8, y + 17, step.label, anchor="end"))
        parts.append(
            Markup(
                '<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="20" fill="url(#p-dots)" '
                'stroke="#111"/>'
            ).format(x=middle - width / 2, y=y + 2, w=width)
        )
        share = f" ({100 * step.value / top:.0f}%)" if row else ""
        parts.append(_text(_WIDTH - 4, y + 17, f"{step.value:,}{share}", anchor="end", bold=True))
    listed = "; ".join(f"{s.label}: {s.value:,}" for s in steps)
    return _frame(ident, title, listed, 20 + len(steps) * _ROW, Markup("").join(parts))


def days_chart(
    ident: str, title: str, days: Sequence[DayBar], *, deadline: dt.date, unit: str
) -> Markup:
    """Departures per day as columns: days gone solid, days to come hatched at the forecast rate,
    and the deadline as a labelled line after its day."""
    height, base, left = 260, 200, 40
    top = max((d.value for d in days), default=0) or 1
    step = (_WIDTH - left - 10) / max(len(days), 1)
    parts = []
    for i, day in enumerate(days):
        x = left + i * step
        tall = (base - 30) * day.value / top
        fill = "url(#p-hatch)" if day.forecast else "url(#p-solid)"
        parts.append(
            Markup(
                '<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{f}" '
                'stroke="#111"/>'
            ).format(x=x + 2, y=base - tall, w=max(step - 4, 1), h=tall, f=fill)
        )
        if len(days) <= 16 or i % max(len(days) // 8, 1) == 0:
            parts.append(_text(x + step / 2, base + 16, day.day.strftime("%d %b"), "middle"))
            parts.append(_text(x + step / 2, base - tall - 4, f"{day.value:,}", "middle"))
        if day.day == deadline:
            line_x = x + step
            parts.append(
                Markup(
                    '<line x1="{x:.1f}" y1="12" x2="{x:.1f}" y2="{b}" stroke="#111" '
                    'stroke-width="3" stroke-dasharray="6 4"/>'
                ).format(x=line_x, b=base)
            )
            parts.append(_text(line_x - 4, 24, "deadline", anchor="end", bold=True))
    parts.append(
        Markup('<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="#111"/>').format(
            l=left, r=_WIDTH - 10, b=base
        )
    )
    parts.append(_text(left, height - 12, "solid: departed   hatched: forecast"))
    gone = "; ".join(f"{d.day.isoformat()}: {d.value:,}" for d in days if not d.forecast)
    coming = "; ".join(f"{d.day.isoformat()}: {d.value:,}" for d in days if d.forecast)
    description = (
        f"{unit} per day. Departed: {gone or 'none yet'}. Forecast: {coming or 'none'}. "
        f"Deadline {deadline.isoformat()}."
    )
    return _frame(ident, title, description, height, Markup("").join(parts))
