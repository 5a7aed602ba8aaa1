"""What raised an alert, told as sentences from its evidence, in English or Chinese.

The title says what is wrong; these say how Vigil knows: the measured figures beside the limits
they broke, and the times in the site's clock.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from server.domain.alerts.kinds import AlertKind
from server.domain.models import Alert

K = AlertKind
Say = Callable[[dict[str, Any], Callable[[str | None], str]], tuple[str, str]]


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _speed(e: dict[str, Any], at: Callable[[str | None], str]) -> tuple[str, str]:
    first, second = (e.get("scans") or [{}, {}])[:2]
    speed, limit = _num(e["speed_mps"]), _num(e["limit_mps"])
    return (
        f"{second.get('name')} was scanned {_num(e['seconds'])} s after {first.get('name')},"
        f" {e['distance_m']} m apart: {speed} m/s, where a person covers at most {limit} m/s"
        f" ({at(first.get('scanned_at'))} and {at(second.get('scanned_at'))}).",
        f"{first.get('name')}（{at(first.get('scanned_at'))}）与 {second.get('name')}"
        f"（{at(second.get('scanned_at'))}）相距 {e['distance_m']} 米，扫描仅隔"
        f" {_num(e['seconds'])} 秒：速度 {speed} 米/秒，步行最多 {limit} 米/秒。",
    )


def _far(e: dict[str, Any], at: Callable[[str | None], str]) -> tuple[str, str]:
    accuracy = _num(e.get("accuracy_m", "?"))
    return (
        f"Scanned at {at(e.get('scanned_at'))} {e['distance_m']} m from the checkpoint, which"
        f" counts within {e['radius_m']} m (the handheld's position was good to {accuracy} m).",
        f"{at(e.get('scanned_at'))} 扫描时距巡更点 {e['distance_m']} 米，有效范围为"
        f" {e['radius_m']} 米（手持机定位精度 {accuracy} 米）。",
    )


def _rushed(e: dict[str, Any], at: Callable[[str | None], str]) -> tuple[str, str]:
    return (
        f"Reached at {at(e.get('scanned_at'))}, {e['gap_s']} s after the stop before; the route"
        f" asks for at least {e['min_gap_s']} s between them.",
        f"{at(e.get('scanned_at'))} 到达，距上一点仅 {e['gap_s']} 秒；路线要求至少"
        f" {e['min_gap_s']} 秒。",
    )


def _late_start(e: dict[str, Any], at: Callable[[str | None], str]) -> tuple[str, str]:
    if not e.get("started_at"):
        return (
            f"Due at {at(e.get('due_at'))}; nothing was scanned within the grace period.",
            f"应于 {at(e.get('due_at'))} 开始；宽限期内没有任何扫描。",
        )
    return (
        f"Due at {at(e.get('due_at'))}; the first scan came at {at(e['started_at'])}.",
        f"应于 {at(e.get('due_at'))} 开始；第一次扫描在 {at(e['started_at'])}。",
    )


def _missed(e: dict[str, Any], at: Callable[[str | None], str]) -> tuple[str, str]:
    names = [m.get("name", "?") for m in e.get("missed", [])]
    if not names:
        return (
            f"Due at {at(e.get('due_at'))}; no checkpoint of the route was scanned.",
            f"应于 {at(e.get('due_at'))} 巡查；路线上没有一个点被扫描。",
        )
    return (
        f"Due at {at(e.get('due_at'))}; not scanned: {', '.join(names)}.",
        f"应于 {at(e.get('due_at'))} 巡查；未扫描：{'、'.join(names)}。",
    )


def _silent(e: dict[str, Any], at: Callable[[str | None], str]) -> tuple[str, str]:
    resumed = e.get("resumed_at")
    return (
        f"Clocked in at {at(e.get('clocked_in_at'))}; last heard from at"
        f" {at(e.get('last_seen_at'))}; the limit is {e['limit_min']} min of silence"
        + (f"; heard from again at {at(resumed)}." if resumed else "."),
        f"{at(e.get('clocked_in_at'))} 上岗；最后一次信号 {at(e.get('last_seen_at'))}；"
        f"无信号限值 {e['limit_min']} 分钟" + (f"；{at(resumed)} 恢复信号。" if resumed else "。"),
    )


def _bounds(e: dict[str, Any], at: Callable[[str | None], str]) -> tuple[str, str]:
    unit = e.get("unit") or ""
    bounds = e.get("bounds") or {}
    normal = bounds.get("normal") or [None, None]
    shown = " – ".join("…" if v is None else _num(v) for v in normal)
    recent = ", ".join(f"{_num(r['value'])} ({at(r['at'])})" for r in e.get("recent", [])[:4])
    en = f"Read {_num(e['value'])} {unit} at {at(e.get('at'))}; normal is {shown} {unit}."
    zh = f"{at(e.get('at'))} 读数 {_num(e['value'])} {unit}；正常范围 {shown} {unit}。"
    if recent:
        en += f" Before: {recent}."
        zh += f"此前：{recent}。"
    return en, zh


def _usual(e: dict[str, Any], at: Callable[[str | None], str]) -> tuple[str, str]:
    unit = e.get("unit") or ""
    return (
        f"Read {_num(e['value'])} {unit} at {at(e.get('at'))}; at a similar {e['similar']} of"
        f" {_num(e['similar_value'])} it usually reads {_num(e['usual'])} {unit}"
        f" (from {e['compared_with']} earlier records).",
        f"{at(e.get('at'))} 读数 {_num(e['value'])} {unit}；在相近的 {e['similar']}"
        f"（{_num(e['similar_value'])}）下通常为 {_num(e['usual'])} {unit}"
        f"（依据此前 {e['compared_with']} 次记录）。",
    )


def _drop(e: dict[str, Any], at: Callable[[str | None], str]) -> tuple[str, str]:
    unit = e.get("unit") or ""
    return (
        f"Fell from {_num(e['previous'])} {unit} ({at(e.get('previous_at'))}) to"
        f" {_num(e['value'])} {unit} ({at(e.get('at'))}); the run hours rose by"
        f" {_num(e['meter_rise'])} h, and a drop over {_num(e['max_drop'])} {unit} needs a run.",
        f"从 {_num(e['previous'])} {unit}（{at(e.get('previous_at'))}）降到"
        f" {_num(e['value'])} {unit}（{at(e.get('at'))}）；运行小时仅增加 {_num(e['meter_rise'])}"
        f"，下降超过 {_num(e['max_drop'])} {unit} 应有运行记录。",
    )


def _overdue(e: dict[str, Any], at: Callable[[str | None], str]) -> tuple[str, str]:
    every = e.get("max_days")
    return (
        f"Last done {at(e.get('last_done_at'))}; due {at(e.get('due_at'))}"
        + (f" (at most {every} days apart)." if every else "."),
        f"上次 {at(e.get('last_done_at'))}；应于 {at(e.get('due_at'))} 完成"
        + (f"（间隔不超过 {every} 天）。" if every else "。"),
    )


SAYINGS: dict[AlertKind, Say] = {
    K.IMPOSSIBLE_SPEED: _speed,
    K.FAR_SCAN: _far,
    K.ROUND_RUSHED: _rushed,
    K.ROUND_LATE_START: _late_start,
    K.ROUND_MISSED: _missed,
    K.ROUND_INCOMPLETE: _missed,
    K.GUARD_INACTIVE: _silent,
    K.INSPECTION_OUT_OF_BOUNDS: _bounds,
    K.INSPECTION_ABOVE_USUAL: _usual,
    K.INSPECTION_UNEXPLAINED_DROP: _drop,
    K.INSPECTION_OVERDUE: _overdue,
}


def explain(alert: Alert, language: str, timezone: str) -> str | None:
    """How Vigil knows, in a sentence or two; None when the title already says it all."""
    return explain_evidence(alert.kind, alert.evidence, language, timezone)


def explain_evidence(
    kind: str, evidence: dict[str, Any] | None, language: str, timezone: str
) -> str | None:
    """The same, for evidence as it stood at one point of the alert's history."""
    say = SAYINGS.get(AlertKind(kind)) if kind in set(AlertKind) else None
    if say is None:
        return None
    zone = ZoneInfo(timezone)

    def at(when: str | None) -> str:
        if not when:
            return "?"
        return datetime.fromisoformat(when).astimezone(zone).strftime("%m-%d %H:%M")

    try:
        en, zh = say(evidence or {}, at)
    except (KeyError, TypeError, ValueError):
        return None  # evidence from an older release may lack a figure: the title stands alone
    return zh if language == "zh" else en
