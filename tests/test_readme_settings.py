"""The README's settings table is what server/settings.py reads: every variable, each default."""

import os
import re
from pathlib import Path
from typing import Any

import pytest

from server import settings

README = settings.ROOT / "README.md"
NAME = re.compile(r"`([A-Z][A-Z0-9_]*)`")
LITERAL = re.compile(r"`([^`]*)`")


class Recorder(dict[str, str]):
    """An empty environment that notes every variable asked of it."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return default

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        self.asked.add(str(key))
        return False


@pytest.fixture
def read_by_settings() -> set[str]:
    """Every variable settings.py asks the environment for, through its reader or os.environ."""
    environ = Recorder()
    settings.from_environment(environ)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "environ", environ)  # os.getenv reads os.environ too
        settings.defaults()
        settings.load()
    return environ.asked


def tables(section: str) -> list[tuple[str, list[list[str]]]]:
    """The tables of a README section, each with the line of text just above it; no header rows."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {section}\n")
    end = text.find("\n## ", start + 1)
    found: list[tuple[str, list[list[str]]]] = []
    intro, rows = "", None
    for line in text[start : end if end > 0 else None].splitlines():
        if line.startswith("|"):
            if rows is None:
                rows = []
                found.append((intro, rows))
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        else:
            rows = None
            intro = line if line.strip() else intro
    return [(intro, rows[2:]) for intro, rows in found]


def settings_rows() -> list[list[str]]:
    (rows,) = [rows for intro, rows in tables("Configuration") if "`server/settings.py`" in intro]
    return rows


def documented(rows: list[list[str]]) -> dict[str, str | None]:
    """Variable -> the default the README gives in backticks; None where it says it in words."""
    found: dict[str, str | None] = {}
    for names_cell, default_cell, _meaning in rows:
        names, literals = NAME.findall(names_cell), LITERAL.findall(default_cell)
        assert len(literals) in (0, 1, len(names)), f"defaults do not line up: {names_cell}"
        for i, name in enumerate(names):
            found[name] = literals[i if len(literals) == len(names) else 0] if literals else None
    return found


def test_the_table_lists_every_variable_settings_reads_and_no_other(read_by_settings):
    listed = set(documented(settings_rows()))
    unlisted, unread = sorted(read_by_settings - listed), sorted(listed - read_by_settings)
    assert not unlisted and not unread, (
        f"read by server/settings.py, missing from the README: {unlisted}; "
        f"in the README, read by nothing in settings.py: {unread}"
    )


def test_each_default_is_the_one_settings_starts_with():
    defaults = settings.defaults()
    wrong = {}
    for name, given in documented(settings_rows()).items():
        value = defaults.get(name.removeprefix("VIGIL_"), "")
        if value == "":  # empty stands for something made at start, which the README says in words
            continue  # (a name settings.py does not know fails the test above)
        expected = str(value).replace(str(settings.ROOT), "<repo>")
        if given != expected:
            wrong[name] = (given, expected)
    assert not wrong, f"variable: (README says, settings.py starts with) {wrong}"


def test_the_other_tables_name_variables_read_elsewhere(read_by_settings):
    sources = [settings.ROOT / "Makefile"]
    for folder in ("tests", "benchmarks", "server"):
        sources += (settings.ROOT / folder).rglob("*.py")
    here = Path(__file__).resolve()
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources if p.resolve() != here)
    others = [rows for intro, rows in tables("Configuration") if "server/settings.py" not in intro]
    names = set().union(*(documented(rows) for rows in others))
    assert names, "the README lists no variables besides the settings"
    twice = sorted(names & read_by_settings)
    assert not twice, f"settings.py reads these; they belong in its table: {twice}"
    unread = sorted(n for n in names if not re.search(rf"\b{n}\b", text))
    assert not unread, f"in the README, read by nothing in the Makefile or the code: {unread}"
