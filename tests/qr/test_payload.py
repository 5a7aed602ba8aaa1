"""Payloads: compact, canonical, and broken by any single-character change."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qr import payload
from qr.payload import MalformedPayload, TagKind, TagRef
from qr.render import make_qr

KEY = payload.derive_key(b"installation secret", 1, 1)
QR_ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
ids = st.integers(min_value=1, max_value=2**31 - 1)
refs = st.builds(TagRef, st.sampled_from(TagKind), ids, ids, ids)


def verifies(text: str, key: bytes = KEY) -> bool:
    try:
        return payload.signature_matches(payload.parse(text), key)
    except MalformedPayload:
        return False


def test_round_trip():
    ref = TagRef(TagKind.ASSET, 7, 1234, 2)
    text = payload.build(ref, KEY)
    assert payload.parse(text).ref == ref
    assert verifies(text)


@given(refs)
def test_payload_stays_in_the_alphanumeric_set(ref):
    assert set(payload.build(ref, KEY)) <= set(QR_ALPHANUMERIC)


@pytest.mark.parametrize("largest", [False, True])
def test_fits_version_3_at_level_q_even_with_the_largest_ids(largest):
    n = 2**31 - 1 if largest else 5
    text = payload.build(TagRef(TagKind.CHECKPOINT, n, n, n), KEY)
    code = make_qr(text)
    assert code.version <= (3 if largest else 2), (text, code.version)


def test_exhaustively_every_single_character_change_fails():
    text = payload.build(TagRef(TagKind.CHECKPOINT, 42, 1295, 3), KEY)
    for position, original in enumerate(text):
        for replacement in QR_ALPHANUMERIC + "a0":
            if replacement != original:
                forged = text[:position] + replacement + text[position + 1 :]
                assert not verifies(forged), forged


@settings(max_examples=300)
@given(refs, st.data())
def test_any_single_character_change_fails(ref, data):
    text = payload.build(ref, KEY)
    position = data.draw(st.integers(0, len(text) - 1))
    replacement = data.draw(st.sampled_from(QR_ALPHANUMERIC).filter(lambda c: c != text[position]))
    assert not verifies(text[:position] + replacement + text[position + 1 :])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "V1:C:01:1:1:AAAAAAAAAAAAAAAA",  # leading zero: not canonical
        "V1:C:0:1:1:AAAAAAAAAAAAAAAA",  # ids start at 1
        "v1:c:1:1:1:aaaaaaaaaaaaaaaa",
        "V2:C:1:1:1:AAAAAAAAAAAAAAAA",
        "V1:X:1:1:1:AAAAAAAAAAAAAAAA",
        "V1:C:1:1:1:AAAAAAAAAAAAAAA",  # MAC one short
        "V1:C:1:1:1:AAAAAAAAAAAAAAAA ",
        "V1:C:1234567:1:1:AAAAAAAAAAAAAAAA",  # id longer than six base36 digits
        "V1:C:1:1:1:" + "A" * 5000,
    ],
)
def test_malformed_payloads_are_refused_before_any_key_lookup(text):
    with pytest.raises(MalformedPayload):
        payload.parse(text)


def test_another_key_does_not_verify():
    text = payload.build(TagRef(TagKind.CHECKPOINT, 1, 1, 1), KEY)
    assert not verifies(text, payload.derive_key(b"installation secret", 1, 2))
    assert not verifies(text, payload.derive_key(b"another installation", 1, 1))


def test_derived_keys_differ_per_tenant_and_number():
    keys = {payload.derive_key(b"s", org, n) for org in (1, 2, 12) for n in (1, 2, 21)}
    assert len(keys) == 9
