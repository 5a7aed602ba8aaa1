"""Tag payloads: build, sign and parse the text a QR code carries (format in docs/tags.md)."""

import base64
import enum
import hashlib
import hmac
import re
from dataclasses import dataclass

VERSION = "V1"
MAC_CHARS = 16  # 80 bits of HMAC-SHA256 in base32; the longest payload (42) still fits QR 3-Q
MAX_ID = 36**6 - 1  # six base36 digits, more than any 32-bit id
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NUMBER = r"[1-9A-Z][0-9A-Z]{0,5}"  # canonical base36: no leading zeros, never 0
_PATTERN = re.compile(
    rf"^(?P<signed>{VERSION}:(?P<kind>[CA]):(?P<org>{_NUMBER}):(?P<tag>{_NUMBER}):"
    rf"(?P<key>{_NUMBER}):)(?P<mac>[A-Z2-7]{{{MAC_CHARS}}})$"
)


class TagKind(enum.StrEnum):
    """What a tag marks; the value is its letter in the payload."""

    CHECKPOINT = "C"
    ASSET = "A"


class MalformedPayload(ValueError):
    """The text is not a Vigil tag payload."""


@dataclass(frozen=True)
class TagRef:
    """What a payload names: tenant, tag and the key that signed it."""

    kind: TagKind
    org_id: int
    tag_id: int
    key_id: int


@dataclass(frozen=True)
class ParsedPayload:
    """A syntactically valid payload, not yet checked against its key."""

    ref: TagRef
    signed: str
    mac: str


def to_base36(number: int) -> str:
    """Upper-case base36, the compact spelling of numbers inside the alphanumeric set."""
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"{number} is outside 1..{MAX_ID}")
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = _BASE36[rest] + digits
    return digits


def _mac(signed: str, key: bytes) -> str:
    digest = hmac.new(key, signed.encode("ascii"), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:MAC_CHARS]


def build(ref: TagRef, key: bytes) -> str:
    """The signed payload for ref."""
    signed = (
        f"{VERSION}:{ref.kind.value}:{to_base36(ref.org_id)}:{to_base36(ref.tag_id)}:"
        f"{to_base36(ref.key_id)}:"
    )
    return signed + _mac(signed, key)


def parse(text: str) -> ParsedPayload:
    """Split a payload into its parts; MalformedPayload unless it is exactly canonical."""
    match = _PATTERN.match(text) if isinstance(text, str) and len(text) <= 64 else None
    if match is None:
        raise MalformedPayload("not a Vigil tag payload")
    ref = TagRef(
        kind=TagKind(match["kind"]),
        org_id=int(match["org"], 36),
        tag_id=int(match["tag"], 36),
        key_id=int(match["key"], 36),
    )
    return ParsedPayload(ref=ref, signed=match["signed"], mac=match["mac"])


def signature_matches(parsed: ParsedPayload, key: bytes) -> bool:
    """True when the payload was signed with key (constant-time comparison)."""
    return hmac.compare_digest(parsed.mac, _mac(parsed.signed, key))


def derive_key(master: bytes, org_id: int, key_id: int) -> bytes:
    """A tenant's tag key, derived from the installation secret: no tag key is ever stored."""
    return hmac.new(master, f"vigil-tag-key:{org_id}:{key_id}".encode(), hashlib.sha256).digest()
