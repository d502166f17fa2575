"""Boarding passes at the gate: a genuine pass admits once, to its own flight, in its window; a
forged, altered, replayed, misdirected, expired or garbled one is refused with its reason."""

from __future__ import annotations

import base64
import datetime as dt
import inspect
import struct
import uuid
import xml.etree.ElementTree as ET

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from refuge.domain import InvalidInput, KeyUnavailable
from refuge.gate import (
    BOARDING_PREFIX,
    DEFAULT_CLOCK_LEEWAY,
    PassRefused,
    RefusalReason,
    dump_private_key,
    dump_public_key,
    generate_pass_key,
    issue_pass,
    key_id,
    load_private_key,
    load_public_key,
    pass_qr_png,
    pass_qr_svg,
    verify_pass,
)

FLIGHT = "RCH871"
ISSUED = dt.datetime(2021, 8, 20, 6, 0, tzinfo=dt.UTC)
UNTIL = ISSUED + dt.timedelta(hours=18)
AT_GATE = ISSUED + dt.timedelta(hours=3)
PASS_ID = uuid.UUID("5b0e7f5e-8a3c-4d8e-9b1a-2f6c1d0e4a77")
KEY = generate_pass_key()
OTHER_KEY = generate_pass_key()
HEAD = struct.Struct(">8s16sIIB")


def never_boarded(pass_id: str) -> bool:
    return False


def issue(key: Ed25519PrivateKey = KEY, /, **changes: object) -> str:
    fields: dict[str, object] = {
        "pass_id": PASS_ID,
        "flight_code": FLIGHT,
        "issued_at": ISSUED,
        "valid_until": UNTIL,
    } | changes
    return issue_pass(key, **fields)  # type: ignore[arg-type]  # fields vary per test on purpose


def refusal(
    token: str,
    *,
    flight_code: str = FLIGHT,
    now: dt.datetime = AT_GATE,
    keys: tuple[Ed25519PrivateKey, ...] = (KEY,),
    boarded: frozenset[str] = frozenset(),
) -> PassRefused:
    with pytest.raises(PassRefused) as caught:
        verify_pass(
            [key.public_key() for key in keys],
            token,
            flight_code=flight_code,
            now=now,
            already_boarded=boarded.__contains__,
        )
    return caught.value


def decode(token: str) -> bytes:
    body = token[len(BOARDING_PREFIX) :]
    return base64.b32decode(body + "=" * (-len(body) % 8))


def encode(raw: bytes) -> str:
    return BOARDING_PREFIX + base64.b32encode(raw).decode().rstrip("=")


# -- genuine passes ----------------------------------------------------------------------------


def test_a_genuine_pass_is_read_back_with_its_id_flight_and_window() -> None:
    boarding = verify_pass(
        [KEY.public_key()], issue(), flight_code=FLIGHT, now=AT_GATE, already_boarded=never_boarded
    )

    assert boarding.pass_id == str(PASS_ID)
    assert boarding.flight_code == FLIGHT
    assert (boarding.issued_at, boarding.valid_until) == (ISSUED, UNTIL)
    assert boarding.key_id == key_id(KEY)


def test_a_pass_signed_with_a_retired_key_still_verifies_while_that_key_is_held() -> None:
    token = issue(OTHER_KEY)
    keys = [KEY.public_key(), OTHER_KEY.public_key()]

    boarding = verify_pass(
        keys, token, flight_code=FLIGHT, now=AT_GATE, already_boarded=never_boarded
    )

    assert boarding.key_id == key_id(OTHER_KEY)


def test_a_pass_typed_by_hand_in_lower_case_is_accepted() -> None:
    token = "  " + issue().lower() + "\n"
    boarding = verify_pass(
        [KEY.public_key()], token, flight_code=FLIGHT, now=AT_GATE, already_boarded=never_boarded
    )
    assert boarding.pass_id == str(PASS_ID)


def test_the_token_carries_the_pass_id_flight_and_window_and_nothing_else() -> None:
    raw = decode(issue())

    key, pass_bytes, start, end, length = HEAD.unpack_from(raw)
    assert raw[HEAD.size : HEAD.size + length] == FLIGHT.encode()
    assert len(raw) == HEAD.size + length + 64  # the rest is the signature: no room for a name
    assert (uuid.UUID(bytes=pass_bytes), start, end) == (
        PASS_ID,
        int(ISSUED.timestamp()),
        int(UNTIL.timestamp()),
    )
    assert key.hex() == key_id(KEY)
    assert set(inspect.signature(issue_pass).parameters) == {
        "private_key",
        "pass_id",
        "flight_code",
        "issued_at",
        "valid_until",
    }


# -- refusals ----------------------------------------------------------------------------------


def test_a_pass_signed_by_a_key_the_operation_does_not_hold_is_refused_as_forged() -> None:
    error = refusal(issue(OTHER_KEY))

    assert error.reason is RefusalReason.UNKNOWN_KEY
    assert error.code == "pass_refused"
    assert error.pass_id is None  # nothing in an unverified pass is repeated back


def test_a_pass_forged_under_the_operations_key_id_is_refused_for_its_signature() -> None:
    raw = decode(issue(OTHER_KEY))
    payload = bytes.fromhex(key_id(KEY)) + raw[8:-64]
    forged = encode(payload + OTHER_KEY.sign(BOARDING_PREFIX.encode() + payload))

    assert refusal(forged).reason is RefusalReason.BAD_SIGNATURE


@pytest.mark.parametrize(
    ("offset", "what"),
    [(8, "pass id"), (24, "issued at"), (28, "valid until"), (HEAD.size, "flight code")],
)
def test_an_edited_pass_is_refused_for_its_signature(offset: int, what: str) -> None:
    raw = bytearray(decode(issue()))
    raw[offset] ^= 0x01

    assert refusal(encode(bytes(raw))).reason is RefusalReason.BAD_SIGNATURE


def test_a_pass_moved_to_another_flight_is_refused_for_its_signature() -> None:
    raw = decode(issue(flight_code="RCH872"))
    genuine_elsewhere = raw.replace(b"RCH872", FLIGHT.encode())

    assert refusal(encode(genuine_elsewhere)).reason is RefusalReason.BAD_SIGNATURE


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_single_character_changed_in_a_token_is_refused(data: st.DataObject) -> None:
    token = issue()
    index = data.draw(st.integers(len(BOARDING_PREFIX), len(token) - 1))
    char = data.draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))
    assume(char != token[index])

    error = refusal(token[:index] + char + token[index + 1 :])

    assert error.reason in {
        RefusalReason.MALFORMED,
        RefusalReason.UNKNOWN_KEY,
        RefusalReason.BAD_SIGNATURE,
    }


def test_a_pass_used_once_is_refused_the_second_time() -> None:
    error = refusal(issue(), boarded=frozenset({str(PASS_ID)}))

    assert error.reason is RefusalReason.ALREADY_BOARDED
    assert error.pass_id == str(PASS_ID)
    assert str(PASS_ID) in error.message


def test_a_pass_for_another_flight_is_refused() -> None:
    assert refusal(issue(), flight_code="RCH872").reason is RefusalReason.WRONG_FLIGHT


def test_a_pass_is_refused_once_its_window_has_closed() -> None:
    assert refusal(issue(), now=UNTIL).reason is RefusalReason.EXPIRED
    assert refusal(issue(), now=UNTIL + dt.timedelta(days=1)).reason is RefusalReason.EXPIRED


def test_a_pass_is_refused_before_its_window_opens_beyond_the_clock_leeway() -> None:
    early = ISSUED - DEFAULT_CLOCK_LEEWAY - dt.timedelta(seconds=1)
    assert refusal(issue(), now=early).reason is RefusalReason.NOT_YET_VALID

    slightly_early = ISSUED - DEFAULT_CLOCK_LEEWAY + dt.timedelta(seconds=1)
    boarding = verify_pass(
        [KEY.public_key()],
        issue(),
        flight_code=FLIGHT,
        now=slightly_early,
        already_boarded=never_boarded,
    )
    assert boarding.pass_id == str(PASS_ID)


def test_the_signature_is_judged_before_anything_the_pass_claims() -> None:
    # A forged pass for the wrong flight, out of date and replayed: the forgery is what counts.
    error = refusal(
        issue(OTHER_KEY),
        flight_code="RCH872",
        now=UNTIL + dt.timedelta(days=1),
        boarded=frozenset({str(PASS_ID)}),
    )
    assert error.reason is RefusalReason.UNKNOWN_KEY


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   ",
        "hello",
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        BOARDING_PREFIX,
        BOARDING_PREFIX + "!!!!",
        BOARDING_PREFIX + "AAAA",
        BOARDING_PREFIX + "A" * 200,
    ],
)
def test_garbage_is_refused_as_malformed(garbage: str) -> None:
    assert refusal(garbage).reason is RefusalReason.MALFORMED


def test_a_truncated_pass_is_refused_as_malformed() -> None:
    token = issue()
    assert refusal(token[:-10]).reason is RefusalReason.MALFORMED
    assert refusal(token + "AA").reason is RefusalReason.MALFORMED


def test_a_pass_whose_flight_length_disagrees_with_its_size_is_malformed() -> None:
    raw = bytearray(decode(issue()))
    raw[HEAD.size - 1] += 1

    assert refusal(encode(bytes(raw))).reason is RefusalReason.MALFORMED


def test_a_later_pass_format_is_refused_as_unsupported() -> None:
    token = issue().replace(BOARDING_PREFIX, "RP2.", 1)
    assert refusal(token).reason is RefusalReason.UNSUPPORTED_VERSION


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=300))
def test_no_text_at_all_gets_past_the_gate(text: str) -> None:
    assert refusal(text).reason in set(RefusalReason) - {
        RefusalReason.WRONG_FLIGHT,
        RefusalReason.EXPIRED,
        RefusalReason.NOT_YET_VALID,
        RefusalReason.ALREADY_BOARDED,
    }


def test_each_refusal_has_a_stable_code_and_a_message() -> None:
    assert [reason.value for reason in RefusalReason] == [
        "malformed",
        "unsupported_version",
        "unknown_key",
        "bad_signature",
        "wrong_flight",
        "not_yet_valid",
        "expired",
        "already_boarded",
    ]
    error = refusal(issue(), flight_code="RCH872")
    assert (
        error.message
        == f"boarding pass {PASS_ID} refused (wrong_flight): issued for another flight"
    )


# -- issuing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"pass_id": uuid.uuid1()},  # carries a MAC address and a time
        {"pass_id": uuid.uuid5(uuid.NAMESPACE_DNS, "example.org")},  # derived from a value
        {"pass_id": "not a uuid"},
        {"flight_code": ""},
        {"flight_code": "RCH 871"},
        {"flight_code": "R" * 33},
        {"issued_at": dt.datetime(2021, 8, 20, 6, 0)},  # noqa: DTZ001  # naive on purpose
        {"valid_until": ISSUED},
    ],
)
def test_a_pass_is_not_issued_from_bad_inputs(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        issue(**changes)


def test_a_pass_id_may_be_given_as_text() -> None:
    token = issue(pass_id=str(PASS_ID))
    boarding = verify_pass(
        [KEY.public_key()], token, flight_code=FLIGHT, now=AT_GATE, already_boarded=never_boarded
    )
    assert boarding.pass_id == str(PASS_ID)


# -- keys --------------------------------------------------------------------------------------


def test_a_key_id_names_the_pair_from_either_half() -> None:
    assert key_id(KEY) == key_id(KEY.public_key())
    assert key_id(KEY) != key_id(OTHER_KEY)
    assert len(key_id(KEY)) == 16


def test_a_private_key_saved_with_a_passphrase_loads_only_with_it() -> None:
    pem = dump_private_key(KEY, "correct horse battery staple")

    assert b"ENCRYPTED PRIVATE KEY" in pem
    assert key_id(load_private_key(pem, "correct horse battery staple")) == key_id(KEY)
    with pytest.raises(KeyUnavailable):
        load_private_key(pem, "wrong")
    with pytest.raises(KeyUnavailable):
        load_private_key(pem)


def test_a_private_key_saved_without_a_passphrase_loads_without_one() -> None:
    pem = dump_private_key(KEY)

    assert key_id(load_private_key(pem)) == key_id(KEY)
    with pytest.raises(KeyUnavailable):
        load_private_key(pem, b"unexpected")


def test_an_empty_passphrase_is_refused() -> None:
    with pytest.raises(InvalidInput):
        dump_private_key(KEY, "")


def test_a_public_key_round_trips_and_verifies_passes() -> None:
    public = load_public_key(dump_public_key(KEY))

    boarding = verify_pass(
        [public], issue(), flight_code=FLIGHT, now=AT_GATE, already_boarded=never_boarded
    )
    assert boarding.key_id == key_id(KEY)


def test_keys_that_are_not_ed25519_or_not_keys_are_refused() -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(KeyUnavailable):
        load_private_key(other.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    with pytest.raises(KeyUnavailable):
        load_public_key(
            other.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        )
    with pytest.raises(KeyUnavailable):
        load_public_key(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    with pytest.raises(KeyUnavailable):
        load_private_key(b"not a key")


# -- QR codes ----------------------------------------------------------------------------------


def test_a_pass_is_drawn_as_an_svg_qr_code() -> None:
    svg = pass_qr_svg(issue())

    root = ET.fromstring(svg)  # noqa: S314  # our own output, not untrusted XML
    assert root.tag.endswith("svg")
    assert int(root.attrib["width"]) > 100
    assert root.find("{http://www.w3.org/2000/svg}path") is not None


def test_a_pass_is_drawn_as_a_png_qr_code() -> None:
    png = pass_qr_png(issue())

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert width == height > 200


def test_only_pass_tokens_are_drawn() -> None:
    with pytest.raises(InvalidInput):
        pass_qr_png("ERIKSSON ANNA MARIA")
