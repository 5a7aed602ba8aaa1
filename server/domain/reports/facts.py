"""A report's facts: what an ask covers (Scope), what was gathered (Gathered), their hash,
and who is named in them."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from server.domain import names
from server.domain.actor import Actor, Role
from server.domain.models import ReportFormat


@dataclass(frozen=True)
class Scope:
    """What one ask covers: the subject names it among its versions; [since, until) in UTC."""

    subject: str
    since: datetime
    until: datetime
    params: dict[str, Any]
    formats: tuple[ReportFormat, ...]


@dataclass(frozen=True)
class Gathered:
    """A report's contents as of now: the data a renderer lays out, the hash of its facts,
    and the figures a later version is compared by."""

    data: Any
    fingerprint: str
    figures: dict[str, int]


def fingerprint(facts: Any) -> str:
    """SHA-256 of the facts (frozen dataclasses) as canonical JSON: sorted keys, instants in
    UTC. The same for facts gathered again from unchanged data, another after any change."""
    text = json.dumps(
        facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
    )
    return hashlib.sha256(text.encode()).hexdigest()


def people(session: Session, org_id: int, ids: Iterable[int | None]) -> dict[int, str]:
    """People's names, read within one tenant (the worker gathering a report is no tenant's)."""
    reader = Actor(None, org_id, Role.ADMIN, label="report")
    return names.lookup(session, reader, names.Named.PERSON, {i for i in ids if i})


def _plain(value: Any) -> Any:
    # A dataclass level by level (asdict deep-copies the whole tree first, several times slower).
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not part of a report's facts")
