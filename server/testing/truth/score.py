"""Raised alerts matched to expected ones by (kind, subject, end state), and scored.

A subject is what the alert is about, in the scenario's codes (model.py, *_subject): a round
(site, schedule, due time) with the stops it names, a pair of scans, a scan, a bad sticker read
by a handheld, a handheld's silence, an asset's item at a reading, an overdue due date. It is
read from the evidence the alert was raised with (its first history entry), so an alert kept
current later is still known by what it was raised for. The end state is open, auto_resolved
(by the evaluator) or resolved (by a person: the supervisor's morning review).

The scoring rule for an alert rightly raised on what was known and rightly resolved later (a
round that looked missed until a late batch showed it walked; a late start superseded by the
miss): it is expected, with the end state "auto_resolved", and it matches only a raised alert of
the same kind and subject that the evaluator resolved itself. Every alert ever raised counts,
whatever its state now: an alert raised wrongly and withdrawn later still woke someone, so it
costs precision. A raised alert whose kind and subject are expected but whose end state is not
(left open when it should have cleared, or cleared when it should stay open) matches nothing:
it is listed apart, and costs both precision and recall.

precision = matched raised / raised; recall = matched expected / expected (1.0 when empty).
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from server.testing.truth.model import (
    Expected,
    overdue_subject,
    reading_subject,
    round_subject,
    scan_subject,
    silence_subject,
    steps_subject,
    tag_subject,
    twin_subject,
)

ROUND_KINDS = {
    "round_late_start",
    "round_missed",
    "round_incomplete",
    "round_out_of_order",
    "round_timing",
    "round_task",
    "round_rushed",
}


@dataclass(frozen=True)
class Names:
    """Server ids back to the scenario's codes."""

    stickers: dict[str, str]  # QR payload -> sticker name (model.sticker)
    sites: dict[int, str]
    checkpoints: dict[int, str]
    devices: dict[int, str]
    plans: dict[int, str]
    assets: dict[int, str]
    rounds: dict[int, dict[str, Any]]


@dataclass(frozen=True)
class Raised:
    id: int
    kind: str
    subject: tuple[str, ...]
    end: str  # open, auto_resolved, resolved (by a person)
    title: str
    evidence: dict[str, Any]


def raised(alert: dict[str, Any], names: Names) -> Raised:
    state = alert["state"]
    end = "open" if state != "resolved" else "auto_resolved"
    if state == "resolved" and alert.get("resolved_by") is not None:
        end = "resolved"  # by a person: the supervisor's review
    first = next((h for h in alert.get("history", []) if h["action"] == "raised"), None)
    evidence = (first or {}).get("evidence") or alert.get("evidence") or {}
    return Raised(
        alert["id"], alert["kind"], subject(alert, evidence, names), end, alert["title"], evidence
    )


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def subject(alert: dict[str, Any], ev: dict[str, Any], names: Names) -> tuple[str, ...]:
    """What the alert is about, in the scenario's terms (see model: *_subject)."""
    kind = alert["kind"]
    device = names.devices.get(alert.get("device_id") or ev.get("device_id") or 0, "?")
    checkpoint = names.checkpoints.get(alert.get("checkpoint_id") or 0)
    if kind in ROUND_KINDS:
        found = names.rounds[alert["round_id"]]
        about = round_subject(
            names.sites[found["site_id"]],
            names.plans.get(found["schedule_id"] or 0, "voluntary"),
            _at(found["due_at"]),
        )
        # The stops it names: the ones missed, the ones that went backwards, or its one stop.
        named = ev.get("missed") or ev.get("checkpoints") or []
        stops = [names.checkpoints.get(s.get("checkpoint_id"), "?") for s in named]
        if checkpoint and kind not in _WHOLE_ROUND:
            stops = [checkpoint]
        return about + tuple(sorted(stops))
    if kind == "impossible_speed":
        a, b = ev["scans"]
        return steps_subject(
            device,
            names.checkpoints.get(a["checkpoint_id"], "?"),
            _at(a["scanned_at"]),
            names.checkpoints.get(b["checkpoint_id"], "?"),
            _at(b["scanned_at"]),
        )
    if kind == "far_scan":
        return scan_subject(device, checkpoint, _at(ev["scanned_at"]))
    if kind == "twin_scan":
        scans = [
            (names.devices.get(s["device_id"], "?"), _at(s["scanned_at"])) for s in ev["scans"]
        ]
        return twin_subject(checkpoint or "?", *scans)
    if kind == "suspicious_tag":
        bad = names.stickers.get(ev.get("payload", ""), "?")
        return tag_subject(device, ev["flag"], bad, _at(ev["scanned_at"]))
    if kind == "guard_inactive":
        return silence_subject(device, _at(ev["last_seen_at"]))
    asset = names.assets.get(alert.get("asset_id") or 0, "?")
    if kind == "inspection_overdue":
        return overdue_subject(asset, ev.get("template", "?"), _at(ev["due_at"]))
    if kind.startswith("inspection_"):
        return reading_subject(asset, ev.get("item") or "-", _at(ev["at"]))
    return ("alert", str(alert["id"]))


_WHOLE_ROUND = {"round_late_start", "round_missed", "round_incomplete", "round_out_of_order"}


@dataclass
class Score:
    expected: list[Expected]
    raised: list[Raised]
    matched: list[tuple[Expected, Raised]] = field(default_factory=list)
    missing: list[Expected] = field(default_factory=list)
    unexpected: list[Raised] = field(default_factory=list)
    wrong_end: list[tuple[Expected, Raised]] = field(default_factory=list)

    def precision(self, kind: str | None = None) -> float:
        raised = [r for r in self.raised if kind in (None, r.kind)]
        hits = [m for m in self.matched if kind in (None, m[1].kind)]
        return len(hits) / len(raised) if raised else 1.0

    def recall(self, kind: str | None = None) -> float:
        expected = [e for e in self.expected if kind in (None, e.kind)]
        hits = [m for m in self.matched if kind in (None, m[0].kind)]
        return len(hits) / len(expected) if expected else 1.0

    @property
    def perfect(self) -> bool:
        return not (self.missing or self.unexpected or self.wrong_end)

    def table(self) -> str:
        """Per kind: expected, raised, matched, precision, recall."""
        kinds = sorted({e.kind for e in self.expected} | {r.kind for r in self.raised})
        wanted, got = Counter(e.kind for e in self.expected), Counter(r.kind for r in self.raised)
        hit = Counter(e.kind for e, _ in self.matched)
        lines = [f"{'kind':30} {'expected':>8} {'raised':>6} {'matched':>7}  precision recall"]
        for kind in [*kinds, None]:
            name = kind or "all"
            counts = (
                (wanted[kind], got[kind], hit[kind])
                if kind
                else (len(self.expected), len(self.raised), len(self.matched))
            )
            lines.append(
                f"{name:30} {counts[0]:>8} {counts[1]:>6} {counts[2]:>7}"
                f"  {self.precision(kind):>9.3f} {self.recall(kind):>6.3f}"
            )
        return "\n".join(lines)

    def diff(self) -> str:
        """What a person needs to see which rule is wrong: missing, unexpected, wrong end."""
        lines = []
        for e in self.missing:
            lines.append(f"- MISSING   {e.kind} ({e.end}) {' '.join(e.subject)}  <- {e.fault}")
        for r in self.unexpected:
            lines.append(f"+ UNEXPECTED #{r.id} {r.kind} ({r.end}) {' '.join(r.subject)}")
            lines.append(f"      title: {r.title}")
            lines.append(f"      evidence: {json.dumps(r.evidence, ensure_ascii=False)[:600]}")
        for e, r in self.wrong_end:
            lines.append(
                f"~ WRONG END #{r.id} {e.kind} {' '.join(e.subject)}: expected {e.end}, "
                f"was {r.end}  <- {e.fault}\n      title: {r.title}"
            )
        return "\n".join(lines) or "(no differences)"


def match(expected: list[Expected], found: list[Raised]) -> Score:
    result = Score(expected, found)
    pool = list(found)
    for e in expected:
        hit = next(
            (r for r in pool if (r.kind, r.subject, r.end) == (e.kind, e.subject, e.end)), None
        )
        if hit is not None:
            pool.remove(hit)
            result.matched.append((e, hit))
        else:
            result.missing.append(e)
    for e in list(result.missing):
        near = next((r for r in pool if (r.kind, r.subject) == (e.kind, e.subject)), None)
        if near is not None:
            pool.remove(near)
            result.missing.remove(e)
            result.wrong_end.append((e, near))
    result.unexpected = pool
    return result
