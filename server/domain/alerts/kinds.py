"""The alert kinds, in one table: default severity, how the key is built, how the title reads.

The titles' templates are here; titles.py tells them in a language."""

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from server.domain.models import AlertSeverity


class AlertKind(enum.StrEnum):
    """What kind of problem an alert is about; the API filters and reports by it."""

    SUSPICIOUS_TAG = "suspicious_tag"
    FAR_SCAN = "far_scan"
    TWIN_SCAN = "twin_scan"
    IMPOSSIBLE_SPEED = "impossible_speed"
    ROUND_MISSED = "round_missed"
    ROUND_INCOMPLETE = "round_incomplete"
    ROUND_LATE_START = "round_late_start"
    ROUND_OUT_OF_ORDER = "round_out_of_order"
    ROUND_TIMING = "round_timing"
    ROUND_TASK = "round_task"
    ROUND_RUSHED = "round_rushed"
    GUARD_INACTIVE = "guard_inactive"
    INSPECTION_OUT_OF_BOUNDS = "inspection_out_of_bounds"
    INSPECTION_ABOVE_USUAL = "inspection_above_usual"
    INSPECTION_CHECK_FAILED = "inspection_check_failed"
    INSPECTION_ABNORMAL_CHOICE = "inspection_abnormal_choice"
    INSPECTION_FLATLINE = "inspection_flatline"
    INSPECTION_METER_BACKWARDS = "inspection_meter_backwards"
    INSPECTION_METER_JUMP = "inspection_meter_jump"
    INSPECTION_UNEXPLAINED_DROP = "inspection_unexplained_drop"
    INSPECTION_AUDIT_FAILED = "inspection_audit_failed"
    INSPECTION_TOO_SOON = "inspection_too_soon"
    INSPECTION_INCOMPLETE = "inspection_incomplete"
    INSPECTION_OVERDUE = "inspection_overdue"


@dataclass(frozen=True)
class Title:
    """A title in each language: str.format templates over the finding's title arguments."""

    en: str
    zh: str


@dataclass(frozen=True)
class Kind:
    """One row of the table."""

    severity: AlertSeverity  # the default; a finding may say otherwise (a level, a delay)
    key: tuple[str, ...]  # the fields the key is built from, in order
    titles: Mapping[str, Title]  # by variant; "" is the usual one
    # The key without its last field (the record) names a problem that lasts from record to
    # record; the next record continues the open alert of the same subject.
    lasting: bool = False
    # The problem can happen again under the same key (the same sticker read again): new
    # evidence after a person resolved the alert reopens it, since the fix did not hold.
    recurs: bool = False
    prefix: str = ""  # what keys begin with, when not the kind itself (kept for older keys)


_ROUND = "{route} round due {due}"
_ROUND_ZH = "{route} {due} 的巡更"
_ROUND_KEY = ("round_id",)
_STOP_KEY = ("round_id", "position")
_RECORD_KEY = ("record_id", "item")  # item "-" for a finding about the whole form
_LASTING_KEY = ("place", "item", "record_id")  # place: asset id or "s<site>"; item or "t<form>"
S = AlertSeverity

KINDS: dict[AlertKind, Kind] = {
    AlertKind.SUSPICIOUS_TAG: Kind(
        S.HIGH,
        ("device_id", "flag", "payload"),
        {"": Title("Scan of a {flag:one.tag} tag", "扫描了{flag:one.tag}标签")},
        recurs=True,
        prefix="tag",
    ),
    AlertKind.FAR_SCAN: Kind(
        S.HIGH,
        ("device_id", "checkpoint_id", "day"),
        {
            "": Title(
                "{checkpoint} scanned {distance} m away from it",
                "{checkpoint} 在 {distance} 米外被扫描",
            )
        },
        recurs=True,
    ),
    AlertKind.TWIN_SCAN: Kind(
        S.HIGH,
        ("first_event_id", "second_event_id"),
        {
            "": Title(
                "Checkpoint scanned by two devices {seconds} s apart",
                "同一巡更点被两台手持机相隔 {seconds} 秒扫描",
            )
        },
    ),
    AlertKind.IMPOSSIBLE_SPEED: Kind(
        S.HIGH,
        ("device_id", "first_event_id", "second_event_id"),
        {
            "": Title(
                "{to} scanned {seconds} s after {from}, {distance} m away:"
                " faster than anyone walks",
                "{from} 与 {to} 相距 {distance} 米，扫描仅隔 {seconds} 秒：步行不可能到达",
            )
        },
    ),
    AlertKind.ROUND_MISSED: Kind(
        S.HIGH,
        _ROUND_KEY,
        {"": Title(f"{_ROUND} missed: nothing scanned", f"{_ROUND_ZH}漏巡：一个点也未扫描")},
    ),
    AlertKind.ROUND_INCOMPLETE: Kind(
        S.MEDIUM,
        _ROUND_KEY,
        {
            "": Title(
                f"{_ROUND} incomplete: missed {{missed:list}}",
                f"{_ROUND_ZH}未完成：漏巡 {{missed:list}}",
            )
        },
    ),
    AlertKind.ROUND_LATE_START: Kind(
        S.MEDIUM,
        _ROUND_KEY,
        {
            "": Title(
                f"{_ROUND} not started within {{grace}} min",
                f"{_ROUND_ZH}未在 {{grace}} 分钟内开始",
            ),
            "started_late": Title(f"{_ROUND} started late", f"{_ROUND_ZH}开始晚了"),
        },
    ),
    AlertKind.ROUND_OUT_OF_ORDER: Kind(
        S.LOW, _ROUND_KEY, {"": Title(f"{_ROUND} walked out of order", f"{_ROUND_ZH}未按顺序巡查")}
    ),
    AlertKind.ROUND_TIMING: Kind(
        S.LOW,
        _STOP_KEY,
        {
            "": Title(
                f"{{checkpoint}} scanned {{timing:one.timing}} on {_ROUND}",
                f"{_ROUND_ZH}中 {{checkpoint}} 扫描得{{timing:one.timing}}",
            )
        },
    ),
    AlertKind.ROUND_TASK: Kind(
        S.LOW,
        _STOP_KEY,
        {
            "": Title(
                "{checkpoint} scanned without {missing:and.task}",
                "{checkpoint} 扫描时缺少{missing:and.task}",
            )
        },
    ),
    AlertKind.ROUND_RUSHED: Kind(
        S.HIGH,
        _STOP_KEY,
        {
            "": Title(
                f"{{checkpoint}} reached too fast on {_ROUND}",
                f"{_ROUND_ZH}中到达 {{checkpoint}} 过快",
            )
        },
    ),
    AlertKind.GUARD_INACTIVE: Kind(
        S.CRITICAL,
        ("device_id", "last_event_id"),
        {
            "": Title(
                "{who:who} silent since {since} while clocked in (limit {limit} min)",
                "{who:who} 在岗，自 {since} 起无信号（限 {limit} 分钟）",
            ),
            "resumed": Title(
                "{who:who} was silent {minutes} min, {since} to {until}, while clocked in",
                "{who:who} 在岗期间 {since} 至 {until} 无信号 {minutes} 分钟",
            ),
        },
    ),
    AlertKind.INSPECTION_OUT_OF_BOUNDS: Kind(
        S.MEDIUM,
        _LASTING_KEY,
        {
            "": Title(
                "{subject}: {label} {value}, {side:one.side} the {level:one.level} limit {limit}",
                "{subject}：{label} {value}，{side:one.side}{level:one.level}限值 {limit}",
            )
        },
        lasting=True,
    ),
    AlertKind.INSPECTION_ABOVE_USUAL: Kind(
        S.MEDIUM,
        _LASTING_KEY,
        {
            "": Title(
                "{subject}: {label} {value}, more than {max_above:g} above its usual {usual}"
                " at this load",
                "{subject}：{label} {value}，比此负载下的通常值 {usual} 高出 {max_above:g} 以上",
            )
        },
        lasting=True,
    ),
    AlertKind.INSPECTION_CHECK_FAILED: Kind(
        S.MEDIUM,
        _LASTING_KEY,
        {"": Title("{subject}: check failed: {label}", "{subject}：检查不合格：{label}")},
        lasting=True,
    ),
    AlertKind.INSPECTION_ABNORMAL_CHOICE: Kind(
        S.MEDIUM,
        _LASTING_KEY,
        {"": Title("{subject}: {label}: {value}", "{subject}：{label} 异常：{value}")},
        lasting=True,
    ),
    AlertKind.INSPECTION_FLATLINE: Kind(
        S.MEDIUM,
        _LASTING_KEY,
        {
            "": Title(
                "{subject}: the same readings {records} records in a row",
                "{subject}：连续 {records} 次记录读数完全相同",
            )
        },
        lasting=True,
    ),
    AlertKind.INSPECTION_METER_BACKWARDS: Kind(
        S.MEDIUM,
        _RECORD_KEY,
        {
            "": Title(
                "{subject}: {label} went back from {previous:g} to {value:g}",
                "{subject}：{label} 从 {previous:g} 倒退到 {value:g}",
            )
        },
    ),
    AlertKind.INSPECTION_METER_JUMP: Kind(
        S.MEDIUM,
        _RECORD_KEY,
        {
            "": Title(
                "{subject}: {label} rose {per_day:g} a day, more than it can",
                "{subject}：{label} 每天上升 {per_day:g}，超出可能",
            )
        },
    ),
    AlertKind.INSPECTION_UNEXPLAINED_DROP: Kind(
        S.MEDIUM,
        _RECORD_KEY,
        {
            "": Title(
                "{subject}: {label} fell {drop} since the last record with no run logged",
                "{subject}：{label} 自上次记录以来下降 {drop}，期间无运行记录",
            ),
            "short_run": Title(
                "{subject}: {label} fell {drop} since the last record; a run of {rise:g} h"
                " does not explain it (at least {least:g} h does)",
                "{subject}：{label} 自上次记录以来下降 {drop}；运行 {rise:g} 小时不足以解释"
                "（至少 {least:g} 小时）",
            ),
        },
    ),
    AlertKind.INSPECTION_AUDIT_FAILED: Kind(
        S.MEDIUM,
        _RECORD_KEY,
        {
            "": Title(
                "{subject}: audit scored {score:g}, {grade_zh} ({grade})",
                "{subject}：检查评分 {score:g}，{grade_zh}",
            )
        },
    ),
    AlertKind.INSPECTION_TOO_SOON: Kind(
        S.LOW,
        _RECORD_KEY,
        {
            "": Title(
                "{subject}: done {days:g} days after the last one (at least {least})",
                "{subject}：距上次仅 {days:g} 天（至少应隔 {least} 天）",
            ),
            "hours": Title(
                "{subject}: done {hours:g} hours after the last one (at least {least})",
                "{subject}：距上次仅 {hours:g} 小时（至少应隔 {least} 小时）",
            ),
        },
    ),
    AlertKind.INSPECTION_INCOMPLETE: Kind(
        S.LOW,
        _RECORD_KEY,
        {
            "": Title(
                "{subject}: inspection incomplete: {missing:list}",
                "{subject}：检查未完成：{missing:list}",
            )
        },
    ),
    AlertKind.INSPECTION_OVERDUE: Kind(
        S.MEDIUM,
        ("schedule_id", "due_at"),
        {
            "": Title(
                "{asset}: {form} overdue by {late:late} (due {due})",
                "{asset}：{form} 已逾期 {late:late}（应于 {due}）",
            )
        },
    ),
}


def worst(*severities: AlertSeverity) -> AlertSeverity:
    """The most urgent of these severities."""
    return max(severities, key=lambda severity: severity.rank)


# What each kind is called where people choose among them (a filter, a report's column).
NAMES: dict[AlertKind, Title] = {
    AlertKind.SUSPICIOUS_TAG: Title("Suspicious tag", "可疑标签"),
    AlertKind.FAR_SCAN: Title("Scanned far away", "远距离扫描"),
    AlertKind.TWIN_SCAN: Title("Two handhelds at once", "两机同时扫描"),
    AlertKind.IMPOSSIBLE_SPEED: Title("Impossible speed", "不可能的速度"),
    AlertKind.ROUND_MISSED: Title("Round missed", "漏巡"),
    AlertKind.ROUND_INCOMPLETE: Title("Round incomplete", "巡更未完成"),
    AlertKind.ROUND_LATE_START: Title("Round started late", "巡更迟到"),
    AlertKind.ROUND_OUT_OF_ORDER: Title("Out of order", "未按顺序"),
    AlertKind.ROUND_TIMING: Title("Stop early or late", "到点过早或过晚"),
    AlertKind.ROUND_TASK: Title("Photo or note missing", "缺少照片或备注"),
    AlertKind.ROUND_RUSHED: Title("Round rushed", "巡更过快"),
    AlertKind.GUARD_INACTIVE: Title("Guard silent", "人员无信号"),
    AlertKind.INSPECTION_OUT_OF_BOUNDS: Title("Reading out of limits", "读数超限"),
    AlertKind.INSPECTION_ABOVE_USUAL: Title("Reading above usual", "读数高于平常"),
    AlertKind.INSPECTION_CHECK_FAILED: Title("Check failed", "检查不合格"),
    AlertKind.INSPECTION_ABNORMAL_CHOICE: Title("Abnormal finding", "异常情况"),
    AlertKind.INSPECTION_FLATLINE: Title("Readings never change", "读数一成不变"),
    AlertKind.INSPECTION_METER_BACKWARDS: Title("Meter went back", "计量表倒退"),
    AlertKind.INSPECTION_METER_JUMP: Title("Meter jumped", "计量表跳变"),
    AlertKind.INSPECTION_UNEXPLAINED_DROP: Title("Unexplained drop", "无故下降"),
    AlertKind.INSPECTION_AUDIT_FAILED: Title("Audit failed", "检查评分不合格"),
    AlertKind.INSPECTION_TOO_SOON: Title("Inspected too soon", "检查间隔过短"),
    AlertKind.INSPECTION_INCOMPLETE: Title("Inspection incomplete", "检查未完成"),
    AlertKind.INSPECTION_OVERDUE: Title("Inspection overdue", "检查逾期"),
}

_BY_PREFIX = {spec.prefix or kind.value: kind for kind, spec in KINDS.items()}


@dataclass(frozen=True)
class AlertKey:
    """What names one problem, so finding it again finds its alert: built and read only here."""

    kind: AlertKind
    parts: tuple[str, ...]

    @classmethod
    def of(cls, kind: AlertKind, *parts: object) -> "AlertKey":
        fields = KINDS[kind].key
        if len(parts) != len(fields):
            raise ValueError(f"a {kind} key has {len(fields)} parts {fields}, not {parts}")
        return cls(kind, tuple(str(p) for p in parts))

    @classmethod
    def parse(cls, text: str) -> "AlertKey":
        """The key a stored alert carries (the last part may hold ':', as a time does)."""
        prefix, _, rest = text.partition(":")
        kind = _BY_PREFIX[prefix]
        return cls.of(kind, *rest.split(":", len(KINDS[kind].key) - 1))

    @classmethod
    def subject_of(cls, kind: AlertKind, *parts: object) -> str:
        """What the keys of a lasting kind share: all their parts but the record."""
        if not KINDS[kind].lasting or len(parts) != len(KINDS[kind].key) - 1:
            raise ValueError(f"a {kind} subject is not made of {parts}")
        return str(cls(kind, tuple(str(p) for p in parts)))

    def __str__(self) -> str:
        return ":".join((KINDS[self.kind].prefix or self.kind.value, *self.parts))

    def __getitem__(self, field: str) -> str:
        return self.parts[KINDS[self.kind].key.index(field)]

    @property
    def subject(self) -> str | None:
        """For a lasting problem, what it is about: the key without its record."""
        if not KINDS[self.kind].lasting:
            return None
        return self.subject_of(self.kind, *self.parts[:-1])
