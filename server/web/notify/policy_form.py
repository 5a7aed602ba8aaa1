"""What the escalation policy editor sends: the policy's fields, its steps as rows, deadlines.

As in the route editor, the page posts the whole policy each time. Each row of steps carries a
key that never changes while the page is open, so Add a step and Remove (done by the server,
no script needed) and a refusal bring every row back as it was typed, until it is saved.
"""

import re
from dataclasses import dataclass, replace
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict

from server.domain import errors
from server.domain.actor import Role
from server.domain.models import AlertSeverity, EscalationPolicy
from server.domain.notify.ladder import RECTIFY_HOURS
from server.web.forms import Fields, Refusal, number, stamp, typed
from server.web.people.forms import ROLES

MAX_ROWS = 60  # beyond the ladder's 50 tellings, so the domain names the limit
_KEY = re.compile(r"\d{1,6}")
POLICY = Fields(
    ("name", "site_id", "min_severity"), readers={"site_id": number}, keep_blank=("name",)
)
LISTS = ("roles", "user_ids", "endpoint_ids")
SEVERITIES = tuple(reversed(AlertSeverity))  # the deadlines, most urgent first
DEFAULT_HOURS = {severity.value: hours for severity, hours in RECTIFY_HOURS.items()}


@dataclass(frozen=True)
class Row:
    """One step as the editor shows it: the typed numbers, and who is ticked or chosen."""

    key: str
    after_min: str = ""
    repeat: str = ""
    roles: tuple[str, ...] = ()
    user_ids: tuple[str, ...] = ()
    endpoint_ids: tuple[str, ...] = ()

    def body(self) -> dict[str, Any]:
        """The step as the API's JSON would hold it (an empty number: the default, 0)."""
        step: dict[str, Any] = {"roles": list(self.roles)}
        step |= {name: [number(i) for i in getattr(self, name)] for name in LISTS[1:]}
        counts = {"after_min": self.after_min, "repeat": self.repeat}
        return step | {name: number(text) for name, text in counts.items() if text}


@dataclass(frozen=True)
class Draft:
    """The editor's state: the fields as typed, the rows in order, the hours to rectify by
    severity as typed (empty: the default), and the version the person started from."""

    values: dict[str, str]
    rows: tuple[Row, ...]
    hours: dict[str, str]
    version: str = ""

    def body(self) -> dict[str, Any]:
        """The whole policy as a POST or a PATCH would carry it."""
        hours = {severity: number(text) for severity, text in self.hours.items() if text}
        steps = [row.body() for row in self.rows]
        return typed(self.values, POLICY) | {"steps": steps, "rectify_hours": hours}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def new_draft() -> Draft:
    """A new policy: every severity, and a first step telling the site's supervisors at once."""
    values = {"name": "", "site_id": "", "min_severity": AlertSeverity.LOW.value}
    return Draft(values, (Row("1", after_min="0", roles=("supervisor",)),), {})


def draft_of(policy: EscalationPolicy) -> Draft:
    """The editor's state for a policy as saved."""
    rows = tuple(
        Row(
            key=str(n),
            after_min=_text(step.get("after_min", 0)),
            repeat=_text(step.get("repeat", 0)),
            **{name: tuple(str(v) for v in step.get(name, ())) for name in LISTS},
        )
        for n, step in enumerate(policy.steps, start=1)
    )
    values = {
        "name": policy.name,
        "site_id": _text(policy.site_id),
        "min_severity": policy.min_severity.value,
    }
    hours = {severity: _text(h) for severity, h in (policy.rectify_hours or {}).items()}
    return Draft(values, rows, hours, stamp(policy))


def draft_from(form: MultiDict[str, str]) -> Draft:
    """The editor's state as the page sent it: rows in the order they stood on the page."""
    keys = form.getlist("step")
    if len(keys) > MAX_ROWS or len(set(keys)) != len(keys) or not all(map(_KEY.fullmatch, keys)):
        raise errors.Invalid(_("The form is damaged: open the policy again."), {"steps": ["rows"]})
    rows = tuple(
        Row(
            key=key,
            after_min=form.get(f"s{key}-after_min", "").strip(),
            repeat=form.get(f"s{key}-repeat", "").strip(),
            **{name: tuple(v for v in form.getlist(f"s{key}-{name}") if v) for name in LISTS},
        )
        for key in keys
    )
    values = {name: form.get(name, "") for name in POLICY.names}
    hours = {s.value: form.get(f"rectify-{s.value}", "").strip() for s in AlertSeverity}
    return Draft(values, rows, hours, form.get("version", ""))


@dataclass(frozen=True)
class Step:
    """What Add or Remove did: the new state, the control to focus, and what to announce."""

    draft: Draft
    focus: str
    said: str


def instruction(form: MultiDict[str, str], draft: Draft) -> Step | None:
    """Apply Add a step or Remove, if one was pressed (None: Save). Removing a row no longer
    on the page changes nothing."""
    rows = list(draft.rows)
    keys = [row.key for row in rows]
    if "add" in form:
        key = str(max((int(k) for k in keys), default=0) + 1)
        rows.append(Row(key))
        said = _("A step was added at the end.")
        return Step(replace(draft, rows=tuple(rows)), f"s{key}-after_min", said)
    if "remove" in form:
        if form["remove"] in keys:
            del rows[keys.index(form["remove"])]
        return Step(replace(draft, rows=tuple(rows)), "add-step", _("The step was removed."))
    return None


def who(step: dict[str, Any]) -> str:
    """Who one stored step tells, in a few words: its roles, how many people and endpoints."""
    said = [str(ROLES.get(Role(r), r)) for r in step.get("roles", ())]
    if step.get("user_ids"):
        said.append(ngettext("%(num)d person", "%(num)d people", len(step["user_ids"])))
    if step.get("endpoint_ids"):
        count = len(step["endpoint_ids"])
        said.append(ngettext("%(num)d endpoint", "%(num)d endpoints", count))
    return ", ".join(said)


def row_problems(refused: Refusal | None, index: int) -> list[str]:
    """What was said of one step: by the schema (a field's problems) or by the domain."""
    if refused is None:
        return []
    said = [str(m) for m in refused.problems.get(f"steps.{index}") or []]
    found = refused.problems.get("steps")
    mine = found.get(index, found.get(str(index))) if isinstance(found, dict) else None
    if isinstance(mine, dict):
        for name, messages in mine.items():
            listed = messages if isinstance(messages, list) else [messages]
            said += [f"{name}: {m}" for m in listed]
    return said


def list_problems(refused: Refusal | None) -> list[str]:
    """What was said of the steps as a whole (none, too many tellings)."""
    found = refused.problems.get("steps") if refused else None
    return [str(m) for m in found] if isinstance(found, list) else []


def hours_problems(refused: Refusal | None) -> list[str]:
    """What was said of the deadlines."""
    return refused.of("rectify_hours") if refused else []
