"""Encryption of personal fields under a household's data key (AES-256-GCM), and keyed blind
indexes (HMAC-SHA256) for exact look-up without storing plaintext.

Each ciphertext is bound to where it is stored (`context`, e.g. "person.given:<id>") through the
GCM associated data, so a ciphertext copied into another row or field does not decrypt.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from refuge.domain import DecryptionFailed, InvalidInput
from refuge.domain import e164 as check_e164

__all__ = ["BlindIndex", "DataKey", "KeyedDigest"]

_BLOCK = 64  # SHA-256's block size: HMAC's key length
_VERSION = b"\x01"
_NONCE = 12
_TAG = 16
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_PHONE_SEPARATORS = re.compile(r"[\s().-]")


class DataKey:
    """A household's data key, held in memory only while it is in use."""

    __slots__ = ("_aead", "secret")

    def __init__(self, secret: bytes) -> None:
        self.secret = secret
        self._aead = AESGCM(secret)

    @classmethod
    def generate(cls) -> DataKey:
        return cls(AESGCM.generate_key(bit_length=256))

    def encrypt(self, plaintext: str, context: str) -> bytes:
        nonce = os.urandom(_NONCE)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext.encode(), context.encode())

    def decrypt(self, blob: bytes, context: str) -> str:
        if blob[:1] != _VERSION:
            raise DecryptionFailed(f"{_place(context)}: unknown ciphertext version")
        # A value cut short would reach AESGCM with a nonce it rejects with ValueError.
        if len(blob) < 1 + _NONCE + _TAG:
            raise DecryptionFailed(f"{_place(context)}: ciphertext truncated")
        nonce, body = blob[1 : 1 + _NONCE], blob[1 + _NONCE :]
        try:
            return self._aead.decrypt(nonce, body, context.encode()).decode()
        except InvalidTag as exc:
            raise DecryptionFailed(f"{_place(context)}: ciphertext altered or misplaced") from exc


class KeyedDigest:
    """HMAC-SHA256 under one key, in hex: the digests of `hmac.digest(key, message, "sha256")`,
    twice as quick for the short messages of a record. OpenSSL 3 sets a one-shot HMAC up anew
    for every message; here the key's inner and outer SHA-256 states are made once and copied."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        if len(key) > _BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(_BLOCK, b"\x00")
        self._inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key))
        self._outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))

    def hex(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


class BlindIndex:
    """Keyed digests of normalised identifiers. Equal inputs give equal digests; without the key
    the digests cannot be tested against guesses (a phone number space is small enough to try)."""

    def __init__(self, key: bytes) -> None:
        self._digests = KeyedDigest(key)

    def _digest(self, kind: str, value: str) -> str:
        return self._digests.hex(f"{kind}\x00{value}".encode())

    def document(self, number: str) -> str:
        """Document numbers compare without spaces, dashes or case, and whatever script their
        digits were written in (Persian, Arabic-Indic, full-width)."""
        value = _NOT_ALNUM.sub("", _ascii_digits(number).upper())
        if not value:
            # Every such value would share one digest, and a look-up would match them all.
            raise InvalidInput("document number has no letters or digits to look up")
        return self._digest("document", value)

    def phone(self, e164: str) -> str:
        """Phone numbers compare in E.164 form; spaces, dashes, dots, brackets and the script of
        the digits do not count. Anything else is refused rather than indexed as typed, which
        would never match the stored number."""
        value = _PHONE_SEPARATORS.sub("", _ascii_digits(e164))
        return self._digest("phone", check_e164(value))


def _ascii_digits(text: str) -> str:
    if text.isascii():  # NFKC leaves ASCII as it is, and its only digits are 0-9
        return text
    # NFKC folds full-width letters and digits; Arabic-Indic and Persian digits it leaves alone.
    folded = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in folded)


def _place(context: str) -> str:
    # The context names table, field and row id; none of it is personal data.
    return f"encrypted field {context}"
