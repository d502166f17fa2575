"""What a gate scanner or a keyboard sends may be anything: a machine-readable zone or a boarding
pass token, damaged, truncated, padded or made up. Either it reads, or our own error says why;
never another exception (which at the gate would stop the queue)."""

from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refuge.domain.errors import RefugeError
from refuge.gate import (
    MrzInvalid,
    PassRefused,
    generate_pass_key,
    issue_pass,
    read_mrz,
    verify_pass,
)

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
TODAY = dt.date(2026, 11, 25)
ZONES = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6",
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<",
]
# Letters that change length or meaning when upper-cased or normalised (ß, ı, ſ, K, İ), NUL,
# other scripts' digits: what a confused scanner or a hostile keyboard sends.
MRZ_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<<<<<\n\r ßıſ\u212a\u0130\x00é٣\t"


def spliced(text: str, at: int, new: str) -> str:
    return text[:at] + new + text[at + len(new) :]


@FUZZ
@given(
    zone=st.one_of(
        st.text(max_size=120),
        st.text(alphabet=MRZ_CHARACTERS, max_size=100),
        st.builds(
            spliced,
            st.sampled_from(ZONES),
            st.integers(0, 95),
            st.text(alphabet=MRZ_CHARACTERS, min_size=1, max_size=3),
        ),
    ),
    as_lines=st.booleans(),
    today=st.dates(),
)
def test_any_text_scanned_as_a_zone_is_read_or_refused_with_findings(
    zone: str, as_lines: bool, today: dt.date
) -> None:
    findings = None
    try:
        read_mrz(zone.split("\n") if as_lines else zone, today=today)
    except MrzInvalid as exc:
        findings = exc.findings
    except RefugeError:
        return
    assert findings is None or findings


KEY = generate_pass_key()
NOW = dt.datetime(2026, 8, 20, 9, 0, tzinfo=dt.UTC)
TOKEN = issue_pass(
    KEY,
    pass_id=uuid.uuid4(),
    flight_code="RF1",
    issued_at=NOW - dt.timedelta(hours=1),
    valid_until=NOW + dt.timedelta(hours=12),
)
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567=\n -:."


@FUZZ
@given(
    st.one_of(
        st.text(max_size=200),
        st.text(alphabet=BASE32, max_size=200).map(lambda body: TOKEN[:4] + body),
        st.builds(
            spliced,
            st.just(TOKEN),
            st.integers(0, len(TOKEN)),
            st.text(alphabet=BASE32, min_size=1, max_size=4),
        ),
        st.integers(0, len(TOKEN) - 1).map(lambda cut: TOKEN[:cut]),
    )
)
def test_any_text_scanned_as_a_pass_is_verified_or_refused_with_a_reason(token: str) -> None:
    reason = None
    try:
        verified = verify_pass(
            [KEY.public_key()],
            token,
            flight_code="RF1",
            now=NOW,
            already_boarded=lambda _pass_id: False,
        )
    except PassRefused as exc:
        reason = exc.reason
    if reason is None:
        # Only the genuine token (give or take spaces and case) gets through.
        assert token.strip().upper() == TOKEN
        assert verified.flight_code == "RF1"
