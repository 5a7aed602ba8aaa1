"""The installation secret every tenant's tag keys are derived from."""

import hashlib

from qr import payload

_master: bytes | None = None


def configure(secret: str) -> None:
    """Set the installation secret (VIGIL_SECRET_KEY or instance/secret_key)."""
    global _master
    _master = hashlib.sha256(secret.encode()).digest()


def tag_key(org_id: int, number: int) -> bytes:
    """The HMAC key of a tenant's key number."""
    if _master is None:
        raise RuntimeError("signing.configure() was not called")
    return payload.derive_key(_master, org_id, number)
