"""The template editor's form: a template's sections and items as rows a person edits, and back.

The page holds the whole form. Each section is a set of fields named s-<id>-<field>, each item
r-<id>-<field>, and the order of the `section` and `row` fields in the form is the order of the
sections and items: moving an item in the browser moves its fields, nothing else. Without
JavaScript, Up, Down, Remove and Add post the form with an `op` and get it back changed, not
saved. Save builds the definition and hands it to the domain, which checks it and makes the
next version. A row remembers the key its item had (`was`), so what the form does not show (a
formula, a meter's rate limit, a baseline, an audit item's points) is kept as it was.
"""

import copy
import re
from dataclasses import dataclass, field, replace
from typing import Any

from server.domain.inspection.definition import NUMERIC, parse
from server.web.forms import Refusal, lines, number
from server.web.inspection_templates.names import problem_word

RANGES = ("normal", "warning", "critical")
SIDES = ("low", "high")
# Kinds a person may choose for an item; computed and audit items keep their kind as made.
CHOOSABLE = ("number", "meter", "check", "choice", "text", "photo")
# The item fields this form says afresh on every save; every other field is kept as it was.
OWNED = ("key", "type", "label", "required", "unit", "decimals", *RANGES, "fail_level")
OWNED += ("choices", "abnormal")
MAX_ROWS = 400  # the domain allows 200 items; a form with more is not a person's
_ID = re.compile(r"^[a-z0-9]{1,12}$")


@dataclass
class SectionRow:
    id: str
    was: str
    key: str
    title_en: str
    title_zh: str


@dataclass
class ItemRow:
    """One item as the form shows it: every value as text, as typed."""

    id: str
    was: str  # the item's key in the saved form; "" for a new item
    section: str  # its section row's id
    key: str = ""
    type: str = "number"
    label_en: str = ""
    label_zh: str = ""
    required: bool = True
    unit: str = ""
    decimals: str = "1"
    limits: dict[str, str] = field(default_factory=dict)  # "warning_low" -> "12"
    fail_level: str = "warning"
    choices: str = ""  # one a line
    warning_choices: str = ""
    critical_choices: str = ""
    fresh: bool = False  # just added: the page puts the cursor in it

    def limit(self, name: str, side: str) -> str:
        return self.limits.get(f"{name}_{side}", "")


@dataclass
class Draft:
    sections: list[SectionRow]
    rows: list[ItemRow]

    def rows_of(self, section_id: str) -> list[ItemRow]:
        return [r for r in self.rows if r.section == section_id]


def from_definition(raw: dict[str, Any]) -> Draft:
    """The saved form as rows, with the domain's defaults filled in (required, decimals)."""
    items = {item.key: item for item in parse(raw).items}
    sections, rows = [], []
    for s, section in enumerate(raw["sections"]):
        sid = f"s{s}"
        title = _as_label(section.get("title"))
        sections.append(SectionRow(sid, section["key"], section["key"], *title))
        for stored in section["items"]:
            item = items[stored["key"]]
            en, zh = _as_label(stored.get("label"))
            abnormal = item.abnormal
            rows.append(
                ItemRow(
                    id=f"r{len(rows)}",
                    was=item.key,
                    section=sid,
                    key=item.key,
                    type=item.type,
                    label_en=en,
                    label_zh=zh,
                    required=item.required,
                    unit=item.unit,
                    decimals=str(item.decimals),
                    limits={
                        f"{name}_{side}": _text(getattr(item.bounds, name)[i])
                        for name in RANGES
                        for i, side in enumerate(SIDES)
                    },
                    fail_level=item.fail_level,
                    choices="\n".join(item.choices),
                    warning_choices="\n".join(c for c, v in abnormal.items() if v == "warning"),
                    critical_choices="\n".join(c for c, v in abnormal.items() if v == "critical"),
                )
            )
    return Draft(sections, rows)


def from_form(form: Any) -> Draft:
    """The rows as the form sent them, in its order; ids that are not ours are dropped."""
    sids = [i for i in dict.fromkeys(form.getlist("section")) if _ID.match(i)][:MAX_ROWS]
    sections = [
        SectionRow(
            sid,
            form.get(f"s-{sid}-was", ""),
            form.get(f"s-{sid}-key", "").strip(),
            form.get(f"s-{sid}-title_en", "").strip(),
            form.get(f"s-{sid}-title_zh", "").strip(),
        )
        for sid in sids
    ]
    rows = []
    for rid in [i for i in dict.fromkeys(form.getlist("row")) if _ID.match(i)][:MAX_ROWS]:

        def got(name: str, rid: str = rid) -> str:
            return form.get(f"r-{rid}-{name}", "").strip()

        section = got("section")
        rows.append(
            ItemRow(
                id=rid,
                was=got("was"),
                section=section if section in sids else (sids[0] if sids else ""),
                key=got("key"),
                type=got("type"),
                label_en=got("label_en"),
                label_zh=got("label_zh"),
                required=bool(got("required")),
                unit=got("unit"),
                decimals=got("decimals"),
                limits={f"{n}_{s}": got(f"{n}_{s}") for n in RANGES for s in SIDES},
                fail_level=got("fail_level") or "warning",
                choices=got("choices"),
                warning_choices=got("warning_choices"),
                critical_choices=got("critical_choices"),
            )
        )
    return Draft(sections, rows)


def apply(draft: Draft, op: str) -> Draft:
    """The draft after Up, Down, Remove, Add an item (to a section) or Add a section."""
    verb, _, target = op.partition(":")
    rows = list(draft.rows)
    at = next((n for n, r in enumerate(rows) if r.id == target), None)
    if verb in ("up", "down") and at is not None:
        same = [n for n, r in enumerate(rows) if r.section == rows[at].section]
        step = same.index(at) + (-1 if verb == "up" else 1)
        if 0 <= step < len(same):
            other = same[step]
            rows[at], rows[other] = rows[other], rows[at]
    elif verb == "remove" and at is not None:
        del rows[at]
    elif verb == "add" and any(s.id == target for s in draft.sections):
        last = max((n for n, r in enumerate(rows) if r.section == target), default=len(rows) - 1)
        rows.insert(last + 1, ItemRow(id=_fresh_id(draft, "n"), was="", section=target, fresh=True))
    elif verb == "add-section":
        sid = _fresh_id(draft, "t")
        section = SectionRow(sid, "", "", "", "")
        rows.append(ItemRow(id=_fresh_id(draft, "n"), was="", section=sid, fresh=True))
        return Draft([*draft.sections, section], rows)
    return replace(draft, rows=rows)


@dataclass(frozen=True)
class Built:
    """The definition to save, and where each of its parts came from in the form."""

    definition: dict[str, Any]
    places: dict[str, str]  # "definition.sections[0].items[2]" -> "r-r5"


def build(draft: Draft, saved: dict[str, Any]) -> Built:
    """The definition the form describes, over the saved one; empty sections are left out."""
    saved_items = {i.get("key"): i for s in saved["sections"] for i in s.get("items", [])}
    saved_sections = {s.get("key"): s for s in saved["sections"]}
    sections: list[dict[str, Any]] = []
    places: dict[str, str] = {}
    for section in draft.sections:
        rows = draft.rows_of(section.id)
        if not rows:
            continue
        path = f"definition.sections[{len(sections)}]"
        places[path] = f"s-{section.id}"
        kept = {
            k: copy.deepcopy(v)
            for k, v in saved_sections.get(section.was, {}).items()
            if k not in ("key", "title", "items")
        }
        items = []
        for row in rows:
            places[f"{path}.items[{len(items)}]"] = f"r-{row.id}"
            items.append(_item(row, saved_items.get(row.was) if row.was else None))
        title = _label(section.title_en, section.title_zh)
        sections.append({"key": section.key, "title": title, "items": items, **kept})
    definition = {k: copy.deepcopy(v) for k, v in saved.items() if k != "sections"}
    return Built({**definition, "sections": sections}, places)


def _item(row: ItemRow, saved: dict[str, Any] | None) -> dict[str, Any]:
    kept = {k: copy.deepcopy(v) for k, v in (saved or {}).items() if k not in OWNED}
    item: dict[str, Any] = {
        "key": row.key,
        "type": row.type,
        "label": _label(row.label_en, row.label_zh),
        "required": row.required,
    }
    if row.type in NUMERIC:
        item["unit"] = row.unit
        if row.decimals:
            item["decimals"] = number(row.decimals)
        for name in RANGES:
            pair = [_number(row.limit(name, side)) for side in SIDES]
            if pair != [None, None]:
                item[name] = pair
    if row.type == "check":
        item["fail_level"] = row.fail_level
    if row.type == "choice":
        item["choices"] = lines(row.choices)
        abnormal = {c: "warning" for c in lines(row.warning_choices)}
        abnormal |= {c: "critical" for c in lines(row.critical_choices)}
        if abnormal:
            item["abnormal"] = abnormal
    return {**_as_saved(item, saved or {}), **kept}


def _as_saved(item: dict[str, Any], saved: dict[str, Any]) -> dict[str, Any]:
    """The item written as it was saved where it means the same (a default left out, a label
    kept as plain text), so saving an unchanged form makes no new version."""
    defaults = {
        "required": item["type"] not in ("text", "photo", "derived"),
        "unit": "",
        "decimals": 1,
        "fail_level": "warning",
    }
    found = {
        k: v for k, v in item.items() if k in saved or defaults.get(k, v) != v or k not in defaults
    }
    if isinstance(saved.get("label"), str) and found["label"] == {"en": saved["label"]}:
        found["label"] = saved["label"]
    return found


# What the domain names in a problem's path, as the form's field that shows it.
_FIELD = {
    "key": "key",
    "type": "type",
    "label": "label_en",
    "title": "title_en",
    "unit": "unit",
    "decimals": "decimals",
    "normal": "normal",
    "warning": "warning",
    "critical": "critical",
    "fail_level": "fail_level",
    "choices": "choices",
    "abnormal": "choices",
    "required": "required",
}
_ITEM_PATH = re.compile(r"^items\.([a-z0-9_]+)(?:\.(.+))?$")


def placed(refused: Refusal, built: Built | None, draft: Draft) -> Refusal:
    """The refusal with each problem beside the form field it is about (by row and field)."""
    places = dict(built.places) if built else {}
    by_key = {r.key: f"r-{r.id}" for r in draft.rows}
    found: dict[str, list[str]] = {}
    for path, messages in refused.problems.items():
        texts = [problem_word(m) for m in _messages(messages)]
        where, rest = _place(str(path), places, by_key)
        if where is None:
            name = str(path)
        elif not rest:
            name = where
        elif rest in _FIELD:
            name = f"{where}-{_FIELD[rest]}"
        else:
            name, texts = where, [f"{rest}: {m}" for m in texts]
        found.setdefault(name, []).extend(texts)
    return replace(refused, message=problem_word(refused.message), problems=found)


def unplaced(refused: Refusal | None) -> list[tuple[str, str]]:
    """Problems no row or head field shows: (path, message), for the list atop the form."""
    if refused is None:
        return []
    mine = ("r-", "s-", "name", "name_zh", "description", "asset_kind", "active")
    return [
        (path, m)
        for path, messages in refused.problems.items()
        if not path.startswith(mine)
        for m in _messages(messages)
    ]


def _place(path: str, places: dict[str, str], by_key: dict[str, str]) -> tuple[str | None, str]:
    match = _ITEM_PATH.match(path)
    if match and match.group(1) in by_key:
        return by_key[match.group(1)], match.group(2) or ""
    best = max((p for p in places if path == p or path.startswith(p + ".")), key=len, default=None)
    if best is None:
        return None, ""
    return places[best], path[len(best) + 1 :]


def _messages(found: Any) -> list[str]:
    if isinstance(found, str):
        return [found]
    if isinstance(found, dict):
        return [m for v in found.values() for m in _messages(v)]
    return [str(m) for m in found]


def _fresh_id(draft: Draft, prefix: str) -> str:
    taken = {r.id for r in draft.rows} | {s.id for s in draft.sections}
    n = len(taken)
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def _label(en: str, zh: str) -> dict[str, str]:
    return {k: v for k, v in (("en", en), ("zh", zh)) if v}


def _as_label(raw: Any) -> tuple[str, str]:
    if isinstance(raw, str):
        return raw, ""
    raw = raw or {}
    return raw.get("en", ""), raw.get("zh", "")


def _number(text: str) -> Any:
    return None if text == "" else number(text)


def _text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
