"""Password hashing with argon2id, and new passwords a person can read and type."""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the login is unknown, so both paths cost the same time.
_dummy_hash = _hasher.hash("vigil-timing-equaliser")


def configure(time_cost: int, memory_cost_kib: int, parallelism: int) -> None:
    """Set the cost; tests lower it, production keeps argon2-cffi's RFC 9106 defaults."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism
    )
    _dummy_hash = _hasher.hash("vigil-timing-equaliser")


# Lower-case letters and digits without the look-alikes (0 o, 1 l i): read off a screen and
# typed on a handheld's keyboard, a password must survive being copied by hand.
_READABLE = "23456789abcdefghjkmnpqrstuvwxyz"


def generate(groups: int = 4, size: int = 4) -> str:
    """A new random password in groups ('k7qf-3mzp-x2wd-9tbe': 16 characters, 79 bits)."""
    chars = "".join(secrets.choice(_READABLE) for _ in range(groups * size))
    return "-".join(chars[i : i + size] for i in range(0, len(chars), size))


def hash_password(password: str) -> str:
    """An argon2id hash string with its parameters and salt."""
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """True when password matches; an unknown user (None) still costs one verification."""
    try:
        return _hasher.verify(password_hash or _dummy_hash, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than the current ones."""
    return _hasher.check_needs_rehash(password_hash)
