"""Checking that a PAXLST interchange has the structure receiving states' systems expect: the
envelope (UNA, UNB, optional UNG/UNE groups, UNH/UNT messages, UNZ), the order, repetition and
presence of the message's segments and segment groups, and every control count.

The table below models PAXLST D:05B as the WCO/IATA/ICAO API implementation guide uses it:
its segments and groups in their order, each mandatory or conditional, with the control total
(CNT) mandatory as the guide makes it. Repetition limits are generous upper bounds, not a copy
of the directory's. Findings name a segment's position (from 1, counting UNA) and tag, never
its content.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydifact import Segment

from refuge.exchange.edifact import EdifactUnreadable, component, read_segments

__all__ = ["PaxlstFinding", "check_paxlst"]


@dataclass(frozen=True, slots=True)
class PaxlstFinding:
    position: int  # of the segment in the interchange, from 1; 0 for the text as a whole
    tag: str
    problem: str

    def __str__(self) -> str:
        if self.position == 0:
            return self.problem
        return f"segment {self.position} ({self.tag}): {self.problem}"


@dataclass(frozen=True, slots=True)
class _Seg:
    tag: str
    mandatory: bool
    repeat: int


@dataclass(frozen=True, slots=True)
class _Group:
    name: str
    mandatory: bool
    repeat: int
    body: tuple[_Seg | _Group, ...]  # body[0] is the group's trigger segment, mandatory, once

    @property
    def tag(self) -> str:
        return self.body[0].tag


def _m(tag: str, repeat: int = 1) -> _Seg:
    return _Seg(tag, True, repeat)


def _c(tag: str, repeat: int = 1) -> _Seg:
    return _Seg(tag, False, repeat)


# Between UNH and UNT.
_PAXLST: tuple[_Seg | _Group, ...] = (
    _m("BGM"),
    _c("RFF"),
    _c("DTM", 9),
    _Group("segment group 1 (reporting party)", False, 5, (_m("NAD"), _c("CTA"), _c("COM", 9))),
    _Group(
        "segment group 2 (transport)",
        True,
        10,
        (
            _m("TDT"),
            _c("DTM"),
            _Group("segment group 3 (place)", False, 99, (_m("LOC"), _c("DTM", 5))),
        ),
    ),
    _Group(
        "segment group 4 (person)",
        False,
        99999,
        (
            _m("NAD"),
            _c("ATT", 9),
            _c("DTM", 9),
            _c("MEA", 10),
            _c("GEI", 5),
            _c("FTX", 99),
            _c("LOC", 25),
            _c("COM"),
            _c("EMP"),
            _c("NAT", 9),
            _c("RFF", 9),
            _Group(
                "segment group 5 (document)",
                False,
                9,
                (_m("DOC"), _c("DTM", 9), _c("GEI", 5), _c("RFF"), _c("LOC", 5), _c("CPI")),
            ),
        ),
    ),
    _m("CNT"),
    _c("AUT"),
)
_PERSON_GROUP = _PAXLST[5]


class _Walk:
    """Greedy matching of a message's segments against the table, as EDIFACT defines it: a
    group starts at its trigger segment, and a segment that fits nowhere ends the match."""

    def __init__(self, segments: list[Segment], start: int, offset: int) -> None:
        self.segments = segments
        self.index = start
        self.offset = offset  # added to an index to give the finding's position
        self.findings: list[PaxlstFinding] = []
        self.persons = 0

    def tag(self) -> str | None:
        return self.segments[self.index].tag if self.index < len(self.segments) else None

    def match(self, items: tuple[_Seg | _Group, ...]) -> None:
        for item in items:
            count = 0
            while count < item.repeat and self.tag() == item.tag:
                if isinstance(item, _Group):
                    if item is _PERSON_GROUP:
                        self.persons += 1
                    self.match(item.body)
                else:
                    self.index += 1
                count += 1
            if count == 0 and item.mandatory:
                name = item.name if isinstance(item, _Group) else f"segment {item.tag}"
                self.findings.append(
                    PaxlstFinding(self.index + self.offset, self.tag() or "", f"{name} is missing")
                )


def check_paxlst(text: str) -> list[PaxlstFinding]:
    """Every structural problem of the PAXLST interchange `text`; an empty list means none."""
    try:
        segments = read_segments(text)
    except EdifactUnreadable as exc:
        return [PaxlstFinding(0, "", exc.message)]
    if not segments:
        return [PaxlstFinding(0, "", "the text holds no segments")]
    findings: list[PaxlstFinding] = []
    i = 1 if segments[0].tag == "UNA" else 0
    if i >= len(segments) or segments[i].tag != "UNB":
        return [PaxlstFinding(i + 1, _tag(segments, i), "an interchange must begin with UNB")]
    unb = segments[i]
    i += 1
    units = 0  # what UNZ counts: groups if the interchange has them, else messages
    while i < len(segments) and segments[i].tag != "UNZ":
        if segments[i].tag == "UNG":
            i = _group(segments, i, findings)
        elif segments[i].tag == "UNH":
            i = _message(segments, i, findings)
        else:
            findings.append(_finding(segments, i, "expected UNG, UNH or UNZ"))
            return findings
        units += 1
    if i >= len(segments):
        findings.append(PaxlstFinding(len(segments), _tag(segments, -1), "UNZ is missing"))
        return findings
    unz = segments[i]
    if _count(unz) != units:
        findings.append(
            _finding(segments, i, f"counts {component(unz, 0)}, interchange has {units}")
        )
    if component(unz, 1) != component(unb, 4):
        findings.append(_finding(segments, i, "control reference differs from UNB's"))
    if i + 1 < len(segments):
        findings.append(_finding(segments, i + 1, "segments after UNZ"))
    return findings


def _group(segments: list[Segment], i: int, findings: list[PaxlstFinding]) -> int:
    ung = segments[i]
    if component(ung, 0) != "PAXLST":
        findings.append(_finding(segments, i, "functional group is not of PAXLST messages"))
    i += 1
    messages = 0
    while i < len(segments) and segments[i].tag == "UNH":
        i = _message(segments, i, findings)
        messages += 1
    if i >= len(segments) or segments[i].tag != "UNE":
        findings.append(_finding(segments, i, "UNE is missing"))
        return i
    une = segments[i]
    if messages == 0:
        findings.append(_finding(segments, i, "functional group holds no message"))
    if _count(une) != messages:
        findings.append(_finding(segments, i, f"counts {component(une, 0)}, group has {messages}"))
    if component(une, 1) != component(ung, 4):
        findings.append(_finding(segments, i, "group reference differs from UNG's"))
    return i + 1


def _message(segments: list[Segment], i: int, findings: list[PaxlstFinding]) -> int:
    unh = segments[i]
    identifier = tuple(component(unh, 1, k) for k in range(4))
    if identifier != ("PAXLST", "D", "05B", "UN"):
        findings.append(_finding(segments, i, "message is not PAXLST:D:05B:UN"))
    end = next((k for k in range(i + 1, len(segments)) if segments[k].tag == "UNT"), None)
    if end is None:
        findings.append(_finding(segments, i, "UNT is missing"))
        return len(segments)
    walk = _Walk(segments[:end], i + 1, 1)
    walk.match(_PAXLST)
    if walk.index < end:
        # Whatever the table still wanted at this point is missing only because the match
        # stopped here: the segment out of place is the finding.
        stopped = walk.index + walk.offset
        findings.extend(f for f in walk.findings if f.position != stopped)
        findings.append(_finding(segments, walk.index, "out of place, or not part of PAXLST"))
    else:
        findings.extend(walk.findings)
    unt = segments[end]
    if _count(unt) != end - i + 1:
        findings.append(
            _finding(segments, end, f"counts {component(unt, 0)}, message has {end - i + 1}")
        )
    if component(unt, 1) != component(unh, 0):
        findings.append(_finding(segments, end, "message reference differs from UNH's"))
    for k in range(i + 1, end):
        cnt = segments[k]
        counted = _number(component(cnt, 0, 1))
        if cnt.tag == "CNT" and component(cnt, 0, 0) in ("41", "42") and counted != walk.persons:
            findings.append(_finding(segments, k, f"control total is not {walk.persons}"))
    return end + 1


def _count(segment: Segment) -> int | None:
    return _number(component(segment, 0))


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _tag(segments: list[Segment], i: int) -> str:
    return segments[i].tag if -len(segments) <= i < len(segments) else ""


def _finding(segments: list[Segment], i: int, problem: str) -> PaxlstFinding:
    return PaxlstFinding(i + 1, _tag(segments, i), problem)
