"""Who made a wand's reads: the export's guard column, or the last person button read before.

A guard cell names an active user of the tenant by person-button id, login (the staff number)
or name, in that order; a name two users share names nobody.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from device_protocol.wand import WandRead
from server.domain.errors import Invalid
from server.domain.models import PersonTag, PhysicalTagKind, User
from server.domain.registry.checkpoints import normalise_uid
from server.ingest.wand.report import ECHO, Report

CHUNK = 500  # values in one IN (...), well inside SQLite's limit on parameters


@dataclass(frozen=True)
class Touch:
    """A read of a checkpoint's chip, ready to store, with the guard it is attributed to."""

    line: int
    uid: str
    local_time: datetime
    user_id: int | None
    checkpoint: str | None


@dataclass(frozen=True)
class Guards:
    """The people an export names: by guard cell, and by person-button chip."""

    by_cell: dict[str, int]
    unknown: dict[str, str]  # guard cell -> why it names nobody
    buttons: dict[str, int]  # person-button uid -> user


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    values = sorted(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _uid(text: str) -> str | None:
    try:
        return normalise_uid(text)
    except Invalid:
        return None


def find(session: Session, org_id: int, kind: str, cells: set[str], uids: set[str]) -> Guards:
    """Resolve the guard cells and find the person buttons among the chips read."""
    active = (User.org_id == org_id, User.active)
    cell_uids = {cell: uid for cell in cells if (uid := _uid(cell))}
    buttons: dict[str, int] = {}
    for chunk in _chunks(uids | set(cell_uids.values())):
        stmt = (
            select(PersonTag.uid, PersonTag.user_id)
            .join(User, User.id == PersonTag.user_id)
            .where(PersonTag.org_id == org_id, PersonTag.kind == PhysicalTagKind(kind))
            .where(PersonTag.uid.in_(chunk), *active)
        )
        buttons.update(session.execute(stmt).all())
    logins: dict[str, int] = {}
    named: dict[str, set[int]] = {}
    for chunk in _chunks({cell.lower() for cell in cells}):
        stmt = select(User.login, User.id).where(User.login.in_(chunk), *active)
        logins.update(session.execute(stmt).all())
        stmt_names = select(func.lower(User.name), User.id).where(
            func.lower(User.name).in_(chunk), *active
        )
        for name, user_id in session.execute(stmt_names):
            named.setdefault(name, set()).add(user_id)
    by_cell, unknown = {}, {}
    for cell in cells:
        same_name = named.get(cell.lower(), set())
        if cell_uids.get(cell) in buttons:
            by_cell[cell] = buttons[cell_uids[cell]]
        elif cell.lower() in logins:
            by_cell[cell] = logins[cell.lower()]
        elif len(same_name) == 1:
            by_cell[cell] = next(iter(same_name))
        elif same_name:
            unknown[cell] = f"{len(same_name)} users have this name: use staff numbers"
        else:
            unknown[cell] = "no active user has this name, staff number or person button"
    return Guards(by_cell, unknown, {u: buttons[u] for u in uids if u in buttons})


def attribute(
    reads: list[tuple[WandRead, str]],
    guards: Guards,
    report: Report,
    unknown: dict[str, dict[str, Any]],
) -> list[Touch]:
    """One wand's reads in the order it made them, each with its guard; person buttons counted.

    The guard column speaks for its row; without it, a person button speaks for the reads
    after it, until the next one. Guard cells that name nobody are gathered in unknown.
    """
    touches, carrier = [], None
    for read, uid in sorted(reads, key=lambda item: (item[0].local_time, item[0].line)):
        if uid in guards.buttons:
            carrier = guards.buttons[uid]
            report.person_reads += 1
            continue
        user = guards.by_cell.get(read.guard or "")
        if read.guard and user is None:
            entry = unknown.setdefault(
                read.guard,
                {
                    "guard": read.guard[:ECHO],
                    "reason": guards.unknown.get(read.guard, ""),
                    "first_line": read.line,
                    "reads": 0,
                },
            )
            entry["first_line"] = min(entry["first_line"], read.line)
            entry["reads"] += 1
        touches.append(Touch(read.line, uid, read.local_time, user or carrier, read.checkpoint))
    return touches
