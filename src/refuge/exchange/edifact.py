"""Reading UN/EDIFACT text into pydifact segments, with the layout tolerance real files need, and
reading components out of a segment's elements."""

from __future__ import annotations

import re
import warnings

from pydifact import Parser, Segment
from pydifact.exceptions import EDISyntaxError, MissingImplementationWarning

from refuge.domain.errors import InvalidInput

__all__ = ["EdifactUnreadable", "component", "read_segments"]

# A line break and the indentation after it are layout: UNOA and UNOB, the character sets PAXLST
# uses, have no line-break characters, so no data element can contain one.
_LAYOUT = re.compile(r"[\r\n]+[ \t]*")


class EdifactUnreadable(InvalidInput):
    """The text is not well-formed EDIFACT (separators, release characters, segment tags)."""

    code = "edifact_unreadable"


def read_segments(text: str) -> list[Segment]:
    """Every segment of `text` in order, the service string advice (UNA) first if present."""
    compact = _LAYOUT.sub("", text.strip())
    try:
        # pydifact checks service segments against syntax tables its wheel does not ship and
        # warns that it skipped the check; our own checker covers the structure instead.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MissingImplementationWarning)
            return list(Parser().parse(compact))
    except (EDISyntaxError, IndexError, TypeError) as exc:
        # pydifact's message quotes the offending segment, which may hold personal data.
        raise EdifactUnreadable("the text is not well-formed UN/EDIFACT") from exc


def component(segment: Segment, element: int, position: int = 0) -> str:
    """Component `position` of data element `element` (both from 0), or "" if absent."""
    if element >= len(segment.elements):
        return ""
    value = segment.elements[element]
    if isinstance(value, str):
        return value if position == 0 else ""
    return value[position] if position < len(value) else ""
