"""What judging a batch of records needs from the database, read once for the whole batch."""

import bisect
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, and_, bindparam, column, or_, select, text, true, tuple_
from sqlalchemy.orm import Session, aliased, lazyload

from server.domain.alerts.kinds import AlertKind
from server.domain.inspection import checks
from server.domain.inspection.checks import Point
from server.domain.inspection.definition import NUMERIC, Bounds, Definition
from server.domain.inspection.problem_kinds import LASTING
from server.domain.models import (
    Alert,
    AlertState,
    Asset,
    AssetLimit,
    InspectionRecord,
    InspectionSchedule,
    Reading,
)

HISTORY = 30  # earlier readings per item an item's usual value is taken from
# Meters and levels compare with their last reading (and a meter with the one before a level's
# last): two each suffice.
LAST = 2
Pair = tuple[int, int]  # (asset id, template id)


@dataclass
class Past:
    """An earlier record of an asset and template: when, and what it read."""

    at: datetime
    values: dict[str, Any]


@dataclass
class History:
    """Each asset's recent readings, records, limits, schedules and open alerts.

    Records judged in the batch are added as they are judged, so the next one sees them.
    """

    limits: dict[int, dict[str, AssetLimit]] = field(default_factory=dict)
    series: dict[tuple[int, str], list[Point]] = field(default_factory=dict)  # latest first
    previous: dict[Pair, list[Past]] = field(default_factory=dict)  # latest first
    latest: dict[Pair, datetime] = field(default_factory=dict)
    # Each pair's schedules: rows of (id, asset_id, template_id, min_days, min_hours).
    schedules: dict[Pair, list[Any]] = field(default_factory=dict)
    open_alerts: dict[int, list[Alert]] = field(default_factory=lambda: defaultdict(list))
    # The open alert of each lasting problem's subject (None: none), as this batch knows it.
    spells: dict[str, Alert | None] = field(default_factory=dict)
    # How deep each (asset, item) series was read from the database.
    read: dict[tuple[int, str], int] = field(default_factory=dict)
    _seen: set[tuple[int, str, int]] = field(default_factory=set)

    def bounds(self, asset_id: int | None, form: Definition) -> dict[str, Bounds]:
        """Each numeric item's limits: the template's, with the asset's own laid over them."""
        own = self.limits.get(asset_id, {}) if asset_id is not None else {}
        found = {}
        for item in form.items:
            if item.type not in NUMERIC:
                continue
            limit = own.get(item.key)
            found[item.key] = (
                item.bounds.merged(
                    {"normal": limit.normal, "warning": limit.warning, "critical": limit.critical}
                )
                if limit
                else item.bounds
            )
        return found

    def series_before(
        self, asset_id: int, form: Definition, at: datetime
    ) -> dict[str, list[Point]]:
        """Each numeric item's readings before `at`, latest first."""
        found = {}
        for item in form.items:
            if item.type in NUMERIC:
                points = self.series.get((asset_id, item.key))
                if not points:
                    found[item.key] = []
                elif points[0].at < at:  # the usual case: all of it is older
                    found[item.key] = points[:HISTORY]
                else:
                    found[item.key] = [p for p in points if p.at < at][:HISTORY]
        return found

    def read_series(
        self, session: Session, pairs: list[tuple[int, str]], depth: int, until: datetime | None
    ) -> None:
        """Read the latest `depth` readings of these (asset, item) pairs into the series."""
        columns = (Reading.asset_id, Reading.item_key, Reading.at, Reading.value, Reading.record_id)
        touched = set()
        for asset_id, key, at, value, record_id in _latest(
            session, Reading, Reading.item_key, pairs, depth, until, columns
        ):
            # A pair read twice (the finding's recent readings) must not count a reading twice.
            if (asset_id, key, record_id) in self._seen:
                continue
            self._seen.add((asset_id, key, record_id))
            self.series.setdefault((asset_id, key), []).append(Point(at, value, record_id))
            touched.add((asset_id, key))
        for pair in pairs:
            self.read[pair] = max(depth, self.read.get(pair, 0))
        for pair in touched:
            self.series[pair].sort(key=lambda p: p.at, reverse=True)

    def fetch_recent(self, session: Session, pairs: list[tuple[int, str]], per_pair: int) -> None:
        """The recent readings shown beside a finding, for items not read up front."""
        self.read_series(session, pairs, checks.RECENT + per_pair, None)

    def read_alerts(
        self, session: Session, org_id: int, assets: set[int], subjects: set[str]
    ) -> None:
        """In one query: the open alerts the batch's records may settle, and the open alert
        about each lasting problem they show (None when there is none).

        Settled means overdue ones, rectified ones waiting for a reading, and lasting ones not
        yet seen back to normal; those already noted matter only when their problem is back.
        """
        wanted = subjects - set(self.spells)
        params = {"org_id": org_id, "assets": sorted(assets), "subjects": sorted(wanted)}
        self.spells.update(dict.fromkeys(wanted))
        for alert in session.scalars(_OPEN_ALERTS, params):
            if alert.subject in wanted:
                self.spells[alert.subject] = alert  # the latest wins
            known = self.open_alerts[alert.asset_id or 0]
            if all(a.id != alert.id for a in known):
                known.append(alert)

    def previous_before(self, pair: Pair, at: datetime) -> list[Past]:
        return [p for p in self.previous.get(pair, []) if p.at < at]

    def add(
        self, asset_id: int, template_id: int, at: datetime, values: dict[str, Any], ref: int
    ) -> None:
        """A record just judged joins the history the next record of the batch sees."""
        for key, value in values.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                _insert(self.series.setdefault((asset_id, key), []), Point(at, value, ref))
        pair = (asset_id, template_id)
        pasts = self.previous.setdefault(pair, [])
        if not pasts or at >= pasts[0].at:
            pasts.insert(0, Past(at, values))
        else:
            keys = [-p.at.timestamp() for p in pasts]
            pasts.insert(bisect.bisect_left(keys, -at.timestamp()), Past(at, values))
        if pair not in self.latest or at > self.latest[pair]:
            self.latest[pair] = at


def _insert(points: list[Point], point: Point) -> None:
    if not points or point.at >= points[0].at:  # the usual case: the newest yet
        points.insert(0, point)
        return
    keys = [-p.at.timestamp() for p in points]
    points.insert(bisect.bisect_left(keys, -point.at.timestamp()), point)


@dataclass(frozen=True)
class Wanted:
    """What a batch's checks compare with, per asset: item keys, and (asset, template) pairs."""

    recent: dict[int, set[str]]  # the last few readings of these items
    deep: dict[int, set[str]]  # a long run of readings of these
    pairs: set[Pair]
    back: int  # earlier records of each pair (flatline, spacing)
    per_pair: int  # records of one pair in the batch, so each still sees enough before it


def load(session: Session, org_id: int, wanted: Wanted, until: datetime, detect: bool) -> History:
    """Everything the batch's records need, in a few queries whose cost follows the batch."""
    history = History()
    assets = {a for a, _ in wanted.pairs}
    if not assets:
        return history
    for limit in session.scalars(select(AssetLimit).where(AssetLimit.asset_id.in_(assets))):
        history.limits.setdefault(limit.asset_id, {})[limit.item_key] = limit
    if not detect:
        return history
    if session.get_bind().dialect.name == "postgresql":
        # Two batches about one asset at once (two handhelds, or a handheld and the API) would
        # each find no alert for a new problem and raise two: the second waits for the first.
        # SQLite needs no lock: its writers already take turns.
        session.execute(
            select(Asset.id).where(Asset.id.in_(assets)).order_by(Asset.id).with_for_update()
        )
    extra = wanted.per_pair - 1  # the batch's other records of a pair may come before it
    for keys, depth in ((wanted.recent, LAST + extra), (wanted.deep, HISTORY + extra)):
        history.read_series(
            session,
            [(a, k) for a, found in sorted(keys.items()) for k in sorted(found)],
            depth,
            until,
        )
    record = InspectionRecord
    rows = _latest(
        session,
        record,
        record.template_id,
        sorted(wanted.pairs),
        wanted.back + extra,
        None,
        (record.asset_id, record.template_id, record.at, record.values),
    )
    for asset_id, template_id, at, values in rows:
        pair = (asset_id, template_id)
        history.previous.setdefault(pair, []).append(Past(at, values))
        if pair not in history.latest or at > history.latest[pair]:
            history.latest[pair] = at
    for pasts in history.previous.values():
        pasts.sort(key=lambda p: p.at, reverse=True)
    planned = session.connection().execute(_SCHEDULES, {"pairs": sorted(wanted.pairs)})
    for schedule in planned:
        history.schedules.setdefault((schedule.asset_id, schedule.template_id), []).append(schedule)
    return history


_SCHEDULES = select(
    InspectionSchedule.id,
    InspectionSchedule.asset_id,
    InspectionSchedule.template_id,
    InspectionSchedule.min_days,
    InspectionSchedule.min_hours,
).where(
    tuple_(InspectionSchedule.asset_id, InspectionSchedule.template_id).in_(
        bindparam("pairs", expanding=True)
    ),
    InspectionSchedule.active,
)
# Built once: the open alerts a batch may settle or continue. A statement reused keeps its
# cache key, where building this one afresh per batch cost as much as running it.
_OPEN_ALERTS = (
    select(Alert)
    .options(lazyload(Alert.history))
    .where(
        Alert.org_id == bindparam("org_id"),
        Alert.kind.in_([*LASTING, AlertKind.INSPECTION_OVERDUE]),
        Alert.state != AlertState.RESOLVED,
        or_(
            and_(
                Alert.asset_id.in_(bindparam("assets", expanding=True)),
                or_(
                    Alert.kind == AlertKind.INSPECTION_OVERDUE,
                    Alert.awaiting_reading,
                    Alert.evidence["back_to_normal"].as_string().is_(None),
                ),
            ),
            Alert.subject.in_(bindparam("subjects", expanding=True)),
        ),
    )
    .order_by(Alert.id)
)


def _wanted(dialect: str, second_is_text: bool) -> Any:
    """The (a, b) pairs asked for, unpacked in SQL from one JSON parameter (one cached shape)."""
    if dialect == "postgresql":
        sql = (
            "SELECT (e ->> 0)::int AS a, (e ->> 1) AS b "
            if second_is_text
            else "SELECT (e ->> 0)::int AS a, (e ->> 1)::int AS b "
        ) + "FROM json_array_elements(CAST(:pairs AS json)) AS e"
    else:
        sql = (
            "SELECT json_extract(value, '$[0]') AS a, json_extract(value, '$[1]') AS b "
            "FROM json_each(:pairs)"
        )
    b_type = String() if second_is_text else Integer()
    return text(sql).columns(column("a", Integer()), column("b", b_type)).cte("wanted")


# Built once per shape: a statement object reused keeps its cache key, so SQLAlchemy neither
# rebuilds nor re-keys it for every batch.
_STATEMENTS: dict[tuple[str, str, bool, bool], Any] = {}


def _statement(
    dialect: str, model: Any, second: Any, text_key: bool, bounded: bool, columns: tuple[Any, ...]
) -> Any:
    wanted = _wanted(dialect, text_key)
    inner = aliased(model, name="recent_rows")
    match = [inner.asset_id == wanted.c.a, getattr(inner, second.key) == wanted.c.b]
    if bounded:
        match.append(inner.at <= bindparam("until", type_=inner.at.type))
    depth = bindparam("depth", type_=Integer())
    if dialect == "postgresql":
        recent = (
            select(*[getattr(inner, c.key) for c in columns])
            .where(*match)
            .order_by(inner.at.desc())
            .limit(depth)
            .lateral("recent")
        )
        return select(recent).select_from(wanted).join(recent, true())
    ids = select(inner.id).where(*match).order_by(inner.at.desc()).limit(depth)
    return select(*columns).select_from(wanted).join(model, model.id.in_(ids))


def _latest(
    session: Session,
    model: Any,
    second: Any,
    pairs: list[tuple[int, Any]],
    depth: int,
    until: datetime | None,
    columns: tuple[Any, ...],
) -> list[Any]:
    """The `depth` latest rows of `model` for each (asset_id, second) pair.

    Each pair is an index seek (asset, second, at): the cost follows the pairs and the depth,
    never how much history the table holds. PostgreSQL runs it as a LATERAL join; SQLite,
    which has none, as a correlated rowid list.
    """
    if not pairs:
        return []
    dialect = session.get_bind().dialect.name
    shape = (dialect, model.__name__, isinstance(pairs[0][1], str), until is not None)
    stmt = _STATEMENTS.get(shape)
    if stmt is None:
        stmt = _STATEMENTS[shape] = _statement(dialect, model, second, shape[2], shape[3], columns)
    params: dict[str, Any] = {"pairs": json.dumps(pairs), "depth": depth}
    if until is not None:
        params["until"] = until
    # Plain rows: the Core connection skips the ORM's per-statement work.
    return list(session.connection().execute(stmt, params))
