"""Configuration: defaults, then environment overrides, then what the caller passes."""

import os
import secrets
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def instance_secret(folder: Path) -> str:
    """The installation secret kept in instance/secret_key, created once (mode 0600) if missing."""
    path = folder / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as file:
        file.write(secrets.token_hex(32))
    return path.read_text().strip()


def defaults() -> dict[str, Any]:
    """The settings a fresh checkout runs with."""
    return {
        "DATABASE_URL": f"sqlite:///{INSTANCE / 'vigil.db'}",
        # Tag keys derive from it: every process must share it, and changing it voids all tags.
        # Empty means instance/secret_key, created on first start.
        "SECRET_KEY": "",
        # JSON bodies are small; uploads that need more set their own limit.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "TOKEN_TTL_HOURS": 12,
        "LOGIN_WINDOW_MINUTES": 15,
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_MAX_FAILURES_PER_ADDRESS": 50,
        # A console session ends this long after sign-in, or after this long unused.
        "CONSOLE_SESSION_HOURS": 12,
        "CONSOLE_IDLE_MINUTES": 30,
        # argon2-cffi's RFC 9106 low-memory profile: t=3, 64 MiB, p=4.
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_KIB": 65536,
        "ARGON2_PARALLELISM": 4,
        "LOG_LEVEL": "INFO",
        # Where photo bytes live (content-addressed); empty means instance/photos.
        "PHOTO_DIR": "",
        "MAX_PHOTO_BYTES": 25 * 1024 * 1024,
        "MAX_PHOTO_PIXELS": 50_000_000,
        # How long a SQLite writer waits for the lock before the request answers 503.
        "SQLITE_BUSY_TIMEOUT_MS": 5000,
        # Browser origins allowed to call the API (comma-separated, e.g. a web console's);
        # empty: none, the API answers only same-origin pages and non-browser clients.
        "CORS_ORIGINS": "",
        # Where people reach the console: links in notifications point here.
        "PUBLIC_URL": "http://127.0.0.1:5000",
        # Where notification e-mail is handed over; empty: people are told by endpoints only.
        "SMTP_HOST": "",
        "SMTP_PORT": 587,
        "SMTP_SENDER": "vigil@localhost",
        "SMTP_STARTTLS": 1,
        "SMTP_USERNAME": "",
        "SMTP_PASSWORD": "",
    }


# Variables read from the environment: DATABASE_URL as is, the rest with a VIGIL_ prefix.
_INTEGERS = {
    "MAX_CONTENT_LENGTH",
    "TOKEN_TTL_HOURS",
    "LOGIN_WINDOW_MINUTES",
    "LOGIN_MAX_FAILURES",
    "LOGIN_MAX_FAILURES_PER_ADDRESS",
    "CONSOLE_SESSION_HOURS",
    "CONSOLE_IDLE_MINUTES",
    "ARGON2_TIME_COST",
    "ARGON2_MEMORY_KIB",
    "ARGON2_PARALLELISM",
    "SQLITE_BUSY_TIMEOUT_MS",
    "MAX_PHOTO_BYTES",
    "MAX_PHOTO_PIXELS",
    "SMTP_PORT",
    "SMTP_STARTTLS",
}


def from_environment(environ: os._Environ[str] | dict[str, str] = os.environ) -> dict[str, Any]:
    """Overrides found in the environment."""
    found: dict[str, Any] = {}
    if environ.get("DATABASE_URL"):
        found["DATABASE_URL"] = environ["DATABASE_URL"]
    for key in defaults():
        raw = environ.get(f"VIGIL_{key}")
        if raw is not None:
            found[key] = int(raw) if key in _INTEGERS else raw
    return found


def load(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then the environment, then overrides."""
    return {**defaults(), **from_environment(), **(overrides or {})}


# Cheap hashing for tests only: argon2 at production cost would dominate the suite's time.
TEST_OVERRIDES = {
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_KIB": 1024,
    "ARGON2_PARALLELISM": 1,
    "SECRET_KEY": "test-secret-not-for-production",
}
