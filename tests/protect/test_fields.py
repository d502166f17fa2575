"""Personal fields encrypted under a household's data key, and blind indexes for look-up."""

from __future__ import annotations

import hmac

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refuge.domain import DecryptionFailed, InvalidInput
from refuge.protect import BlindIndex, DataKey, KeyedDigest

CONTEXT = "person.given:7d0f3c1e-2b8a-4c6e-9f10-5a4b3c2d1e0f"
KEY = DataKey(bytes(range(32)))

perso_arabic = st.text(
    alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF) | st.sampled_from(" \u200c"),
    min_size=1,
    max_size=40,
)
any_text = st.text(max_size=200)
names = st.sampled_from(
    ["فریده رحیمی", "ښکلې ځدراڼ", "محمد‌علی", "Farida Rahimi", "Mohd. Karim", "Зарина"]
)
plaintexts = perso_arabic | any_text | names


@settings(max_examples=200)
@given(plaintexts)
def test_a_field_decrypts_to_what_was_encrypted(text: str) -> None:
    assert KEY.decrypt(KEY.encrypt(text, CONTEXT), CONTEXT) == text


@settings(max_examples=100)
@given(plaintexts)
def test_encrypting_twice_gives_different_ciphertexts(text: str) -> None:
    assert KEY.encrypt(text, CONTEXT) != KEY.encrypt(text, CONTEXT)


@settings(max_examples=200)
@given(st.text(min_size=4, max_size=200) | perso_arabic | names)
def test_the_ciphertext_does_not_contain_the_plaintext(text: str) -> None:
    blob = KEY.encrypt(text, CONTEXT)
    encoded = text.encode()
    if len(encoded) >= 6:  # shorter byte strings turn up in random bytes by chance
        assert encoded not in blob


def test_a_field_under_a_new_key_decrypts_with_that_key() -> None:
    key = DataKey.generate()
    assert len(key.secret) == 32
    assert key.decrypt(key.encrypt("Farida", CONTEXT), CONTEXT) == "Farida"


@pytest.mark.parametrize(
    "elsewhere",
    [
        "person.given:0a1b2c3d-0000-4000-8000-000000000000",  # another person's row
        "person.family:7d0f3c1e-2b8a-4c6e-9f10-5a4b3c2d1e0f",  # another field of the same row
        "",
    ],
)
def test_a_ciphertext_moved_to_another_row_or_field_does_not_decrypt(elsewhere: str) -> None:
    blob = KEY.encrypt("فریده", CONTEXT)
    with pytest.raises(DecryptionFailed) as refused:
        KEY.decrypt(blob, elsewhere)
    assert "فریده" not in str(refused.value)
    assert refused.value.code == "decryption_failed"


def test_a_field_does_not_decrypt_under_another_households_key() -> None:
    blob = KEY.encrypt("Farida Rahimi", CONTEXT)
    with pytest.raises(DecryptionFailed, match="person.given"):
        DataKey.generate().decrypt(blob, CONTEXT)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=plaintexts,
    position=st.integers(min_value=0),
    flip=st.integers(min_value=1, max_value=255),
)
def test_flipping_any_byte_makes_decryption_fail_without_revealing_the_plaintext(
    text: str, position: int, flip: int
) -> None:
    blob = bytearray(KEY.encrypt(text, CONTEXT))
    blob[position % len(blob)] ^= flip
    with pytest.raises(DecryptionFailed) as refused:
        KEY.decrypt(bytes(blob), CONTEXT)
    # The message is one of a fixed few naming the field, so it cannot carry the plaintext.
    assert str(refused.value) in {
        f"encrypted field {CONTEXT}: ciphertext altered or misplaced",
        f"encrypted field {CONTEXT}: unknown ciphertext version",
    }


@pytest.mark.parametrize("keep", [0, 1, 5, 13, 28])
def test_a_truncated_ciphertext_fails_as_a_decryption_failure(keep: int) -> None:
    blob = KEY.encrypt("P01234567", CONTEXT)
    with pytest.raises(DecryptionFailed, match=CONTEXT):
        KEY.decrypt(blob[:keep], CONTEXT)


INDEX = BlindIndex(bytes(range(100, 132)))


@pytest.mark.parametrize(
    "written",
    [
        "P 123-4567",
        "p1234567",
        "P1234567",
        " p-123 45 67 ",
        "Ｐ１２３４５６７",
        "P۱۲۳۴۵۶۷",
        "P١٢٣٤٥٦٧",
    ],
)
def test_a_document_number_is_found_however_it_was_written(written: str) -> None:
    assert INDEX.document(written) == INDEX.document("P1234567")


def test_different_document_numbers_have_different_digests() -> None:
    assert INDEX.document("P1234567") != INDEX.document("P1234568")
    assert INDEX.document("۱۲۳۴۵۶۷") != INDEX.document("۷۶۵۴۳۲۱")


@pytest.mark.parametrize("written", ["", "  ", "-", "---", "٫", "ویزا"])
def test_a_document_number_with_nothing_to_index_is_refused(written: str) -> None:
    # Otherwise every such value would share one digest, and a look-up would match them all.
    with pytest.raises(InvalidInput):
        INDEX.document(written)


def test_a_digest_reveals_nothing_of_the_number() -> None:
    digest = INDEX.document("P1234567")
    assert len(digest) == 64
    assert "1234567" not in digest
    assert all(c in "0123456789abcdef" for c in digest)


def test_different_keys_give_different_digests() -> None:
    other = BlindIndex(bytes(range(200, 232)))
    assert other.document("P1234567") != INDEX.document("P1234567")
    assert other.phone("+93701234567") != INDEX.phone("+93701234567")


def test_the_same_key_gives_the_same_digest_in_another_process() -> None:
    assert BlindIndex(bytes(range(100, 132))).phone("+93701234567") == INDEX.phone("+93701234567")


def test_phone_and_document_digests_differ_for_the_same_string() -> None:
    assert INDEX.phone("+93701234567") != INDEX.document("+93701234567")
    assert INDEX.phone("+93701234567") != INDEX.document("93701234567")


@pytest.mark.parametrize(
    "written", ["+93701234567", "+93 70 123 4567", "+93-70-123-4567", "+۹۳۷۰۱۲۳۴۵۶۷"]
)
def test_a_phone_number_is_found_however_it_was_spaced_or_digited(written: str) -> None:
    assert INDEX.phone(written) == INDEX.phone("+93701234567")


@pytest.mark.parametrize("written", ["", "0701234567", "93701234567", "+93 70 CALL ME"])
def test_a_phone_number_not_in_e164_form_is_refused_without_repeating_it(written: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        INDEX.phone(written)
    if written:
        assert written not in str(refused.value)


@given(st.binary(max_size=200), st.lists(st.binary(max_size=300), min_size=1, max_size=3))
def test_keyed_digests_are_hmac_sha256_whatever_the_key_and_message(
    key: bytes, messages: list[bytes]
) -> None:
    digests = KeyedDigest(key)
    for message in messages:  # the key's states are copied, never used up
        assert digests.hex(message) == hmac.digest(key, message, "sha256").hex()
