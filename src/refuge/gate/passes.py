"""Boarding passes: Ed25519-signed tokens that carry a random pass id, the flight code and a
validity window (never a name), checked at the gate offline with the operation's public keys;
the keys that sign them; and the QR codes they are printed as.

A token reads `RP1.` followed by base32 (upper case, no padding) of

    key id (8 bytes) | pass id (16, a random UUID) | issued at (4, Unix seconds, big-endian)
    | valid until (4) | flight code length (1) | flight code (ASCII) | signature (64)

where the signature covers `RP1.` and every byte before it. Base32 keeps the whole token in the
QR code's alphanumeric mode, which is denser than byte mode and survives typing by hand.

    RefugeError (refuge.domain.errors)
    └── PassRefused   403  pass_refused: the pass does not admit its bearer; `reason` says why
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import hashlib
import io
import re
import struct
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import segno
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from refuge.domain.errors import InvalidInput, KeyUnavailable, RefugeError

__all__ = [
    "BOARDING_PREFIX",
    "DEFAULT_CLOCK_LEEWAY",
    "BoardingPass",
    "PassRefused",
    "RefusalReason",
    "dump_private_key",
    "dump_public_key",
    "generate_pass_key",
    "issue_pass",
    "key_id",
    "load_private_key",
    "load_public_key",
    "pass_qr_png",
    "pass_qr_svg",
    "read_pass",
    "verify_pass",
]

BOARDING_PREFIX = "RP1."
_PREFIX_BYTES = BOARDING_PREFIX.encode("ascii")
_OTHER_VERSION = re.compile(r"^RP\d+\.")
_HEAD = struct.Struct(">8s16sIIB")  # key id, pass id, issued at, valid until, flight length
_SIGNATURE = 64
_KEY_ID_BYTES = 8
_FLIGHT_CODE = re.compile(r"^[A-Za-z0-9_./-]{1,32}$")
_MAX_SECONDS = 2**32 - 1
DEFAULT_CLOCK_LEEWAY = dt.timedelta(minutes=5)


class RefusalReason(enum.StrEnum):
    """Why a pass was refused. The values are stable: gate screens and audit events use them."""

    MALFORMED = "malformed"  # not a boarding pass at all, or damaged beyond reading
    UNSUPPORTED_VERSION = "unsupported_version"  # a pass format this gate does not know
    UNKNOWN_KEY = "unknown_key"  # signed by a key this operation does not hold: forged
    BAD_SIGNATURE = "bad_signature"  # signature does not match: altered, or forged under our id
    WRONG_FLIGHT = "wrong_flight"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    ALREADY_BOARDED = "already_boarded"  # the same pass was used before: replayed or copied


_EXPLANATIONS = {
    RefusalReason.MALFORMED: "not a readable boarding pass",
    RefusalReason.UNSUPPORTED_VERSION: "a boarding pass format this gate does not read",
    RefusalReason.UNKNOWN_KEY: "signed by a key this operation does not hold",
    RefusalReason.BAD_SIGNATURE: "signature does not match: the pass was altered or forged",
    RefusalReason.WRONG_FLIGHT: "issued for another flight",
    RefusalReason.NOT_YET_VALID: "not valid yet",
    RefusalReason.EXPIRED: "expired",
    RefusalReason.ALREADY_BOARDED: "already used to board",
}


class PassRefused(RefugeError):
    """A boarding pass does not admit its bearer. The message names the pass id only once the
    signature has proved it genuine, and never anything about a person."""

    code = "pass_refused"
    status = 403

    def __init__(self, reason: RefusalReason, *, pass_id: str | None = None) -> None:
        self.reason = reason
        self.pass_id = pass_id
        which = f"boarding pass {pass_id}" if pass_id else "boarding pass"
        super().__init__(f"{which} refused ({reason.value}): {_EXPLANATIONS[reason]}")


@dataclass(frozen=True, slots=True)
class BoardingPass:
    """What a verified pass says. `pass_id` is the manifest entry's pass id, as a UUID string."""

    pass_id: str
    flight_code: str
    issued_at: dt.datetime
    valid_until: dt.datetime
    key_id: str


# -- keys --------------------------------------------------------------------------------------


def generate_pass_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def key_id(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """A short, stable name for a key pair (16 hex digits), the same from either half."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return _key_id_bytes(public).hex()


def _key_id_bytes(public: Ed25519PublicKey) -> bytes:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(b"refuge boarding pass key" + raw).digest()[:_KEY_ID_BYTES]


def dump_private_key(key: Ed25519PrivateKey, passphrase: str | bytes | None = None) -> bytes:
    """PKCS#8 PEM, encrypted with `passphrase` when one is given (it should be, outside tests)."""
    if passphrase is None:
        encryption: serialization.KeySerializationEncryption = serialization.NoEncryption()
    else:
        secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
        if not secret:
            raise InvalidInput("pass signing key: an empty passphrase protects nothing")
        encryption = serialization.BestAvailableEncryption(secret)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def load_private_key(pem: bytes, passphrase: str | bytes | None = None) -> Ed25519PrivateKey:
    secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
    try:
        key = serialization.load_pem_private_key(pem, password=secret)
    except TypeError as exc:  # a passphrase given for a clear key, or missing for an encrypted one
        raise KeyUnavailable(
            "pass signing key: the passphrase does not fit how the key is stored"
        ) from exc
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise KeyUnavailable(
            "pass signing key: not a readable PEM key, or the wrong passphrase"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyUnavailable("pass signing key: not an Ed25519 key")
    return key


def dump_public_key(key: Ed25519PublicKey | Ed25519PrivateKey) -> bytes:
    """SubjectPublicKeyInfo PEM, to hand to gate devices."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise KeyUnavailable("pass verification key: not a readable PEM public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise KeyUnavailable("pass verification key: not an Ed25519 key")
    return key


# -- issuing and verifying ---------------------------------------------------------------------


def issue_pass(
    private_key: Ed25519PrivateKey,
    *,
    pass_id: uuid.UUID | str,
    flight_code: str,
    issued_at: dt.datetime,
    valid_until: dt.datetime,
) -> str:
    """Sign a pass for one manifest entry. Times are kept to the second."""
    pass_uuid = _random_uuid(pass_id)
    if not _FLIGHT_CODE.match(flight_code):
        raise InvalidInput("boarding pass: flight code must be 1 to 32 letters, digits or . _ / -")
    start, end = _seconds(issued_at, "issued_at"), _seconds(valid_until, "valid_until")
    if end <= start:
        raise InvalidInput("boarding pass: valid_until must come after issued_at")
    flight = flight_code.encode("ascii")
    payload = _HEAD.pack(
        _key_id_bytes(private_key.public_key()), pass_uuid.bytes, start, end, len(flight)
    )
    payload += flight
    signature = private_key.sign(_PREFIX_BYTES + payload)
    body = base64.b32encode(payload + signature).decode("ascii").rstrip("=")
    return BOARDING_PREFIX + body


def verify_pass(
    public_keys: Iterable[Ed25519PublicKey],
    token: str,
    *,
    flight_code: str,
    now: dt.datetime,
    already_boarded: Callable[[str], bool],
    clock_leeway: dt.timedelta = DEFAULT_CLOCK_LEEWAY,
) -> BoardingPass:
    """Check a scanned pass for boarding `flight_code` at `now`; raise PassRefused if it fails.

    Checks run from cheapest and least trusting to the one that needs the manifest:
    form, version, key, signature, flight, validity window, and last whether the pass id has
    boarded already. Nothing read from a token is believed before its signature is checked.
    `clock_leeway` forgives a gate device whose clock runs behind the issuer's.
    """
    if now.tzinfo is None:
        raise InvalidInput("verify_pass: now must carry a time zone")
    verified = read_pass(public_keys, token)
    pass_id = verified.pass_id
    if verified.flight_code != flight_code:
        raise PassRefused(RefusalReason.WRONG_FLIGHT, pass_id=pass_id)
    if now < verified.issued_at - clock_leeway:
        raise PassRefused(RefusalReason.NOT_YET_VALID, pass_id=pass_id)
    if now >= verified.valid_until:
        raise PassRefused(RefusalReason.EXPIRED, pass_id=pass_id)
    if already_boarded(pass_id):
        raise PassRefused(RefusalReason.ALREADY_BOARDED, pass_id=pass_id)
    return verified


def read_pass(public_keys: Iterable[Ed25519PublicKey], token: str) -> BoardingPass:
    """What a genuine pass says, whatever its flight or validity window: form, version, key and
    signature checked (PassRefused otherwise). For the checks after boarding, at arrival, where
    a used pass is the expected one."""
    text = token.strip().upper()
    if not text.startswith(BOARDING_PREFIX):
        reason = (
            RefusalReason.UNSUPPORTED_VERSION
            if _OTHER_VERSION.match(text)
            else RefusalReason.MALFORMED
        )
        raise PassRefused(reason)
    raw = _decode_body(text[len(BOARDING_PREFIX) :])
    if len(raw) < _HEAD.size + _SIGNATURE:
        raise PassRefused(RefusalReason.MALFORMED)
    payload, signature = raw[:-_SIGNATURE], raw[-_SIGNATURE:]
    key_bytes, pass_bytes, start, end, flight_length = _HEAD.unpack_from(payload)
    if len(payload) != _HEAD.size + flight_length:
        raise PassRefused(RefusalReason.MALFORMED)
    keys = {_key_id_bytes(key): key for key in public_keys}
    key = keys.get(key_bytes)
    if key is None:
        raise PassRefused(RefusalReason.UNKNOWN_KEY)
    try:
        key.verify(signature, _PREFIX_BYTES + payload)
    except InvalidSignature as exc:
        raise PassRefused(RefusalReason.BAD_SIGNATURE) from exc
    # From here on the contents are the issuer's own.
    return BoardingPass(
        pass_id=str(uuid.UUID(bytes=pass_bytes)),
        flight_code=payload[_HEAD.size :].decode("ascii"),
        issued_at=dt.datetime.fromtimestamp(start, dt.UTC),
        valid_until=dt.datetime.fromtimestamp(end, dt.UTC),
        key_id=key_bytes.hex(),
    )


def _random_uuid(value: uuid.UUID | str) -> uuid.UUID:
    try:
        parsed = value if isinstance(value, uuid.UUID) else uuid.UUID(value)
    except ValueError as exc:
        raise InvalidInput("boarding pass: pass id must be a UUID") from exc
    # A version 4 UUID is random; any other kind could be derived from something about a person.
    if parsed.version != 4 or parsed.variant != uuid.RFC_4122:
        raise InvalidInput("boarding pass: pass id must be a random (version 4) UUID")
    return parsed


def _seconds(moment: dt.datetime, what: str) -> int:
    if moment.tzinfo is None:
        raise InvalidInput(f"boarding pass: {what} must carry a time zone")
    seconds = int(moment.timestamp())
    if not 0 <= seconds <= _MAX_SECONDS:
        raise InvalidInput(f"boarding pass: {what} is outside 1970-2106")
    return seconds


def _decode_body(body: str) -> bytes:
    try:
        raw = base64.b32decode(body + "=" * (-len(body) % 8))
    except (binascii.Error, ValueError) as exc:
        raise PassRefused(RefusalReason.MALFORMED) from exc
    # Base32 ignores the spare bits of its last character; one encoding per pass, no variants.
    if base64.b32encode(raw).decode("ascii").rstrip("=") != body:
        raise PassRefused(RefusalReason.MALFORMED)
    return raw


# -- QR codes ----------------------------------------------------------------------------------


def _qr(token: str) -> segno.QRCode:
    if not token.startswith(BOARDING_PREFIX):
        raise InvalidInput("QR code: only boarding pass tokens are drawn here")
    # Level M survives a crease or a cracked phone screen at a size that still scans quickly.
    return segno.make_qr(token, error="m", mode="alphanumeric", boost_error=False)


def pass_qr_svg(token: str, *, scale: int = 4) -> bytes:
    out = io.BytesIO()
    _qr(token).save(out, kind="svg", scale=scale, xmldecl=False)
    return out.getvalue()


def pass_qr_png(token: str, *, scale: int = 6) -> bytes:
    out = io.BytesIO()
    _qr(token).save(out, kind="png", scale=scale)
    return out.getvalue()
